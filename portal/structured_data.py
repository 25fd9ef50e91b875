"""schema.org data (JSON-LD) for search engines, and the helpers the feature apps use to
describe their own pages. Each block is rendered by the `structured_data` template tag,
escaped so that no text from the database can end the script element."""

import json

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe

CONTEXT = "https://schema.org"
# Characters that could close the element or start markup inside it, written as JSON escapes
# (replaced one by one: str.translate with a table looks up every character, ten times slower
# on a page's 12 KB of data).
JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))


def absolute(path):
    return path if path.startswith(("http://", "https://")) else settings.SITE_URL + path


# The picture a link to any page shows when shared (Open Graph's required image), unless the
# page has its own (a story's or a care site's photo): the portal's mark, 1200 by 630 pixels
# as the larger link previews use.
SHARE_IMAGE = "img/share.png"


def default_share_image():
    return {"url": absolute(static(SHARE_IMAGE)), "width": 1200, "height": 630,
            "alt": f"The {settings.PORTAL_NAME} mark: a white heart on a blue square."}


def share_image(image, alt):
    """A page's own picture for link previews (an uploaded image and its description), or
    None when it has none."""
    return {"url": absolute(image.url), "alt": alt} if image else None


def script(data):
    """A <script type="application/ld+json"> element for one block."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in JSON_ESCAPES:
        text = text.replace(character, escaped)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def compact(data):
    """The block without empty values (schema.org readers expect absent, not empty), nor
    things left with a type only (a service channel with no phone and no language)."""
    if isinstance(data, dict):
        cleaned = {key: compact(value) for key, value in data.items()}
        kept = {key: value for key, value in cleaned.items() if value not in ("", None, [], {})}
        return {} if set(kept) <= {"@type"} else kept
    if isinstance(data, list):
        return [item for item in (compact(value) for value in data)
                if item not in ("", None, [], {})]
    return data


def breadcrumb_list(crumbs, path):
    """BreadcrumbList for the breadcrumbs a page shows (Home, then `crumbs`)."""
    items = [("Home", reverse("home"))]
    items += [(crumb["title"], crumb.get("url") or path) for crumb in crumbs]
    return {
        "@context": CONTEXT, "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": str(name),
             "item": absolute(url)}
            for position, (name, url) in enumerate(items, start=1)
        ],
    }


def organization():
    return {
        "@context": CONTEXT, "@type": "Organization", "@id": absolute("/#organization"),
        "name": settings.PORTAL_NAME, "url": absolute("/"),
        "logo": absolute(static("img/favicon.svg")),  # its hashed name, kept for a year
    }


def organization_reference():
    """The portal's organisation where a page names it (publisher, provider): its @id, which
    the home page describes in full, and its type and name, since each page is read on its
    own."""
    return {"@type": "Organization", "@id": absolute("/#organization"),
            "name": settings.PORTAL_NAME, "url": absolute("/")}


def website():
    return {
        "@context": CONTEXT, "@type": "WebSite", "@id": absolute("/#website"),
        "name": settings.PORTAL_NAME, "url": absolute("/"),
        "publisher": organization_reference(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint",
                       "urlTemplate": absolute(reverse("search")) + "?q={search_term_string}"},
            "query-input": "required name=search_term_string",
        },
    }


def web_page(title, path, description=""):
    return {"@context": CONTEXT, "@type": "WebPage", "@id": absolute(path),
            "url": absolute(path), "name": title, "description": description,
            "publisher": organization_reference()}


def telephone(value):
    """A phone number with its country code ("+1 510-555-0143"), as search engines ask for;
    as typed when it is not one number ("ext. 2 or 3")."""
    import phonenumbers

    from portal.templatetags.layout_tags import PHONE_REGION

    try:
        number = phonenumbers.parse(str(value or ""), PHONE_REGION)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def postal_address(street, city, region, postal_code, country="US"):
    return {"@type": "PostalAddress", "streetAddress": street, "addressLocality": city,
            "addressRegion": region, "postalCode": postal_code, "addressCountry": country}


def geo(latitude, longitude):
    if latitude is None or longitude is None:
        return None
    return {"@type": "GeoCoordinates", "latitude": float(latitude),
            "longitude": float(longitude)}


def opening_hours(intervals):
    """OpeningHoursSpecification for [(weekday name, opens, closes)]."""
    return [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": f"{CONTEXT}/{day}",
         "opens": opens.strftime("%H:%M"), "closes": closes.strftime("%H:%M")}
        for day, opens, closes in intervals
    ]
