from django.urls import path

from care_sites import views

app_name = "support"

urlpatterns = [
    path("", views.service_list, name="service-list"),
    path("<slug:slug>/", views.service_detail, name="service-detail"),
]
