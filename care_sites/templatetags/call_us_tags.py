from django import template

from care_sites.models import Location
from portal.cache import per_content_version
from portal.querysets import built_once

register = template.Library()


@built_once
def main_phones():
    return (Location.objects.published().filter(is_main=True).exclude(phone="")
            .values_list("phone", flat=True)[:1])


@register.simple_tag
def main_phone():
    """The phone number of the published location marked as the main number, or ""."""
    return per_content_version("main-phone", lambda: next(iter(main_phones()), ""))
