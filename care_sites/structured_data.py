"""schema.org descriptions of care sites (MedicalClinic), locations (Hospital) and support
services."""

from care_sites.models import WEEKDAYS
from portal.structured_data import (
    CONTEXT,
    absolute,
    geo,
    opening_hours,
    organization_reference,
    postal_address,
    telephone,
)

DAY_NAMES = dict(WEEKDAYS)


def address(location):
    return postal_address(location.street_address, location.city, location.state,
                          location.postal_code)


def hours(location):
    return opening_hours((DAY_NAMES[interval.weekday], interval.opens, interval.closes)
                         for interval in location.opening_hours.all())


def closed_days(closures):
    """The days a campus is closed, as its page lists them: a special opening time from
    00:00 to 00:00, schema.org's way of saying closed all day."""
    return [{"@type": "OpeningHoursSpecification", "validFrom": day.date.isoformat(),
             "validThrough": day.date.isoformat(), "opens": "00:00", "closes": "00:00"}
            for day in closures]


def location_page(location, closures=()):
    """Hospital with what its page shows, `closures` included (the upcoming days it is
    closed)."""
    url = absolute(location.get_absolute_url())
    return {
        "@context": CONTEXT,
        "@type": "Hospital",
        "@id": url,
        "url": url,
        "name": location.name,
        "address": address(location),
        "geo": geo(location.latitude, location.longitude),
        "hasMap": location.map_url,
        "telephone": telephone(location.phone),
        "openingHoursSpecification": hours(location),
        "specialOpeningHoursSpecification": closed_days(closures),
        "parentOrganization": organization_reference(),
        "department": [{"@type": "MedicalClinic", "name": site.name,
                        "url": absolute(site.get_absolute_url())}
                       for site in location.care_sites.all()],
    }


def care_site_page(site):
    """MedicalClinic with what its page shows: its phone, and each location with its
    address; the address and map point as its own only when it has one location. Not a
    location's opening hours or phone, which are the campus's (its own page has them)."""
    url = absolute(site.get_absolute_url())
    locations = list(site.locations.all())
    only = locations[0] if len(locations) == 1 else None
    return {
        "@context": CONTEXT,
        "@type": "MedicalClinic",
        "@id": url,
        "url": url,
        "name": site.name,
        "description": site.summary,
        "image": absolute(site.image.url) if site.image else None,
        "telephone": telephone(site.phone),
        "email": site.email,
        "address": address(only) if only else None,
        "geo": geo(only.latitude, only.longitude) if only else None,
        "isAcceptingNewPatients": site.accepts_new_patients,
        "parentOrganization": organization_reference(),
        "location": [{"@type": "Hospital", "name": location.name,
                      "url": absolute(location.get_absolute_url()),
                      "address": address(location)} for location in locations],
        "medicalSpecialty": f"{CONTEXT}/Oncologic",
    }


def support_service_page(service):
    url = absolute(service.get_absolute_url())
    return {
        "@context": CONTEXT,
        "@type": "Service",
        "@id": url,
        "url": url,
        "name": service.name,
        "description": service.summary,
        "serviceType": service.get_category_display(),
        "provider": organization_reference(),
        "availableChannel": {
            "@type": "ServiceChannel",
            "servicePhone": {"@type": "ContactPoint", "telephone": telephone(service.phone)}
            if service.phone else None,
            "availableLanguage": [language.name for language in service.languages.all()],
        },
    }
