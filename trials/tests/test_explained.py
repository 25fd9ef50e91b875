"""The "What is a clinical trial?" page, and the links to it from every list of trials."""

import pytest
from django.urls import reverse

from conditions.tests.factories import make_condition
from trials.models import OverallStatus, StatusGroup
from trials.tests.factories import make_trial, nct

pytestmark = pytest.mark.django_db


def test_the_page_explains_phases_consent_randomisation_statuses_and_asking(client):
    assert reverse("trials:explained") == "/trials/explained/"
    response = client.get("/trials/explained/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1 id=\"page-title\">What is a clinical trial?</h1>" in html
    for heading in ["Who can join", "The phases of a trial", "Consent and assent",
                    "Randomization", "What a trial's status means",
                    "How to ask about a trial"]:
        assert f">{heading}</h2>" in html, heading
    for phase in ["Early phase 1", "Phase 1", "Phase 2", "Phase 3", "Phase 4"]:
        assert f"<dt>{phase}</dt>" in html
    for word in ["informed consent", "assent", "take your child out of a trial at any time",
                 "decides by chance", "placebo", "NCT number"]:
        assert word in html
    # Every status group the site shows, in its own words, with the registry statuses it
    # stands for, worked out from the same mapping the trial pages use.
    for group in StatusGroup:
        assert f'status-badge--{group.value}">{group.label}</span>' in html
    assert "Registry status: Recruiting, Available." in html
    assert "Registry status: Active, not recruiting, Enrolling by invitation." in html
    assert "Registry status: Not yet recruiting." in html
    closed = html.split('id="status-closed"')[1]
    for status in [OverallStatus.COMPLETED, OverallStatus.TERMINATED, OverallStatus.WITHDRAWN,
                   OverallStatus.SUSPENDED, OverallStatus.UNKNOWN]:
        assert status.label in closed
    assert 'href="/trials/?status=open"' in html
    assert 'href="/glossary/"' in html


def test_the_page_is_not_taken_for_an_nct_number(client):
    assert client.get("/trials/EXPLAINED/").status_code == 404


def test_every_list_of_trials_links_to_the_explanation(client):
    condition = make_condition()
    trial = make_trial(nct(1), overall_status=OverallStatus.RECRUITING)
    trial.conditions.add(condition)
    link = '<a href="/trials/explained/">what a clinical trial is</a>'
    assert link in client.get("/trials/").content.decode()
    assert link in client.get("/trials/?status=withdrawn").content.decode()
    assert link in client.get(f"/conditions/{condition.slug}/").content.decode()
