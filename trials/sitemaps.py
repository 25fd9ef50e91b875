from django.contrib.sitemaps import Sitemap

from trials.models import Trial


class TrialSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return Trial.objects.published()

    def lastmod(self, trial):
        return trial.updated_at
