import re
from html import unescape

from django import template
from django.conf import settings
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from portal.cache import is_tracking
from portal.structured_data import default_share_image

register = template.Library()


@register.simple_tag
def portal_name():
    return settings.PORTAL_NAME


@register.simple_tag(takes_context=True)
def nav_current(context, prefix):
    """The aria-current attribute for a navigation link whose section the visitor is in."""
    request = context.get("request")
    if request is None or not request.path.startswith(prefix):
        return ""
    return mark_safe(' aria-current="page"' if request.path == prefix else ' aria-current="true"')


@register.filter
def safe_url(url):
    """Only web and mail links reach an href: never javascript: or data: URLs."""
    url = (url or "").strip()
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    return url if scheme in {"http", "https", "mailto", "tel"} else ""


@register.filter
def plain_text(html):
    """Text of sanitised HTML, for summaries and meta descriptions (escaped again on output)."""
    return unescape(strip_tags(html or ""))


SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@register.filter
def sentences_within(text, words):
    """The first sentences of `text` that fit in `words` words, so that a teaser does not
    stop mid-sentence ("... and most children ..." for "... are cured."); a first sentence
    longer than that is cut at a word with an ellipsis."""
    kept, count = [], 0
    for sentence in SENTENCE_END.split((text or "").strip()):
        length = len(sentence.split())
        if count + length > int(words):
            break
        kept.append(sentence)
        count += length
    return " ".join(kept) if kept else Truncator(text or "").words(int(words))


@register.filter
def attribute(obj, name):
    """obj.<name>, for a field chosen in code (e.g. which field is a search result's summary)."""
    return getattr(obj, name, "")


@register.simple_tag(takes_context=True)
def structured_data(context):
    """The page's JSON-LD: a BreadcrumbList for the breadcrumbs it shows, then the blocks
    its view gave in `structured_data`."""
    from portal.structured_data import breadcrumb_list, compact, script

    request = context.get("request")
    blocks = list(context.get("structured_data") or [])
    crumbs = context.get("crumbs")
    if crumbs:
        blocks.append(breadcrumb_list(crumbs, request.path if request else "/"))
    return mark_safe("".join(script(compact(block)) for block in blocks))


def block_html(context, name):
    """One of the page's blocks as rendered, or "" when the page has none."""
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context else None
    return block.render(context) if block is not None else ""


def block_text(context, name):
    """The text of one of the page's blocks (its title or description), for the meta tags
    that repeat it."""
    return " ".join(unescape(strip_tags(block_html(context, name))).split())


def canonical_query(request, page_obj):
    """The part of the query string a canonical address keeps: the number of the page
    shown, past the first, of a list asked for without filters (`?page=2` lists other items
    than the first page; a number past the last shows the last); nothing otherwise
    (filters, tracking)."""
    names = {name for name in request.GET if not is_tracking(name)}
    if names == {"page"} and page_obj is not None and page_obj.number > 1:
        return f"?page={page_obj.number}"
    return ""


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def page_meta(context):
    """Canonical link and Open Graph tags: the address without its query string but a page
    number (canonical_query), or the `canonical_path` the view gives. None for a page
    search engines are asked not to index: its canonical would point elsewhere."""
    request = context.get("request")
    path = context.get("canonical_path") or (request.path if request else "/")
    url = settings.SITE_URL + path + (
        canonical_query(request, context.get("page_obj")) if request else "")
    return {
        "canonical_url": url,
        "noindex": 'name="robots" content="noindex' in block_html(context, "meta"),
        "title": block_text(context, "title"),
        "description": block_text(context, "meta_description"),
        "site_name": settings.PORTAL_NAME,
        "og_type": context.get("og_type", "website"),
        "image": context.get("share_image") or default_share_image(),
    }

