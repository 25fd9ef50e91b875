"""Hostile input in any editable care sites field reaches every page inert."""

import pytest
from django.db import models

from care_sites.models import CareSite, Closure, Language, Location, OpeningHours, SupportService
from care_sites.tests.factories import make_condition
from conftest import active_content

pytestmark = pytest.mark.django_db

PAYLOAD = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) "
    "<a href=\"javascript:alert(5)\">y</a> \"><svg onload=alert(6)> "
    "<iframe src=//evil.example></iframe>"
)
URL_PAYLOAD = "javascript:alert(4)"


def hostile(model, **fixed):
    """Every free text field of the model set to the payload (URL fields to javascript:)."""
    values = {}
    for field in model._meta.get_fields():
        if not getattr(field, "editable", False) or field.name in fixed:
            continue
        if isinstance(field, models.URLField):
            values[field.name] = URL_PAYLOAD
        elif isinstance(field, models.EmailField):
            continue
        elif (isinstance(field, models.CharField | models.TextField)
              and not isinstance(field, models.SlugField) and not field.choices):
            values[field.name] = PAYLOAD[: field.max_length or 10_000]
    return model.objects.create(**values, **fixed)


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
    assert "javascript:alert(4)" not in html


def test_each_page_shows_the_escaped_payload(client, hostile_content):
    for url in ["/care/", "/care/bad-site/", "/care/locations/bad-campus/", "/support/",
                "/support/bad-service/"]:
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_the_active_content_check_catches_the_payload():
    # The check itself would notice the payload if it got through unescaped.
    assert active_content(PAYLOAD) != []
    assert active_content(f'<a href="{URL_PAYLOAD}">w</a>') != []
