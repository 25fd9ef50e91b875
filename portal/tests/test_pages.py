"""The site-wide pages and the base layout every page shares."""

import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path

from conditions.models import Condition
from conditions.tests.factories import make_condition
from portal import urls as portal_urls
from portal.tests.support import assert_site_layout, page_queries

pytestmark = pytest.mark.django_db


def test_home_page_has_the_site_layout(client):
    response = client.get("/")
    assert response.status_code == 200
    assert_site_layout(response)
    assert b"Care and clear answers for children with cancer" in response.content


def test_security_headers_on_every_page(client):
    for url in ["/", "/does-not-exist/", "/healthz", "/admin/login/"]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000,
                   SECURE_REDIRECT_EXEMPT=[r"^healthz$"])
def test_https_redirect_and_hsts_when_enabled(client):
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"
    secure = client.get("/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch("portal.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_not_found_page_uses_the_site_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_site_layout(response)
    assert b"We can't find that page" in response.content
    # Its tab names the site, as every page's does.
    assert b"<title>Page not found | Bayside Children&#x27;s Cancer Program</title>" in (
        response.content)


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken_view), *portal_urls.urlpatterns]


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_uses_the_site_layout():
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"<title>Something went wrong | Bayside Children" in response.content
    assert b"Skip to main content" in response.content
    assert b'href="/privacy/"' in response.content


def test_robots_txt_points_to_the_sitemap(client, settings):
    settings.SITE_URL = "https://portal.example.org"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert "User-agent: *" in body
    assert "Disallow: /admin/" in body
    assert "Sitemap: https://portal.example.org/sitemap.xml" in body


def home_conditions(html):
    """The slugs linked under "Conditions we treat", in order."""
    block = html[html.index('<ul class="home-conditions">'):]
    return re.findall(r'<li><a href="/conditions/([\w-]+)/">', block[:block.index("</ul>")])


def home_choices(html):
    """The slugs the trial finder offers."""
    block = html[html.index('id="home-condition"'):]
    return re.findall(r'<option value="([\w-]+)">', block[:block.index("</select>")])


def test_home_page_lists_twelve_featured_conditions_by_name_and_offers_all(client):
    for i in range(30):
        make_condition(f"featured-{i:02d}", name=f"Featured {i:02d}", featured=True)
    for i in range(3):  # by name these come first, but they are not featured
        make_condition(f"plain-{i}", name=f"A plain condition {i}")
    make_condition("draft", name="A draft", featured=True, status=Condition.Status.DRAFT)
    few = len(page_queries(client, "/"))
    html = client.get("/").content.decode()
    assert home_conditions(html) == [f"featured-{i:02d}" for i in range(12)]
    assert "A plain summary of the condition." in html
    assert home_choices(html) == [*(f"plain-{i}" for i in range(3)),
                                  *(f"featured-{i:02d}" for i in range(30))]
    assert '<a href="/conditions/">All conditions, A to Z</a>' in html
    Condition.objects.filter(featured=True).exclude(slug="draft").update(featured=False)
    Condition.objects.filter(slug__in=["featured-29", "plain-1"]).update(featured=True)
    assert len(page_queries(client, "/")) == few  # as many queries with 2 featured as with 30
    assert home_conditions(client.get("/").content.decode()) == ["plain-1", "featured-29"]


def test_home_page_without_featured_conditions_lists_the_first_twelve_by_name(client):
    for i in range(14):
        make_condition(f"c-{i:02d}", name=f"Condition {i:02d}")
    make_condition("draft", name="A draft", featured=True, status=Condition.Status.DRAFT)
    html = client.get("/").content.decode()
    assert home_conditions(html) == [f"c-{i:02d}" for i in range(12)]
    assert home_choices(html) == [f"c-{i:02d}" for i in range(14)]


def test_sitemap_lists_the_home_page_on_site_url(client, settings):
    settings.SITE_URL = "https://portal.example.org"
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert b"<loc>https://portal.example.org/</loc>" in response.content


def test_favicon_ico_redirects_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"


def test_navigation_marks_the_current_section(rf):
    from django.template import Context, Template

    template = Template("{% load portal_tags %}<a{% nav_current '/trials/' %}>")
    here = template.render(Context({"request": rf.get("/trials/")}))
    inside = template.render(Context({"request": rf.get("/trials/NCT03281889/")}))
    elsewhere = template.render(Context({"request": rf.get("/care/")}))
    assert here == '<a aria-current="page">'
    assert inside == '<a aria-current="true">'
    assert elsewhere == "<a>"


def test_home_page_shows_conditions_trial_finder_locations_and_support(client):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    html = client.get("/").content.decode()
    assert '<a href="/conditions/neuroblastoma/">Neuroblastoma</a>' in html
    assert "1 trial open to new patients." in html
    assert '<form method="get" action="/trials/#results">' in html
    assert '<input type="hidden" name="status" value="open">' in html
    assert '<option value="neuroblastoma">Neuroblastoma</option>' in html
    # The age as typed reaches the trial finder, which explains a mistake ("four"); a number
    # box would send nothing and the finder would quietly list every age.
    age = re.search(r'<input id="home-age"[^>]*>', html)[0]
    assert 'type="text"' in age
    assert "inputmode" not in age  # the usual keyboard: "18 months" can be typed
    assert 'maxlength="40"' in age  # room for "12 years and 11 months"
    assert "In years or months, for example 5 or 18 months." in html
    finder = client.get("/trials/", {"status": "open", "age": "four"}).content.decode()
    assert "Enter your child&#x27;s age in years as a number" in finder
    assert '<a href="/care/locations/oakland-campus/">Oakland campus</a>' in html
    assert '<a href="/support/">All support services</a>' in html


def test_the_home_pages_teasers_end_with_a_whole_sentence(client):
    from conditions.tests.factories import make_condition
    from portal.templatetags.portal_tags import sentences_within

    make_condition(slug="nephroblastoma", name="Nephroblastoma", summary=(
        "Nephroblastoma, better known as Wilms tumor, is a cancer that starts in a kidney. It "
        "mostly affects young children, and most children are cured. Both kidneys are "
        "affected in a few children, who need surgery that saves as much kidney as it can."))
    html = client.get("/").content.decode()
    assert "starts in a kidney. It mostly affects young children, and most children are " \
           "cured.</p>" in html
    assert "Both kidneys" not in html
    # A first sentence longer than the teaser is cut at a word.
    assert sentences_within("one two three four. five", 3) == "one two three…"
    assert sentences_within("", 3) == ""


def test_a_refusal_inside_the_admin_keeps_the_admins_layout(editor_client):
    # An editor opening the trials (a coordinator's) is refused with the admin's own menu
    # and a way back, not the public site's page.
    response = editor_client.get("/admin/trials/trial/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You don't have access to this page" in html
    assert '<div id="site-name">' in html
    assert 'href="/admin/">Back to the admin home</a>' in html
    assert 'class="site-header"' not in html  # the public site's header
