"""What site search finds of care sites, locations and support services."""

from django.utils.dateformat import time_format

from care_sites.models import CareSite, Language, Location, OpeningHours, SupportService
from conditions.models import Condition
from portal.search import Destination, Document, Part, Searchable, html_text, live


def care_site_document(site):
    locations = [f"{location.name}, {location.city}" for location in live(site.locations.all())]
    return Document(
        title=site.name, url=site.get_absolute_url(), summary=site.summary,
        parts=(
            Part("", "", html_text(site.description_html)),
            Part("treats-title", "Conditions treated",
                 ", ".join(condition.name for condition in live(site.conditions.all()))),
            Part("where-title", "Where", "; ".join(locations)),
        ),
    )


def support_service_document(service):
    return Document(
        title=service.name, url=service.get_absolute_url(), summary=service.summary,
        parts=(
            Part("", "", html_text(service.description_html)),
            Part("how-to-access", "How to get this help", service.how_to_access),
            Part("languages", "Languages",
                 ", ".join(language.name for language in service.languages.all())),
            Part("conditions", "For families dealing with",
                 ", ".join(condition.name for condition in live(service.conditions.all()))),
        ),
    )


def opening_hours_text(location):
    """Each day the location opens, with its hours as the page shows them ("Saturday 9:00
    a.m. to 1:00 p.m."), and the note about hours."""
    days = [
        f"{day} " + ", ".join(f"{time_format(interval.opens, 'g:i a')} to "
                              f"{time_format(interval.closes, 'g:i a')}"
                              + (" the next day" if interval.runs_past_midnight else "")
                              for interval in intervals)
        for day, intervals in location.week() if intervals
    ]
    weekend = [day for day, intervals in location.week()[5:] if intervals]
    return " ".join(filter(None, [
        "; ".join(days) + ("." if days and days[-1].endswith("day") else ""),
        ("Open on weekends." if len(weekend) == 2 else
         f"Open on weekends: {weekend[0]} only." if weekend else ""),
        location.hours_note,
    ]))


def location_document(location):
    return Document(
        title=location.name, url=location.get_absolute_url(),
        summary=location.address_line,
        parts=(
            Part("directions", "Directions",
                 f"Get directions to {location.name}, {location.street_address}, "
                 f"{location.city}."),
            Part("parking", "Parking", location.parking),
            Part("transit", "Public transit", location.transit),
            Part("opening-hours", "Opening hours", opening_hours_text(location)),
        ),
    )


SEARCHES = [
    Searchable(
        CareSite, "care_site", "Clinic or program", "Clinics and programs", care_site_document,
        prefetch=("locations", "conditions"),
        depends_on=((Location, "locations"), (Condition, "conditions")),
    ),
    Searchable(
        SupportService, "support", "Support service", "Support services",
        support_service_document, prefetch=("languages", "conditions"),
        depends_on=((Language, "languages"), (Condition, "conditions")),
    ),
    Searchable(
        Location, "location", "Location", "Locations", location_document,
        prefetch=("opening_hours",), depends_on=((OpeningHours, "opening_hours"),),
    ),
]

DESTINATIONS = [
    Destination(
        "Where to get care", "care_sites:care-site-list",
        "Our clinics and programs, and the campuses where they run.",
        words="care clinics clinic programs hospitals hospital locations campuses find "
              "doctor doctors specialists directions",
    ),
    Destination(
        "Support services", "support:service-list",
        "Help for children and families during and after treatment.",
        words="support services help families family",
    ),
]
