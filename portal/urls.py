from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from care_sites.sitemaps import CareSiteSitemap, LocationSitemap, SupportServiceSitemap
from conditions.sitemaps import ConditionSitemap, StorySitemap
from portal import views
from portal.sitemaps import PageSitemap, StaticViewSitemap
from trials.sitemaps import TrialSitemap

sitemaps = {
    "site": StaticViewSitemap,
    "pages": PageSitemap,
    "conditions": ConditionSitemap,
    "stories": StorySitemap,
    "care-sites": CareSiteSitemap,
    "locations": LocationSitemap,
    "support": SupportServiceSitemap,
    "trials": TrialSitemap,
}

admin.site.site_header = settings.PORTAL_NAME + " administration"
admin.site.site_title = settings.PORTAL_NAME
admin.site.index_title = "Content and settings"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("admin/", admin.site.urls),
    path("conditions/", include("conditions.urls")),
    path("care/", include("care_sites.urls")),
    path("support/", include("care_sites.support_urls")),
    path("trials/", include("trials.urls")),
    path("search/", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("privacy/<slug:version>/", views.privacy_notice, name="privacy-version"),
    path("newsletter/", views.newsletter_signup, name="newsletter"),
    path("newsletter/thanks/", views.newsletter_thanks, name="newsletter-thanks"),
    path("newsletter/confirm/<str:token>/", views.newsletter_confirm, name="newsletter-confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.newsletter_unsubscribe,
         name="newsletter-unsubscribe"),
    path("newsletter/preferences/<str:token>/", views.newsletter_preferences,
         name="newsletter-preferences"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Admin-editable pages (/about/): always the last pattern, so every other path wins.
urlpatterns.append(path("<slug:slug>/", views.page_detail, name="page-detail"))
