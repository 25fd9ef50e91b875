"""Small factories shared by the care_sites tests."""

import datetime
import io
import random

from django.contrib.auth.models import Group
from PIL import Image

from care_sites.models import CareSite, Language, Location, SupportService
from conditions.models import Condition

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


def make_site(**kw):
    slug = kw.pop("slug", None) or f"site-{CareSite.objects.count() + 1}"
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


def make_condition(**kw):
    defaults = {"name": "Neuroblastoma", "slug": "neuroblastoma", "summary": "A summary.",
                "status": Condition.Status.PUBLISHED}
    return Condition.objects.create(**{**defaults, **kw})


def staff_user(django_user_model, role, username=None):
    user = django_user_model.objects.create_user(
        username=username or role.lower().replace(" ", "-"), password="pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def png_bytes(size=(8, 6), noisy=False):
    """A real PNG; a noisy one does not compress, so its size grows with its pixels."""
    buffer = io.BytesIO()
    if noisy:
        width, height = size
        pixels = random.Random(4).randbytes(width * height * 3)
        image = Image.frombytes("RGB", size, pixels)
    else:
        image = Image.new("RGB", size, "#0b5394")
    image.save(buffer, format="PNG")
    return buffer.getvalue()
