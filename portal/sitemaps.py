from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class SiteSitemap(Sitemap):
    """Addresses on SITE_URL, whatever host the sitemap was asked for on."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class StaticViewSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ["home", "conditions:condition-list", "trials:trial-list",
                "care_sites:care-site-list", "support:service-list", "trials:explained",
                "glossary:term-list", "newsletter:signup", "pages:privacy"]

    def location(self, item):
        return reverse(item)


class SiteURLSitemap(Sitemap):
    """Absolute URLs from settings.SITE_URL, never from the request's Host header."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path.rstrip("/")


def from_site_url(sitemap_class):
    """The sitemap class with its URLs built from SITE_URL."""
    return type(sitemap_class.__name__, (SiteURLSitemap, sitemap_class), {})
