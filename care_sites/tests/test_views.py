"""Public care site, location and support service pages, and the condition page blocks."""

import datetime
import re
from unittest import mock

import pytest
from django.utils import timezone

from care_sites.models import CareSite, Location, SupportService
from care_sites.tests.factories import (
    hours,
    make_interpreters,
    make_location,
    make_service,
    make_site,
    utc,
)
from conditions.models import Condition
from conditions.tests.factories import make_condition
from portal import roles
from portal.tests.support import page_queries, staff_user
from trials.models import OverallStatus, Trial
from trials.tests.factories import make_trial

pytestmark = pytest.mark.django_db

LATER = timezone.now() + datetime.timedelta(days=3)
# Before the frozen times of the open-now tests, so the location is live then.
LONG_AGO = utc(2020, 1, 1)
MONDAY, FRIDAY, SATURDAY = 0, 4, 5


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def the_three_campuses():
    return (
        make_location(slug="san-francisco-campus", name="San Francisco campus",
                      city="San Francisco"),
        make_location(slug="oakland-campus", name="Oakland campus", city="Oakland",
                      street_address="200 Sample Avenue", postal_code="94609",
                      phone="(510) 555-0120"),
        make_location(slug="walnut-creek-campus", name="Walnut Creek center",
                      city="Walnut Creek"),
    )


# /care/ --------------------------------------------------------------------------------------

