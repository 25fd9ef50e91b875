from django.urls import path

from conditions import views

app_name = "glossary"

urlpatterns = [
    path("", views.glossary, name="term-list"),
]
