from django.utils.functional import SimpleLazyObject

from pages.models import Page
from portal.cache import per_content_version
from portal.querysets import built_once

PLACED = [Page.Placement.HEADER, Page.Placement.FOOTER]


@built_once
def placed_pages():
    return (Page.objects.published().filter(placement__in=PLACED)
            .only("title", "slug", "placement"))


def site_pages(request):
    """Header and footer links to published pages; queried only when a template uses them."""

    def links():
        placed = {placement: [] for placement in PLACED}
        for page in placed_pages():
            placed[page.placement].append({"title": page.title, "url": page.get_absolute_url()})
        return placed

    placed = SimpleLazyObject(lambda: per_content_version("site-pages", links))
    return {
        "header_links": SimpleLazyObject(lambda: placed[Page.Placement.HEADER]),
        "footer_links": SimpleLazyObject(lambda: placed[Page.Placement.FOOTER]),
    }
