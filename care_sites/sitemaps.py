from care_sites.models import CareSite, Location, SupportService
from portal.sitemaps import SiteSitemap


class PublishedSitemap(SiteSitemap):
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
