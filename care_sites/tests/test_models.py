"""Care sites models: opening hours across days and time zones, validation, helpers."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from care_sites.models import (
    Closure,
    Language,
    Location,
    OpeningHours,
    SupportService,
    interpreter_service,
)
from care_sites.tests.factories import (
    UTC,
    hours,
    make_location,
    make_service,
    make_site,
    utc,
)

pytestmark = pytest.mark.django_db

MONDAY, TUESDAY, FRIDAY, SATURDAY, SUNDAY = 0, 1, 4, 5, 6


# Location.is_open ----------------------------------------------------------------------------

def test_settings_use_the_portals_time_zone(settings):
    assert settings.TIME_ZONE == "America/Los_Angeles"


def test_tuesday_early_utc_is_still_monday_evening_in_the_portals_zone():
    # 2025-01-07 is a Tuesday; 02:00 UTC is Monday 18:00 in Los Angeles (PST, UTC-8).
    location = make_location()
    hours(location, MONDAY, "09:00", "18:30")
    instant = utc(2025, 1, 7, 2, 0)
    assert instant.weekday() == TUESDAY
    assert location.is_open(instant)

    tuesday_only = make_location()
    hours(tuesday_only, TUESDAY, "00:00", "23:59")
    assert not tuesday_only.is_open(instant)


def test_daylight_saving_time_moves_the_local_hour():
    # 2025-07-08 is a Tuesday; 02:00 UTC is Monday 19:00 in Los Angeles (PDT, UTC-7),
    # after the 18:30 closing time; the same UTC time in January is 18:00, before it.
    location = make_location()
    hours(location, MONDAY, "09:00", "18:30")
    assert location.is_open(utc(2025, 1, 7, 2, 0))
    assert not location.is_open(utc(2025, 7, 8, 2, 0))
    assert location.is_open(utc(2025, 7, 8, 1, 29))


def test_closing_time_is_exclusive_and_opening_time_inclusive():
    location = make_location()
    hours(location, MONDAY, "09:00", "17:00")
    # Monday 2025-01-06; Los Angeles is UTC-8 in January.
    assert not location.is_open(utc(2025, 1, 6, 16, 59))  # 08:59
    assert location.is_open(utc(2025, 1, 6, 17, 0))  # 09:00
    assert location.is_open(utc(2025, 1, 7, 0, 59))  # 16:59
    assert not location.is_open(utc(2025, 1, 7, 1, 0))  # 17:00
    # The same hours on Tuesday are not Monday's hours.
    assert not location.is_open(utc(2025, 1, 7, 18, 0))  # Tuesday 10:00


def test_interval_past_midnight_covers_the_evening_and_next_morning_only():
    location = make_location()
    hours(location, FRIDAY, "22:00", "02:00")
    # Friday 2025-01-10 and Saturday 2025-01-11, Los Angeles is UTC-8.
    assert not location.is_open(utc(2025, 1, 11, 5, 59))  # Friday 21:59
    assert location.is_open(utc(2025, 1, 11, 6, 0))  # Friday 22:00
    assert location.is_open(utc(2025, 1, 11, 7, 30))  # Friday 23:30
    assert location.is_open(utc(2025, 1, 11, 9, 59))  # Saturday 01:59
    assert not location.is_open(utc(2025, 1, 11, 10, 0))  # Saturday 02:00
    assert not location.is_open(utc(2025, 1, 12, 7, 0))  # Saturday 23:00
    assert not location.is_open(utc(2025, 1, 10, 9, 0))  # Friday 01:00 (Thursday's night)


def test_interval_past_midnight_on_sunday_runs_into_monday():
    location = make_location()
    hours(location, SUNDAY, "22:00", "02:00")
    assert location.is_open(utc(2025, 1, 6, 9, 0))  # Monday 2025-01-06 01:00
    assert not location.is_open(utc(2025, 1, 7, 9, 0))  # Tuesday 01:00


def test_a_closure_day_closes_the_location_in_local_dates():
    location = make_location()
    hours(location, MONDAY, "09:00", "18:30")
    instant = utc(2025, 1, 7, 2, 0)  # Monday 2025-01-06 18:00 local
    assert location.is_open(instant)

    Closure.objects.create(location=location, date=datetime.date(2025, 1, 7), note="Other day")
    assert location.is_open(instant)

    Closure.objects.create(location=location, date=datetime.date(2025, 1, 6), note="Holiday")
    assert not location.is_open(instant)


def test_a_closure_closes_the_night_that_began_on_it():
    location = make_location()
    hours(location, SUNDAY, "22:00", "02:00")
    after_midnight = utc(2025, 1, 6, 9, 0)  # Monday 2025-01-06 01:00 local
    Closure.objects.create(location=location, date=datetime.date(2025, 1, 6), note="Monday")
    assert location.is_open(after_midnight)  # the night opened on Sunday, which is not closed
    Closure.objects.create(location=location, date=datetime.date(2025, 1, 5), note="Sunday")
    assert not location.is_open(after_midnight)


def test_no_hours_means_closed():
    location = make_location()
    assert not location.is_open(utc(2025, 1, 6, 20, 0))
    assert not location.is_open()


def test_is_open_defaults_to_now():
    location = make_location()
    hours(location, MONDAY, "09:00", "18:30")
    with mock.patch("django.utils.timezone.now", return_value=utc(2025, 1, 7, 2, 0)):
        assert location.is_open()  # Monday 18:00 local
    with mock.patch("django.utils.timezone.now", return_value=utc(2025, 1, 7, 18, 0)):
        assert not location.is_open()  # Tuesday 10:00 local


def test_changing_the_time_zone_changes_the_answer_for_the_same_instant(settings):
    location = make_location()
    hours(location, MONDAY, "09:00", "18:30")
    instant = utc(2025, 1, 7, 2, 0)
    assert location.is_open(instant)  # Monday 18:00 in Los Angeles

    settings.TIME_ZONE = "UTC"
    assert not location.is_open(instant)  # Tuesday 02:00

    settings.TIME_ZONE = "Asia/Tokyo"
    assert not location.is_open(instant)  # Tuesday 11:00
    hours(location, TUESDAY, "10:00", "12:00")
    assert location.is_open(instant)

    settings.TIME_ZONE = "UTC"
    assert not location.is_open(instant)


def test_week_lists_every_day_with_its_intervals():
    location = make_location()
    morning = hours(location, MONDAY, "08:00", "12:00")
    afternoon = hours(location, MONDAY, "13:00", "17:00")
    saturday = hours(location, SATURDAY, "09:00", "13:00")
    week = location.week()
    assert [day for day, _ in week] == [
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    ]
    assert week[0][1] == [morning, afternoon]
    assert week[5][1] == [saturday]
    assert week[1][1] == []


# Opening hours and closures ------------------------------------------------------------------

def test_opening_hours_refuse_equal_open_and_close_times():
    location = make_location()
    same = OpeningHours(location=location, weekday=MONDAY, opens=datetime.time(9),
                        closes=datetime.time(9))
    with pytest.raises(ValidationError, match="Opening and closing times must differ"):
        same.full_clean()


@pytest.mark.parametrize(("opens", "closes"), [(9, 17), (22, 2)])
def test_opening_hours_accept_different_times(opens, closes):
    location = make_location()
    OpeningHours(location=location, weekday=MONDAY, opens=datetime.time(opens),
                 closes=datetime.time(closes)).full_clean()


@pytest.mark.parametrize(("opens", "closes", "message"), [
    ("08:30", "07:00", "closes at 07:00 the next morning, after 22 h 30 min open"),
    ("09:00", "05:00", "closes at 05:00 the next morning, after 20 h open"),
])
def test_opening_hours_refuse_a_day_time_typed_for_an_evening_one(opens, closes, message):
    """Past midnight for longer than 16 hours is taken for a mistake: "7:00" for 7 p.m."""
    interval = OpeningHours(location=make_location(), weekday=MONDAY,
                            opens=datetime.time.fromisoformat(opens),
                            closes=datetime.time.fromisoformat(closes))
    with pytest.raises(ValidationError) as refused:
        interval.full_clean()
    assert message in refused.value.message_dict["closes"][0]
    assert "19:00 for 7 p.m." in refused.value.message_dict["closes"][0]


def test_evening_hours_past_midnight_say_the_next_day(client):
    location = make_location(slug="evening-clinic")
    hours(location, FRIDAY, "18:00", "02:00")
    hours(location, MONDAY, "08:00", "17:00")
    html = client.get("/care/locations/evening-clinic/").content.decode()
    assert "6:00 p.m. to 2:00 a.m. the next day" in html
    assert "8:00 a.m. to 5:00 p.m.</td>" in html


def test_opening_hours_str():
    location = make_location()
    interval = hours(location, FRIDAY, "22:00", "02:00")
    interval.refresh_from_db()
    assert str(interval) == "Friday 22:00-02:00"


def test_closure_is_upcoming_from_today():
    location = make_location()
    past = Closure.objects.create(location=location, date=datetime.date(2000, 1, 1))
    future = Closure.objects.create(location=location, date=datetime.date(2999, 1, 1))
    assert not past.is_upcoming
    assert future.is_upcoming


# Care sites ----------------------------------------------------------------------------------

def test_cities_are_distinct_and_in_location_order():
    site = make_site()
    site.locations.add(
        make_location(slug="b-oakland", city="Oakland"),
        make_location(slug="a-sf", city="San Francisco"),
        make_location(slug="c-oakland", city="Oakland"),
        make_location(slug="d-walnut", city="Walnut Creek"),
    )
    # Locations are ordered by name: A sf, B oakland, C oakland, D walnut.
    assert site.cities() == ["San Francisco", "Oakland", "Walnut Creek"]


def test_cities_empty_without_locations():
    assert make_site().cities() == []


def test_care_site_with_an_image_needs_alt_text():
    site = make_site()
    site.image.name = "care-sites/photo.png"
    site.image_alt = "   "
    with pytest.raises(ValidationError) as caught:
        site.clean()
    assert caught.value.message_dict == {
        "image_alt": ["Describe the image for people who cannot see it."]
    }
    site.image_alt = "A waiting room with toys"
    site.clean()


def test_care_site_without_an_image_needs_no_alt_text():
    make_site().clean()


def test_care_site_slug_locations_is_reserved():
    site = make_site()
    site.slug = "locations"
    with pytest.raises(ValidationError) as caught:
        site.clean()
    assert list(caught.value.message_dict) == ["slug"]


def test_care_site_description_is_rendered_and_sanitised_on_save():
    site = make_site(description="**Hello** <script>alert(1)</script> [x](javascript:alert(2))")
    assert "<strong>Hello</strong>" in site.description_html
    assert "<script" not in site.description_html
    assert "javascript:" not in site.description_html
    site.description = "Changed."
    site.save()
    site.refresh_from_db()
    assert site.description_html == "<p>Changed.</p>"


def test_support_service_description_is_rendered_and_sanitised_on_save():
    service = make_service(description="A *list*:\n\n- one\n- two\n\n<img src=x onerror=alert(1)>")
    assert "<em>list</em>" in service.description_html
    assert "<li>one</li>" in service.description_html
    assert "<img" not in service.description_html
    assert "onerror" not in service.description_html


def test_care_site_image_is_saved_through_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    site = make_site(image_alt="A picture")
    site.image.save("photo.png", ContentFile(b"not checked here"))
    assert site.image.name.startswith("care-sites/photo")
    assert (tmp_path / site.image.name).read_bytes() == b"not checked here"


def test_urls():
    location = make_location(slug="oakland-campus")
    assert location.get_absolute_url() == "/care/locations/oakland-campus/"
    assert make_site(slug="oncology-clinic").get_absolute_url() == "/care/oncology-clinic/"
    assert make_service(slug="spiritual-care").get_absolute_url() == "/support/spiritual-care/"


# Map link ------------------------------------------------------------------------------------

def test_map_url_is_an_openstreetmap_link_with_the_coordinates():
    location = make_location(latitude=Decimal("37.767900"), longitude=Decimal("-122.390300"))
    location.refresh_from_db()
    assert location.map_url == (
        "https://www.openstreetmap.org/?mlat=37.767900&mlon=-122.390300"
        "#map=17/37.767900/-122.390300"
    )


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(None, None), (Decimal("37.7679"), None), (None, Decimal("-122.3903"))],
)
def test_map_url_is_empty_without_both_coordinates(latitude, longitude):
    location = make_location(latitude=latitude, longitude=longitude)
    assert location.map_url == ""


def test_coordinates_are_range_checked():
    location = make_location(latitude=Decimal("91"), longitude=Decimal("-181"))
    with pytest.raises(ValidationError) as caught:
        location.full_clean()
    assert set(caught.value.message_dict) == {"latitude", "longitude"}


# Interpreter service -------------------------------------------------------------------------

def interpreters(**kw):
    return make_service(slug="interpreters", category=SupportService.Category.LANGUAGE_ACCESS,
                        **kw)


def test_interpreter_service_is_the_published_language_access_service_with_languages():
    make_service(slug="camp", category=SupportService.Category.CAMPS)
    service = interpreters()
    spanish = Language.objects.create(name="Spanish", order=1)
    cantonese = Language.objects.create(name="Cantonese", order=0)
    service.languages.add(spanish, cantonese)

    found = interpreter_service()
    assert found == service
    assert list(found.languages.all()) == [cantonese, spanish]


def test_interpreter_service_is_none_without_languages():
    interpreters()
    assert interpreter_service() is None


def test_interpreter_service_is_none_when_a_draft():
    service = interpreters(status=SupportService.Status.DRAFT)
    service.languages.add(Language.objects.create(name="Spanish"))
    assert interpreter_service() is None


def test_interpreter_service_is_none_when_scheduled():
    service = interpreters(publish_at=datetime.datetime(2999, 1, 1, tzinfo=UTC))
    service.languages.add(Language.objects.create(name="Spanish"))
    assert interpreter_service() is None


def test_interpreter_service_ignores_languages_on_other_categories():
    other = make_service(category=SupportService.Category.INTERNATIONAL)
    other.languages.add(Language.objects.create(name="Spanish"))
    assert interpreter_service() is None


def test_published_excludes_drafts_and_future_items():
    live = make_location(slug="live")
    make_location(slug="draft", status=Location.Status.DRAFT)
    make_location(slug="later", publish_at=datetime.datetime(2999, 1, 1, tzinfo=UTC))
    assert list(Location.objects.published()) == [live]
