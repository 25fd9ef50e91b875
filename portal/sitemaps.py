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
        return ["home", "pages:privacy", "newsletter:signup", "glossary:term-list",
                "trials:explained"]

    def location(self, item):
        return reverse(item)
