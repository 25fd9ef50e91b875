from html import unescape

from django import template
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

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


@register.filter
def attribute(obj, name):
    """obj.<name>, for a field chosen in code (e.g. which field is a search result's summary)."""
    return getattr(obj, name, "")
