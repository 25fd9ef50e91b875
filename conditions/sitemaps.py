from conditions.models import Condition, Story
from portal.sitemaps import SiteSitemap


class ConditionSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.9

    def items(self):
        return Condition.objects.published()

    def lastmod(self, condition):
        return condition.updated_at


class StorySitemap(SiteSitemap):
    changefreq = "yearly"
    priority = 0.5

    def items(self):
        return Story.objects.published()

    def lastmod(self, story):
        return story.updated_at
