from django import template

from care_sites.models import Location
from portal.cache import per_content_version

register = template.Library()


@register.simple_tag
def main_phone():
    """The phone number of the published location marked as the main number, or ""."""
    return per_content_version("main-phone", lambda: (
        Location.objects.published().filter(is_main=True).exclude(phone="")
        .values_list("phone", flat=True).first() or ""
    ))
