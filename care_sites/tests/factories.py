"""Small factories shared by the care_sites tests."""

import datetime

from care_sites.models import CareSite, Language, Location, SupportService

UTC = datetime.UTC


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def make_location(**kw):
    slug = kw.pop("slug", None) or f"location-{Location.objects.count() + 1}"
    defaults = {
        "name": slug.replace("-", " ").capitalize(),
        "slug": slug,
        "street_address": "1 Example Way",
        "city": "San Francisco",
        "postal_code": "94158",
        "status": Location.Status.PUBLISHED,
    }
    return Location.objects.create(**{**defaults, **kw})


def hours(location, weekday, opens, closes):
    return location.opening_hours.create(weekday=weekday, opens=opens, closes=closes)


def make_site(slug=None, **kw):
    slug = slug or f"site-{CareSite.objects.count() + 1}"
    defaults = {"name": slug.replace("-", " ").capitalize(), "slug": slug,
                "summary": "A summary.", "status": CareSite.Status.PUBLISHED}
    return CareSite.objects.create(**{**defaults, **kw})


def make_service(**kw):
    slug = kw.pop("slug", None) or f"service-{SupportService.objects.count() + 1}"
    defaults = {"name": slug.replace("-", " ").capitalize(), "slug": slug,
                "summary": "A summary.", "category": SupportService.Category.FAMILY_LIFE,
                "status": SupportService.Status.PUBLISHED}
    return SupportService.objects.create(**{**defaults, **kw})


def make_interpreters(languages=(), **kw):
    service = make_service(
        **{"slug": "interpreter-services", "name": "Interpreter services",
           "category": SupportService.Category.LANGUAGE_ACCESS, **kw}
    )
    for order, name in enumerate(languages):
        service.languages.add(Language.objects.create(name=name, order=order))
    return service


