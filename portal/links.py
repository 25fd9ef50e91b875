"""Links to many pages of one kind at once (a list of a thousand conditions), and to the
current page with other query parameters."""

from urllib.parse import quote

from django.urls import reverse

from portal.cache import is_tracking

PLACEHOLDER = "slug-placeholder"


def detail_link(viewname):
    """A function from a slug to the address of `viewname` (a pattern taking one `slug`)
    for that slug: the pattern is reversed once, not once per row, which for a long list
    is most of its cost."""
    head, found, tail = reverse(viewname, kwargs={"slug": PLACEHOLDER}).partition(PLACEHOLDER)
    if not found:
        raise ValueError(f"{viewname} does not write its slug into the address as given")
    return lambda slug: f"{head}{quote(slug, safe='')}{tail}"


def query_changed(request, **changes):
    """The current query string ("?..."), with some parameters changed (None or "" removes
    one) and tracking parameters left out: one visitor's campaign tag is not passed on in a
    page's links (which the page cache shares)."""
    query = request.GET.copy()
    for name in [name for name in query if is_tracking(name)]:
        del query[name]
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return f"?{query.urlencode()}"
