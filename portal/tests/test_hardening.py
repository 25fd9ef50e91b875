"""Smaller hardening: HEAD requests, sitemap URLs, bounded trial pages, deployment checks,
the admin's autocomplete and "view on site" views, and NUL characters in admin lists'
filters."""

import re
import subprocess
import sys
from urllib.parse import parse_qsl

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from care_sites.tests.factories import make_location, make_site
from conditions.models import Condition
from conditions.tests.factories import make_condition
from newsletter.models import Subscriber
from portal import roles
from portal.conf import DEVELOPMENT_SECRET_KEY
from portal.tests.support import BASE_DIR, PRODUCTION_ENV, clean_env, staff_user, superuser
from trials.models import RegistrySite
from trials.tests.factories import make_trial, nct

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/healthz", "/robots.txt", "/search/", "/search/?q=cancer",
                                 "/newsletter/", "/newsletter/thanks/", "/sitemap.xml"])
def test_head_answers_like_get(client, url):
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == get.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head.content == b""


def test_sitemap_urls_come_from_site_url_not_the_host_header(client, settings):
    settings.SITE_URL = "https://portal.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    make_condition(slug="neuroblastoma")
    body = client.get("/sitemap.xml", HTTP_HOST="evil.example").content.decode()
    assert "evil.example" not in body
    assert "<loc>https://portal.example.org/conditions/neuroblastoma/</loc>" in body
    assert "<loc>https://portal.example.org/</loc>" in body


def test_a_trial_with_thousands_of_registry_sites_shows_a_bounded_list(
        client, django_assert_max_num_queries):
    trial = make_trial(nct(1))
    RegistrySite.objects.bulk_create(
        RegistrySite(trial=trial, order=index, facility=f"Hospital number {index}",
                     city="Springfield", country="United States")
        for index in range(10_000)
    )
    with django_assert_max_num_queries(20):
        response = client.get(trial.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "All locations in the registry (10000)" in html
    assert "Hospital number 49<" in html
    assert "Hospital number 50<" not in html
    assert "And 9950 more sites in the registry" in html
    assert f'href="https://clinicaltrials.gov/study/{trial.nct_id}"' in html
    assert len(response.content) < 100_000


def test_a_trial_with_few_registry_sites_lists_them_all(client):
    trial = make_trial(nct(2))
    for index in range(3):
        RegistrySite.objects.create(trial=trial, order=index, facility=f"Clinic {index}",
                                    country="Canada")
    html = client.get(trial.get_absolute_url()).content.decode()
    assert "All locations in the registry (3)" in html
    assert "Clinic 2<" in html
    assert "more sites in the registry" not in html


def check_deploy(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR, env=clean_env(**{**PRODUCTION_ENV, **env}), capture_output=True,
        text=True,
    )


def test_check_deploy_warns_about_the_published_development_key():
    result = check_deploy(DJANGO_SECRET_KEY=DEVELOPMENT_SECRET_KEY)
    assert "portal.W001" in result.stdout + result.stderr
    assert "portal.W002" not in result.stdout + result.stderr


def test_check_deploy_warns_when_redis_is_not_configured():
    env = clean_env(**PRODUCTION_ENV)
    env.pop("REDIS_URL")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=BASE_DIR,
                            env=env, capture_output=True, text=True)
    assert "portal.W002" in result.stdout + result.stderr
    assert "portal.W001" not in result.stdout + result.stderr


@pytest.mark.parametrize(("app_label", "model_name", "field_name"), [
    ("conditions", "condition", "care_sites"),
    ("conditions", "condition", "trials"),
    ("conditions", "condition", "stories"),
    ("conditions", "condition", "newsletter_topics"),
])
def test_autocomplete_for_a_reverse_relation_is_refused_not_an_error(
        client, app_label, model_name, field_name):
    client.force_login(superuser(get_user_model()))
    response = client.get("/admin/autocomplete/", {
        "app_label": app_label, "model_name": model_name, "field_name": field_name, "term": "a",
    })
    assert response.status_code == 403


def test_autocomplete_still_works_for_real_fields(client):
    make_condition(slug="neuroblastoma", name="Neuroblastoma")
    client.force_login(superuser(get_user_model()))
    response = client.get("/admin/autocomplete/", {
        "app_label": "trials", "model_name": "trial", "field_name": "conditions",
        "term": "neuro",
    })
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Neuroblastoma"]


def view_on_site(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return f"/admin/r/{content_type.pk}/{obj.pk}/"


def test_view_on_site_does_not_reveal_drafts_to_staff_who_may_not_preview_them(
        client, django_user_model):
    draft_condition = make_condition(slug="secret-condition", status=Condition.Status.DRAFT)
    coordinator = staff_user(django_user_model, roles.TRIAL_COORDINATORS)
    other = staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="other")
    draft_trial = make_trial(nct(77), coordinators=[other], status="draft")
    client.force_login(coordinator)
    for obj in [draft_condition, draft_trial]:
        response = client.get(view_on_site(obj))
        assert response.status_code == 404
        assert obj.get_absolute_url() not in response.get("Location", "")


def test_view_on_site_leads_staff_who_may_preview_to_the_draft(client, django_user_model):
    draft_condition = make_condition(slug="secret-condition", status=Condition.Status.DRAFT)
    client.force_login(staff_user(django_user_model, roles.CONTENT_EDITORS))
    response = client.get(view_on_site(draft_condition))
    assert response.status_code == 302
    assert response["Location"].endswith("/conditions/secret-condition/")


def test_view_on_site_of_live_content_still_redirects(client, django_user_model):
    site = make_site(slug="oncology-clinic")
    client.force_login(staff_user(django_user_model, roles.NEWSLETTER_MANAGERS))
    response = client.get(view_on_site(site))
    assert response.status_code == 302
    assert response["Location"].endswith("/care/oncology-clinic/")


def test_a_nul_in_any_admin_list_filter_is_a_bad_request_not_a_server_error(admin_client):
    """Every filter and the search box of every admin list, with a NUL character as the value
    (PostgreSQL refuses to compare text holding one): 400, the list otherwise unchanged."""
    make_location(slug="main-campus", state="CA")
    make_trial(nct(1234567)).conditions.add(make_condition(slug="neuroblastoma"))
    Subscriber.objects.create(email="sam@example.org", state=Subscriber.State.CONFIRMED)
    tried = 0
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        listed = admin_client.get(url)
        if listed.status_code != 200:
            continue
        links = re.findall(r'href="\?([^"#]*)"', listed.content.decode())
        names = {name for link in links
                 for name, _ in parse_qsl(link.replace("&amp;", "&"))} | {"q"}
        for name in names - {"o", "p", "all", "e"}:
            response = admin_client.get(url, {name: "\x00"})
            assert response.status_code == 400, (url, name, response.status_code)
            tried += 1
        assert admin_client.get(url, {"q": "main"}).status_code == 200, url
    assert tried > 40
    assert admin_client.get("/admin/portal/draft/", {"state": "all"}).status_code == 200
