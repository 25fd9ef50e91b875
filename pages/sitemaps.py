from pages.models import Page
from portal.sitemaps import SiteSitemap


class PageSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Page.objects.published()

    def lastmod(self, page):
        return page.updated_at
