from portal.sitemaps import SiteSitemap
from trials.models import Trial


class TrialSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return Trial.objects.published()

    def lastmod(self, trial):
        return trial.updated_at
