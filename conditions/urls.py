from django.urls import path

from conditions import views

app_name = "conditions"

urlpatterns = [
    path("", views.condition_list, name="condition-list"),
    path("stories/<slug:slug>/", views.story_detail, name="story-detail"),
    path("<slug:slug>/", views.condition_detail, name="condition-detail"),
]
