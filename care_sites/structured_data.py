"""schema.org descriptions of care sites (MedicalClinic), locations (Hospital) and support
services."""

from care_sites.models import WEEKDAYS
from portal.structured_data import (
    CONTEXT,
    absolute,
    geo,
    opening_hours,
    postal_address,
)

DAY_NAMES = dict(WEEKDAYS)


def address(location):
    return postal_address(location.street_address, location.city, location.state,
                          location.postal_code)


def hours(location):
    return opening_hours((DAY_NAMES[interval.weekday], interval.opens, interval.closes)
                         for interval in location.opening_hours.all())


def location_page(location):
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
        "telephone": location.phone,
        "openingHoursSpecification": hours(location),
        "parentOrganization": {"@id": absolute("/#organization")},
        "department": [{"@type": "MedicalClinic", "name": site.name,
                        "url": absolute(site.get_absolute_url())}
                       for site in location.care_sites.all()],
    }


def care_site_page(site):
    """MedicalClinic at its first location (address, geo, hours); every location listed."""
    url = absolute(site.get_absolute_url())
    locations = list(site.locations.all())
    first = locations[0] if locations else None
    return {
        "@context": CONTEXT,
        "@type": "MedicalClinic",
        "@id": url,
        "url": url,
        "name": site.name,
        "description": site.summary,
        "telephone": site.phone or (first.phone if first else ""),
        "email": site.email,
        "address": address(first) if first else None,
        "geo": geo(first.latitude, first.longitude) if first else None,
        "openingHoursSpecification": hours(first) if first else [],
        "isAcceptingNewPatients": site.accepts_new_patients,
        "parentOrganization": {"@id": absolute("/#organization")},
        "location": [{"@type": "Hospital", "name": location.name,
                      "url": absolute(location.get_absolute_url()),
                      "address": address(location)} for location in locations],
        "medicalSpecialty": "Oncologic",
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
        "provider": {"@id": absolute("/#organization")},
        "availableChannel": {
            "@type": "ServiceChannel",
            "servicePhone": {"@type": "ContactPoint", "telephone": service.phone}
            if service.phone else None,
            "availableLanguage": [language.name for language in service.languages.all()],
        },
    }
