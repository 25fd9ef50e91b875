from django.urls import path, re_path

from trials import views

app_name = "trials"

urlpatterns = [
    path("", views.trial_list, name="trial-list"),
    path("explained/", views.trial_explained, name="explained"),
    re_path(r"^(?P<nct_id>[Nn][Cc][Tt][0-9]{8})/$", views.trial_detail, name="trial-detail"),
]
