from django.utils.functional import SimpleLazyObject

from pages.models import Page
from portal.cache import per_content_version


def site_pages(request):
    """Header and footer links to published pages; queried only when a template uses them."""

    def links():
        placed = {Page.Placement.HEADER: [], Page.Placement.FOOTER: []}
        pages = Page.objects.published().filter(placement__in=placed)
        for page in pages.only("title", "slug", "placement"):
            placed[page.placement].append({"title": page.title, "url": page.get_absolute_url()})
        return placed

    placed = SimpleLazyObject(lambda: per_content_version("site-pages", links))
    return {
        "header_links": SimpleLazyObject(lambda: placed[Page.Placement.HEADER]),
        "footer_links": SimpleLazyObject(lambda: placed[Page.Placement.FOOTER]),
    }
