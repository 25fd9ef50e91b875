from django.db.models import Case, F, Max, Q, When
from django.db.models.functions import Greatest
from django.utils import timezone

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


def last_shown_change(relation):
    """The latest change among the items of `relation` that a page shows or may have shown:
    an edit (withdrawing one included), or the moment one was published or its unpublishing
    time passed; for that page's own `lastmod`. Those to be published later are left out;
    a draft's edit may move it too, which only asks a search engine to look again."""
    now = timezone.now()
    ever_shown = Q(**{f"{relation}__publish_at__lte": now})
    edited = F(f"{relation}__updated_at")
    went = Case(When(**{f"{relation}__unpublish_at__lte": now},
                     then=F(f"{relation}__unpublish_at")), default=edited)
    return Max(Greatest(edited, F(f"{relation}__publish_at"), went), filter=ever_shown)


class WithRelatedSitemap(PublishedSitemap):
    """A page that also shows other items (a care site its locations' addresses, a location
    its clinics): it last changed when it or one of them did."""

    shows = ""

    def items(self):
        return (super().items().annotate(related_changed=last_shown_change(self.shows))
                .order_by("name", "pk"))

    def lastmod(self, obj):
        return max(filter(None, [obj.updated_at, obj.related_changed]))


class CareSiteSitemap(WithRelatedSitemap):
    model = CareSite
    shows = "locations"


class LocationSitemap(WithRelatedSitemap):
    model = Location
    shows = "care_sites"


class SupportServiceSitemap(PublishedSitemap):
    model = SupportService
