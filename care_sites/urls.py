from django.urls import path

from care_sites import views

app_name = "care_sites"

urlpatterns = [
    path("", views.care_site_list, name="care-site-list"),
    path("locations/<slug:slug>/", views.location_detail, name="location-detail"),
    path("<slug:slug>/", views.care_site_detail, name="care-site-detail"),
]
