from django import template

from care_sites.models import Location

register = template.Library()


@register.simple_tag
def main_phone():
    """The phone number of the published location marked as the main number, or ""."""
    location = (
        Location.objects.published().filter(is_main=True).exclude(phone="").only("phone").first()
    )
    return location.phone if location else ""
