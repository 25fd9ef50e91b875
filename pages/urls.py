from django.urls import path

from pages import views

app_name = "pages"

urlpatterns = [
    path("privacy/", views.privacy_notice, name="privacy"),
    path("privacy/<slug:version>/", views.privacy_notice, name="privacy-version"),
    # Admin-editable pages (/about/): included last in the root URLconf, so every other
    # path wins.
    path("<slug:slug>/", views.page_detail, name="page-detail"),
]
