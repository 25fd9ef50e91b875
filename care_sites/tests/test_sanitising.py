"""Hostile input in any editable care sites field reaches every page inert."""

import pytest

from care_sites.models import CareSite, Closure, Language, Location, OpeningHours, SupportService
from conditions.tests.factories import make_condition
from portal.tests.support import PAYLOAD, URL_PAYLOAD, active_content, hostile

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile_content():
    location = hostile(Location, slug="bad-campus", status=Location.Status.PUBLISHED,
                       latitude="37.8", longitude="-122.2")
    OpeningHours.objects.create(location=location, weekday=0, opens="09:00", closes="17:00")
    hostile(Closure, location=location, date="2999-01-01")
    site = hostile(CareSite, slug="bad-site", kind="clinic", status=CareSite.Status.PUBLISHED,
                   image="care-sites/x.png")
    site.locations.add(location)
    service = hostile(SupportService, slug="bad-service", category="language_access",
                      status=SupportService.Status.PUBLISHED)
    service.languages.add(hostile(Language))
    service.care_sites.add(site)
    condition = make_condition()
    site.conditions.add(condition)
    service.conditions.add(condition)
    return site, location, service


def test_the_payload_reaches_the_fields(hostile_content):
    site, location, service = hostile_content
    assert site.name.startswith("<script>")
    assert site.image_alt.startswith("<script>")
    assert location.parking.startswith("<script>")
    assert service.how_to_access.startswith("<script>")
    assert service.website == URL_PAYLOAD
    assert "<script" not in site.description_html
    assert "<script" not in service.description_html


@pytest.mark.parametrize(
    "url",
    [
        "/care/",
        "/care/?location=bad-campus",
        "/care/bad-site/",
        "/care/locations/bad-campus/",
        "/support/",
        "/support/bad-service/",
        "/conditions/neuroblastoma/",
    ],
)
def test_hostile_text_renders_inert(client, hostile_content, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert active_content(html) == []
    assert URL_PAYLOAD not in html


def test_each_page_shows_the_escaped_payload(client, hostile_content):
    for url in ["/care/", "/care/bad-site/", "/care/locations/bad-campus/", "/support/",
                "/support/bad-service/"]:
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_the_active_content_check_catches_the_payload():
    # The check itself would notice the payload if it got through unescaped.
    assert active_content(PAYLOAD) != []
    assert active_content(f'<a href="{URL_PAYLOAD}">w</a>') != []