def test_care_list_shows_published_sites_as_cards_with_their_cities(client):
    sf, oakland, walnut = the_three_campuses()
    infusion = make_site(slug="infusion-center", name="Infusion Center", order=1,
                         summary="Treatments through a vein.")
    infusion.locations.add(sf, oakland, walnut)
    oncology = make_site(slug="oncology-clinic", name="Oncology Clinic", order=2,
                         accepts_new_patients=False)
    oncology.locations.add(oakland)
    make_site(slug="draft-clinic", name="Draft Clinic", status=CareSite.Status.DRAFT)
    make_site(slug="future-clinic", name="Future Clinic", publish_at=LATER)

    response = client.get("/care/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/care/infusion-center/">Infusion Center</a>' in html
    # Cities follow the locations' order (by name).
    assert "Oakland / San Francisco / Walnut Creek</p>" in html
    assert "Treatments through a vein." in html
    assert '<a href="/care/oncology-clinic/">Oncology Clinic</a>' in html
    assert "Not taking new patients right now" in html
    assert html.index("Infusion Center") < html.index("Oncology Clinic")
    assert "Draft Clinic" not in html
    assert "Future Clinic" not in html
    assert list(response.context["care_sites"]) == [infusion, oncology]
    assert "2 clinics and programs" in html
    assert '<a href="/care/locations/oakland-campus/">Oakland campus</a>, Oakland' in html


def test_care_list_cards_hide_draft_locations(client):
    site = make_site(slug="oncology-clinic", name="Oncology Clinic")
    site.locations.add(make_location(slug="live", city="Oakland"),
                       make_location(slug="hidden", city="Fresno",
                                     status=Location.Status.DRAFT))
    html = page(client, "/care/")
    assert "Oakland</p>" in html
    assert "Fresno" not in html


def test_care_list_filters_by_location(client):
    sf, oakland, _ = the_three_campuses()
    both = make_site(slug="both", name="Both Places")
    both.locations.add(sf, oakland)
    make_site(slug="sf-only", name="Only SF").locations.add(sf)
    make_site(slug="nowhere", name="No Location")

    response = client.get("/care/", {"location": "oakland-campus"})
    assert response.status_code == 200
    html = response.content.decode()
    assert list(response.context["care_sites"]) == [both]
    assert "Only SF" not in html
    assert "No Location" not in html
    assert '<option value="oakland-campus" selected>' in html
    assert 'at <a href="/care/locations/oakland-campus/">Oakland campus</a>' in html
    assert "<title>Care in Oakland" in html
    # The card still lists every city of the site, not only the filtered one.
    assert "Oakland / San Francisco</p>" in html


def test_care_list_with_an_unknown_location_shows_the_empty_state(client):
    make_site(slug="oncology-clinic", name="Oncology Clinic").locations.add(make_location())
    response = client.get("/care/", {"location": "atlantis"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No clinics or programs match that location." in html
    assert '<a href="/care/">Show all clinics and programs</a>' in html
    assert "Oncology Clinic" not in html
    assert "0 clinics and programs" in html


def test_care_list_with_a_draft_location_slug_shows_the_empty_state(client):
    draft = make_location(slug="secret", status=Location.Status.DRAFT)
    make_site(slug="oncology-clinic", name="Oncology Clinic").locations.add(draft)
    html = page(client, "/care/?location=secret")
    assert "No clinics or programs match that location." in html
    assert "Oncology Clinic" not in html


def test_care_list_empty_without_any_site(client):
    html = page(client, "/care/")
    assert "No clinics or programs are listed yet." in html


# /care/<slug>/ -------------------------------------------------------------------------------

def test_care_site_page_shows_its_details(client):
    _, oakland, walnut = the_three_campuses()
    site = make_site(
        slug="oncology-clinic", name="Oncology Clinic", summary="Check-ups for children.",
        description="Your child's **oncologist** sees you here.",
        phone="(510) 555-0144", email="oncology@example.org",
    )
    site.locations.add(oakland, walnut)
    site.locations.add(make_location(slug="hidden", name="Hidden campus",
                                     status=Location.Status.DRAFT))
    neuroblastoma = make_condition()
    draft = make_condition(name="Retinoblastoma", slug="retinoblastoma",
                           status=Condition.Status.DRAFT)
    site.conditions.add(neuroblastoma, draft)
    make_service(slug="social-services", name="Social services",
                 summary="Help with money worries.").care_sites.add(site)
    make_service(slug="draft-service", name="Draft service",
                 status=SupportService.Status.DRAFT).care_sites.add(site)

    html = page(client, "/care/oncology-clinic/")
    assert '<h1 id="page-title">Oncology Clinic</h1>' in html
    assert "Check-ups for children." in html
    assert "<p>Your child's <strong>oncologist</strong> sees you here.</p>" in html
    # Each location with its address and phone.
    assert '<a href="/care/locations/oakland-campus/">Oakland campus</a>' in html
    assert "200 Sample Avenue<br>Oakland, CA 94609" in html
    assert '<a href="tel:+15105550120">(510) 555-0120</a>' in html
    assert '<a href="/care/locations/walnut-creek-campus/">Walnut Creek center</a>' in html
    assert "Hidden campus" not in html
    # The conditions it treats, published only.
    assert '<a href="/conditions/neuroblastoma/">Neuroblastoma</a>' in html
    assert "Retinoblastoma" not in html
    assert '<a href="/support/social-services/">Social services</a>' in html
    assert "Draft service" not in html
    # Contact.
    assert '<a href="tel:+15105550144">(510) 555-0144</a>' in html
    assert '<a href="mailto:oncology@example.org">oncology@example.org</a>' in html
    assert "Taking new patients." in html
    assert "Preview." not in html


def test_care_site_page_shows_the_image_with_its_alt_text(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    site = make_site(slug="oncology-clinic", image_alt="A bright waiting room")
    site.image.name = "care-sites/room.png"
    site.save()
    html = page(client, "/care/oncology-clinic/")
    assert 'src="/media/care-sites/room.png" alt="A bright waiting room"' in html


def test_care_site_cards_show_the_image_as_decoration(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    condition = make_condition()
    site = make_site(slug="oncology-clinic", image_alt="Illustration for the Oncology Clinic")
    site.image.name = "care-sites/room.png"
    site.save()
    site.conditions.add(condition)
    for url in ["/care/", condition.get_absolute_url()]:
        html = page(client, url)
        card = re.search(r'<li class="card care-card">.*?</li>', html, re.S)[0]
        assert '<img class="card-img-top" src="/media/care-sites/room.png" alt=""' in card, url
        assert "Illustration for the" not in html, url


def test_care_site_page_without_conditions_or_locations_hides_those_blocks(client):
    make_site(slug="oncology-clinic")
    html = page(client, "/care/oncology-clinic/")
    assert "Conditions we treat" not in html
    assert "Where we see patients" not in html
    assert "Clinical trials here" not in html


def trial_titles(html):
    return re.findall(r'<h3 class="h5 trial-card__title"><a href="[^"]+">([^<]+)</a>', html)


def test_care_site_page_lists_its_trials_open_ones_first(client):
    site = make_site(slug="oncology-clinic", name="Oncology Clinic")
    elsewhere = make_site(slug="other-clinic")
    statuses = {
        "Zinc study": OverallStatus.RECRUITING, "Alpha study": OverallStatus.ACTIVE_NOT_RECRUITING,
        "Beta study": OverallStatus.NOT_YET_RECRUITING, "Gamma study": OverallStatus.RECRUITING,
        "Closed study": OverallStatus.COMPLETED,
    }
    for number, (title, status) in enumerate(statuses.items()):
        make_trial(f"NCT0000000{number}", brief_title=title,
                   overall_status=status).care_sites.add(site)
    make_trial("NCT00000010", brief_title="Draft study",
               status=Trial.Status.DRAFT).care_sites.add(site)
    make_trial("NCT00000011", brief_title="Study elsewhere").care_sites.add(elsewhere)

    html = page(client, "/care/oncology-clinic/")
    assert '<h2 id="site-trials-title">Clinical trials here</h2>' in html
    # Open to new patients first, then in progress, then not yet recruiting; closed ones and
    # drafts are not listed, nor another site's trials.
    assert trial_titles(html) == ["Gamma study", "Zinc study", "Alpha study", "Beta study"]
    assert ("5 trials: 2 open to new patients, 1 in progress, 1 not yet recruiting, "
            "1 closed.") in html
    assert ('<a href="/trials/?site=oncology-clinic">See all trials at Oncology Clinic</a>'
            in html)
    assert "None of the trials here is open" not in html
    # The link leads to the same trials in the trial finder.
    finder = page(client, "/trials/?site=oncology-clinic")
    assert "5 trials match your search" in finder


def test_care_site_page_shows_at_most_six_trials(client):
    site = make_site(slug="oncology-clinic")
    for number in range(8):
        make_trial(f"NCT1000000{number}", brief_title=f"Study {number}").care_sites.add(site)
    html = page(client, "/care/oncology-clinic/")
    assert len(trial_titles(html)) == 6
    assert "8 trials: 8 open to new patients, 0 in progress." in html


def test_care_site_page_says_when_none_of_its_trials_is_open(client):
    site = make_site(slug="oncology-clinic")
    make_trial("NCT00000001", overall_status=OverallStatus.COMPLETED).care_sites.add(site)
    html = page(client, "/care/oncology-clinic/")
    assert trial_titles(html) == []
    assert "1 trial: 0 open to new patients, 0 in progress, 1 closed." in html
    assert "None of the trials here is open to new patients right now." in html


# /care/locations/<slug>/ ---------------------------------------------------------------------

def full_location():
    location = make_location(
        slug="oakland-campus", name="Oakland campus", street_address="200 Sample Avenue",
        city="Oakland", postal_code="94609", phone="(510) 555-0120",
        latitude="37.837000", longitude="-122.266000",
        hours_note="Closed on major holidays.",
        parking="Free parking beside the building.",
        transit="A short walk from MacArthur BART.", publish_at=LONG_AGO,
    )
    for day in range(5):
        hours(location, day, "09:00", "17:00")
    hours(location, SATURDAY, "09:00", "13:00")
    location.closures.create(date=datetime.date(2025, 1, 1), note="New Year's Day")
    location.closures.create(date=datetime.date(2025, 11, 27), note="Thanksgiving")
    return location


# Monday 2025-01-06 10:00 and 18:00 in Los Angeles (UTC-8).
MONDAY_MORNING = utc(2025, 1, 6, 18, 0)
MONDAY_EVENING = utc(2025, 1, 7, 2, 0)


def test_location_page_shows_its_details(client):
    location = full_location()
    site = make_site(slug="oncology-clinic", name="Oncology Clinic", summary="Check-ups.",
                     publish_at=LONG_AGO)
    site.locations.add(location)
    make_site(slug="draft-clinic", name="Draft Clinic",
              status=CareSite.Status.DRAFT).locations.add(location)
    make_site(slug="elsewhere", name="Elsewhere Clinic")

    with mock.patch("django.utils.timezone.now", return_value=MONDAY_MORNING):
        html = page(client, "/care/locations/oakland-campus/")

    assert '<h1 id="page-title">Oakland campus</h1>' in html
    assert "200 Sample Avenue<br>Oakland, CA 94609" in html
    assert '<a href="tel:+15105550120">(510) 555-0120</a>' in html
    assert '<th scope="row">Monday</th><td>9:00 a.m. to 5:00 p.m.</td>' in html
    assert '<th scope="row">Saturday</th><td>9:00 a.m. to 1:00 p.m.</td>' in html
    assert '<th scope="row">Sunday</th><td>Closed</td>' in html
    assert "Closed on major holidays." in html
    assert "Free parking beside the building." in html
    assert "A short walk from MacArthur BART." in html
    assert (
        '<p class="mt-2" id="directions"><a href="https://www.openstreetmap.org/directions?'
        'to=37.837000%2C-122.266000">Get directions</a> · <a href="https://www.openstreetmap.org'
        '/?mlat=37.837000&amp;mlon=-122.266000#map=17/37.837000/-122.266000">Open the map</a> '
        "(OpenStreetMap)</p>"
    ) in html
    # Upcoming closures only: New Year's Day 2025 is in the past on January 6.
    assert "Thursday, November 27, 2025 (Thanksgiving)" in html
    assert "New Year" not in html
    assert '<a href="/care/oncology-clinic/">Oncology Clinic</a>: Check-ups.' in html
    assert "Draft Clinic" not in html
    assert "Elsewhere Clinic" not in html


def test_location_page_says_open_now_in_opening_hours(client):
    full_location()
    with mock.patch("django.utils.timezone.now", return_value=MONDAY_MORNING):
        response = client.get("/care/locations/oakland-campus/")
    html = response.content.decode()
    assert response.context["open_now"] is True
    assert '<p class="open-now open-now--open">Open now</p>' in html
    assert "Closed now" not in html


def test_open_now_is_kept_by_no_browser_or_cdn_past_closing_time(client):
    full_location()
    # 16:58 in Los Angeles: the location closes at 17:00, in two minutes.
    with mock.patch("django.utils.timezone.now", return_value=utc(2025, 1, 7, 0, 58)):
        response = client.get("/care/locations/oakland-campus/")
    assert "Open now" in response.content.decode()
    control = response["Cache-Control"]
    max_age = int(re.search(r"max-age=(\d+)", control)[1])
    stale = int(re.search(r"stale-while-revalidate=(\d+)", control)[1])
    assert max_age == 60
    assert stale <= 60  # fresh for a minute, stale at most until 17:00


def test_location_page_says_closed_now_after_hours(client):
    full_location()
    with mock.patch("django.utils.timezone.now", return_value=MONDAY_EVENING):
        response = client.get("/care/locations/oakland-campus/")
    html = response.content.decode()
    assert response.context["open_now"] is False
    assert '<p class="open-now open-now--closed">Closed now</p>' in html
    assert "Open now" not in html


def test_location_page_says_closed_on_a_closure_day(client):
    location = full_location()
    location.closures.create(date=datetime.date(2025, 1, 6), note="Staff day")
    with mock.patch("django.utils.timezone.now", return_value=MONDAY_MORNING):
        html = page(client, "/care/locations/oakland-campus/")
    assert "Closed now" in html
    assert "Monday, January 6, 2025 (Staff day)" in html


def test_location_open_every_minute_of_the_week_says_open_now(client):
    location = make_location(slug="always", publish_at=LONG_AGO)
    for day in range(7):
        hours(location, day, "00:00", "23:59")
    with mock.patch("django.utils.timezone.now", return_value=utc(2025, 1, 11, 20, 0)):
        html = page(client, "/care/locations/always/")
    assert "Open now" in html


def test_location_without_hours_or_coordinates(client):
    make_location(slug="bare")
    html = page(client, "/care/locations/bare/")
    assert "Closed now" in html
    # Directions from the address; no map without a map point.
    assert ('<a href="https://www.openstreetmap.org/directions?to=1+Example+Way%2C+'
            'San+Francisco%2C+CA+94158">Get directions</a> (OpenStreetMap)') in html
    assert "Open the map" not in html
    assert "Parking</h2>" not in html
    assert html.count("<td>Closed</td>") == 7


# /support/ -----------------------------------------------------------------------------------

def test_support_list_is_grouped_by_category(client):
    make_service(slug="spiritual-care", name="Spiritual care",
                 category=SupportService.Category.EMOTIONAL_SPIRITUAL)
    make_service(slug="family-amenities", name="Family amenities", order=3,
                 summary="Lounges and kitchens.")
    make_service(slug="child-life", name="Child life specialists", order=2)
    make_service(slug="summer-camp", name="Summer camp",
                 category=SupportService.Category.CAMPS)
    make_service(slug="draft-service", name="Draft service", status="draft")
    make_service(slug="later-service", name="Later service", publish_at=LATER)

    response = client.get("/support/")
    assert response.status_code == 200
    html = response.content.decode()
    groups = response.context["groups"]
    assert [group["category"] for group in groups] == [
        "Camps and recreation", "Emotional and spiritual care", "Family life",
    ]
    assert [s.name for s in groups[2]["services"]] == ["Child life specialists",
                                                       "Family amenities"]
    assert '<h2 id="category-3">Family life</h2>' in html
    assert (
        html.index("Family life</h2>")
        < html.index('<a href="/support/child-life/">Child life specialists</a>')
        < html.index('<a href="/support/family-amenities/">Family amenities</a>')
    )
    assert "Lounges and kitchens." in html
    assert "Draft service" not in html
    assert "Later service" not in html


def test_support_list_empty_state(client):
    html = page(client, "/support/")
    assert "No support services are listed yet." in html


# /support/<slug>/ ----------------------------------------------------------------------------

def test_support_service_page_shows_languages_access_and_contact(client):
    service = make_interpreters(
        languages=["Cantonese", "Spanish", "American Sign Language"],
        summary="Free medical interpreters.", description="In person or by *video*.",
        how_to_access="Tell the front desk.\nOr call us.",
        phone="(415) 555-0170", email="interpreters@example.org",
        website="https://example.org/interpreters",
    )
    site = make_site(slug="oncology-clinic", name="Oncology Clinic")
    service.care_sites.add(site, make_site(slug="draft-clinic", name="Draft Clinic",
                                           status=CareSite.Status.DRAFT))
    service.conditions.add(make_condition())

    html = page(client, "/support/interpreter-services/")
    assert '<h1 id="page-title">Interpreter services</h1>' in html
    assert "Language access" in html
    assert "Free medical interpreters." in html
    assert "<p>In person or by <em>video</em>.</p>" in html
    assert (
        '<ul class="language-list"><li>Cantonese</li><li>Spanish</li>'
        "<li>American Sign Language</li></ul>"
    ) in html
    assert '<h2 id="how-to-access" class="h4">How to get this help</h2>' in html
    assert "Tell the front desk.<br>Or call us." in html
    assert '<a href="tel:+14155550170">(415) 555-0170</a>' in html
    assert '<a href="mailto:interpreters@example.org">' in html
    assert '<a href="https://example.org/interpreters">Website</a>' in html
    assert '<a href="/care/oncology-clinic/">Oncology Clinic</a>' in html
    assert "Draft Clinic" not in html
    assert '<a href="/conditions/neuroblastoma/">Neuroblastoma</a>' in html


def test_support_service_page_without_languages_or_contact(client):
    make_service(slug="summer-camp", name="Summer camp")
    html = page(client, "/support/summer-camp/")
    assert "Languages</h2>" not in html
    assert "Contact</h2>" not in html
    # The heading stays (the interpreter call to action links to it), with a fallback text.
    assert '<h2 id="how-to-access" class="h4">How to get this help</h2>' in html
    assert "Ask any member of your child's care team" in html


# Drafts and unknown pages --------------------------------------------------------------------

def draft_pages():
    """One unpublished object of each kind, and its public URL."""
    return [
        make_site(slug="draft-clinic", name="Draft Clinic",
                  status=CareSite.Status.DRAFT).get_absolute_url(),
        make_site(slug="future-clinic", name="Future Clinic",
                  publish_at=LATER).get_absolute_url(),
        make_location(slug="draft-campus", name="Draft Campus",
                      status=Location.Status.DRAFT).get_absolute_url(),
        make_location(slug="future-campus", name="Future Campus",
                      publish_at=LATER).get_absolute_url(),
        make_service(slug="draft-service", name="Draft Service",
                     status=SupportService.Status.DRAFT).get_absolute_url(),
        make_service(slug="future-service", name="Future Service",
                     publish_at=LATER).get_absolute_url(),
    ]


def test_unpublished_pages_are_404_for_the_public(client):
    for url in draft_pages():
        assert client.get(url).status_code == 404, url


def test_unpublished_pages_are_404_for_staff_of_other_roles(client, django_user_model):
    urls = draft_pages()
    client.force_login(staff_user(django_user_model, roles.TRIAL_COORDINATORS))
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_content_editors_preview_unpublished_pages_with_a_banner(client, django_user_model):
    urls = draft_pages()
    client.force_login(staff_user(django_user_model, roles.CONTENT_EDITORS))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<strong>Preview.</strong>" in html, url
        assert "/admin/care_sites/" in html, url
    draft = client.get("/care/draft-clinic/").content.decode()
    assert "This is a draft: the public cannot see it." in draft
    scheduled = client.get("/support/future-service/").content.decode()
    assert "This is scheduled for" in scheduled


def test_published_pages_have_no_preview_banner_for_editors(client, django_user_model):
    make_site(slug="live-clinic")
    client.force_login(staff_user(django_user_model, roles.CONTENT_EDITORS))
    assert "Preview." not in page(client, "/care/live-clinic/")


@pytest.mark.parametrize(
    "url", ["/care/nowhere/", "/care/locations/nowhere/", "/support/nowhere/"]
)
def test_unknown_slugs_are_404(client, url):
    assert client.get(url).status_code == 404


def test_sitemap_lists_published_pages_only(client):
    make_site(slug="live-clinic")
    make_site(slug="draft-clinic", status=CareSite.Status.DRAFT)
    make_location(slug="live-campus")
    make_location(slug="future-campus", publish_at=LATER)
    make_service(slug="live-service")
    make_service(slug="draft-service", status=SupportService.Status.DRAFT)
    xml = page(client, "/sitemap.xml")
    assert "/care/live-clinic/</loc>" in xml
    assert "/care/locations/live-campus/</loc>" in xml
    assert "/support/live-service/</loc>" in xml
    assert "draft-clinic" not in xml
    assert "future-campus" not in xml
    assert "draft-service" not in xml


# The condition page --------------------------------------------------------------------------

def linked_condition():
    condition = make_condition()
    sf, oakland, walnut = the_three_campuses()
    transplant = make_site(slug="transplant", name="Blood & Marrow Transplant Clinic", order=1)
    transplant.locations.add(sf, oakland)
    infusion = make_site(slug="infusion-center", name="Infusion Center", order=2)
    infusion.locations.add(sf, oakland, walnut)
    survivorship = make_site(slug="survivorship", name="Survivorship Program", order=3)
    survivorship.locations.add(oakland)
    draft_site = make_site(slug="draft-clinic", name="Draft Clinic",
                           status=CareSite.Status.DRAFT)
    future_site = make_site(slug="future-clinic", name="Future Clinic", publish_at=LATER)
    condition.care_sites.add(transplant, infusion, survivorship, draft_site, future_site)

    camp = make_service(slug="summer-camp", name="Summer camp", order=1,
                        summary="A free week of camp.")
    social = make_service(slug="social-services", name="Social services", order=2)
    draft_service = make_service(slug="draft-service", name="Draft service",
                                 status=SupportService.Status.DRAFT)
    interpreters = make_interpreters(languages=["Cantonese", "Mandarin", "Spanish"], order=3,
                                     how_to_access="Ask the front desk.")
    condition.support_services.add(camp, social, draft_service, interpreters)
    return condition


def test_condition_page_lists_where_to_get_care_with_cities(client):
    linked_condition()
    html = page(client, "/conditions/neuroblastoma/")
    assert '<h2 id="where-to-get-care">Where to get care (3)</h2>' in html
    assert '<a href="#where-to-get-care">Where to get care</a>' in html
    assert (
        '<h3 class="h5 card-title"><a href="/care/transplant/">'
        "Blood &amp; Marrow Transplant Clinic</a></h3>"
    ) in html
    assert "Oakland / San Francisco</p>" in html
    assert "Oakland / San Francisco / Walnut Creek</p>" in html
    assert '<a href="/care/survivorship/">Survivorship Program</a>' in html
    assert "Locations: </span>Oakland</p>" in html
    assert "Draft Clinic" not in html
    assert "Future Clinic" not in html


def test_condition_page_shows_six_care_sites_and_links_to_the_list(client):
    condition = make_condition()
    for i in range(9):
        site = make_site(slug=f"clinic-{i}", name=f"Clinic {i}", order=9 - i)
        site.locations.add(make_location(slug=f"campus-{i}", city=f"City {i}"))
        condition.care_sites.add(site)
    condition.care_sites.add(make_site(slug="draft-clinic", status=CareSite.Status.DRAFT))
    html = page(client, "/conditions/neuroblastoma/")
    block = html[html.index('<h2 id="where-to-get-care">'):]
    block = block[:block.index("</section>")]
    assert '<h2 id="where-to-get-care">Where to get care (9)</h2>' in block
    # The first six in the care sites' own order (by order, then name): Clinic 8 to Clinic 3.
    assert re.findall(r'<a href="/care/(clinic-\d)/">', block) == [
        f"clinic-{i}" for i in range(8, 2, -1)]
    assert "City 8</p>" in block
    assert ('<p class="more-link">6 of 9 shown. <a href="/care/">See all our clinics and '
            "programs</a></p>") in block


def test_condition_page_with_six_care_sites_lists_them_all_without_a_link(client):
    condition = make_condition()
    for i in range(6):
        condition.care_sites.add(make_site(slug=f"clinic-{i}"))
    html = page(client, "/conditions/neuroblastoma/")
    assert '<h2 id="where-to-get-care">Where to get care (6)</h2>' in html
    assert html.count('class="card care-card"') == 6
    assert "See all our clinics and programs" not in html


def test_condition_page_lists_support_services(client):
    linked_condition()
    html = page(client, "/conditions/neuroblastoma/")
    assert '<h2 id="support-services">Support services (3)</h2>' in html
    assert '<a href="/support/summer-camp/">Summer camp</a>' in html
    assert "A free week of camp." in html
    assert '<a href="/support/social-services/">Social services</a>' in html
    assert '<a href="/support/interpreter-services/">Interpreter services</a>' in html
    assert "Draft service" not in html
    assert '<a href="/support/">All support services</a>' in html


def test_condition_page_shows_the_interpreter_call_to_action(client):
    linked_condition()
    html = page(client, "/conditions/neuroblastoma/")
    assert "We have interpreters for Cantonese, Mandarin, Spanish and more." in html
    assert (
        '<a class="btn btn-primary" href="/support/interpreter-services/#how-to-access">'
        "Request an interpreter</a>"
    ) in html


def test_condition_page_hides_the_blocks_without_published_links(client):
    condition = make_condition()
    condition.care_sites.add(make_site(status=CareSite.Status.DRAFT))
    condition.support_services.add(make_service(status=SupportService.Status.DRAFT))
    make_interpreters(languages=["Spanish"], status=SupportService.Status.DRAFT)
    html = page(client, "/conditions/neuroblastoma/")
    assert "Where to get care (" not in html
    assert 'id="where-to-get-care"' not in html
    assert "Support services (" not in html
    assert "Request an interpreter" not in html


def test_interpreter_call_to_action_needs_languages(client):
    make_condition()
    make_interpreters()
    html = page(client, "/conditions/neuroblastoma/")
    assert "Request an interpreter" not in html


def test_condition_page_hides_draft_locations_from_the_cities(client):
    condition = make_condition()
    site = make_site(slug="clinic", name="Clinic")
    site.locations.add(make_location(slug="live", city="Oakland"),
                       make_location(slug="secret", city="Fresno",
                                     status=Location.Status.DRAFT))
    condition.care_sites.add(site)
    html = page(client, "/conditions/neuroblastoma/")
    assert "Locations: </span>Oakland</p>" in html
    assert "Fresno" not in html


# Query counts --------------------------------------------------------------------------------


def care_sites_queries(queries):
    return [sql for sql in queries if '"care_sites_' in sql]


def many_sites(n, condition=None):
    """n published sites, each at two published locations, with n support services."""
    for i in range(n):
        site = make_site(slug=f"site-{i}", name=f"Site {i}")
        site.locations.add(
            make_location(slug=f"a-{i}", city=f"City A{i}"),
            make_location(slug=f"b-{i}", city=f"City B{i}"),
        )
        service = make_service(slug=f"service-{i}", name=f"Service {i}")
        if condition is not None:
            condition.care_sites.add(site)
            condition.support_services.add(service)


# Published locations (for the filter), published care sites, their published locations;
# and the header/footer page links and the header's "Call us" number (a location).
CARE_LIST_QUERIES = 5
CARE_LIST_CARE_SITES_QUERIES = 4


@pytest.mark.parametrize("n", [2, 30])
def test_care_list_queries_do_not_grow_with_sites(client, n):
    many_sites(n)
    for url in ["/care/", "/care/?location=a-1"]:
        queries = page_queries(client, url)
        assert len(queries) == CARE_LIST_QUERIES, url
        assert len(care_sites_queries(queries)) == CARE_LIST_CARE_SITES_QUERIES, url


# The condition (with its short lists and its numbers of care sites and trials), then one
# query each: sections, staging categories, stories, the first care sites, their locations,
# support services, the first trials; the interpreter service with its languages; the
# header/footer page links; the newsletter topics; the header's "Call us" number; the
# glossary terms.
CONDITION_PAGE_QUERIES = 12
# Of those, the ones reading care_sites tables: the condition (counting its care sites),
# the first care sites, their locations, support services, the interpreter service with its
# languages, and the "Call us" number's location.
CONDITION_PAGE_CARE_SITES_QUERIES = 6


@pytest.mark.parametrize("n", [2, 30])
def test_condition_page_queries_do_not_grow_with_sites_and_services(client, n):
    condition = make_condition()
    many_sites(n, condition)
    make_interpreters(languages=["Spanish", "Tagalog"])
    html = page(client, "/conditions/neuroblastoma/")
    assert f"Where to get care ({n})" in html
    assert f"Support services ({n})" in html
    assert "We have interpreters for Spanish, Tagalog and more." in html
    queries = page_queries(client, "/conditions/neuroblastoma/")
    assert len(care_sites_queries(queries)) == CONDITION_PAGE_CARE_SITES_QUERIES
    assert len(queries) == CONDITION_PAGE_QUERIES
