from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from care_sites.sitemaps import CareSiteSitemap, LocationSitemap, SupportServiceSitemap
from conditions.sitemaps import ConditionSitemap, StorySitemap
from pages.sitemaps import PageSitemap
from portal import admin_views, staff, views
from portal.sitemaps import StaticViewSitemap, from_site_url
from trials.sitemaps import TrialSitemap

sitemaps = {name: from_site_url(sitemap_class) for name, sitemap_class in {
    "site": StaticViewSitemap,
    "pages": PageSitemap,
    "conditions": ConditionSitemap,
    "stories": StorySitemap,
    "care-sites": CareSiteSitemap,
    "locations": LocationSitemap,
    "support": SupportServiceSitemap,
    "trials": TrialSitemap,
}.items()}

admin.site.site_header = settings.PORTAL_NAME + " administration"
admin.site.site_title = settings.PORTAL_NAME
admin.site.index_title = "Content and settings"
staff.secure_admin_site(admin.site)
handler403 = views.permission_denied

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("admin/two-step/", staff.two_factor_setup, name=staff.SETUP_URL_NAME),
    path("admin/two-step/verify/", staff.two_factor_verify, name=staff.VERIFY_URL_NAME),
    # Two of the admin's own views, narrowed (portal.admin_views); before the admin's URLs.
    path("admin/r/<int:content_type_id>/<path:object_id>/",
         admin.site.admin_view(admin_views.view_on_site)),
    path("admin/autocomplete/",
         admin.site.admin_view(admin_views.AutocompleteView.as_view(admin_site=admin.site))),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    path("conditions/", include("conditions.urls")),
    path("care/", include("care_sites.urls")),
    path("support/", include("care_sites.support_urls")),
    path("trials/", include("trials.urls")),
    path("glossary/", include("conditions.glossary_urls")),
    path("search/", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("newsletter/", include("newsletter.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The privacy notice and admin-editable pages (/about/): always last, so every other path wins.
urlpatterns.append(path("", include("pages.urls")))
