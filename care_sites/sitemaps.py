from django.contrib.sitemaps import Sitemap

from care_sites.models import CareSite, Location, SupportService


class PublishedSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6
    model = None

    def items(self):
        return self.model.objects.published()

    def lastmod(self, obj):
        return obj.updated_at


class CareSiteSitemap(PublishedSitemap):
    model = CareSite


class LocationSitemap(PublishedSitemap):
    model = Location


class SupportServiceSitemap(PublishedSitemap):
    model = SupportService
