from django.db.models import Max, Q
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
    """The latest change among the published items of `relation` that a page shows (an edit,
    or the moment one was published), for that page's own `lastmod`."""
    now = timezone.now()
    shown = (Q(**{f"{relation}__status": "published", f"{relation}__publish_at__lte": now})
             & (Q(**{f"{relation}__unpublish_at__isnull": True})
                | Q(**{f"{relation}__unpublish_at__gt": now})))
    return Max(Greatest(f"{relation}__updated_at", f"{relation}__publish_at"), filter=shown)


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
