"""The admin index shows each role its own work."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conditions.models import Condition
from conditions.tests.factories import make_condition
from portal import roles
from portal.models import Draft
from portal.publishing import draft_save, draft_send_back, draft_submit, serialize
from portal.tests.support import staff_user
from trials.models import OverallStatus, Trial
from trials.tests.factories import make_trial

pytestmark = pytest.mark.django_db


def index_html(user):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


def test_reviewers_see_reviews_waiting_and_pages_due(reviewer, editor):
    waiting = make_condition(slug="wilms", name="Wilms tumour", status=Condition.Status.DRAFT)
    draft_submit(obj=waiting, user=editor)
    make_condition(slug="due", name="Hepatoblastoma",
                   next_review_due=timezone.localdate() - datetime.timedelta(days=2))

    html = index_html(reviewer)

    assert "Reviews waiting" in html
    assert reverse("admin:conditions_condition_review", args=[waiting.pk]) in html
    assert "Hepatoblastoma (overdue)" in html
    assert reverse("admin:portal_draft_changelist") in html


def test_editors_see_their_drafts_and_what_was_sent_back(editor, reviewer):
    mine = make_condition(slug="mine", name="Ewing sarcoma", status=Condition.Status.DRAFT)
    draft_save(obj=mine, user=editor)
    returned = make_condition(slug="back", name="Osteosarcoma", status=Condition.Status.DRAFT)
    draft_submit(obj=returned, user=editor)
    draft_send_back(obj=returned, user=reviewer, comment="Add a reference.")

    html = index_html(editor)

    assert "Reviews waiting" not in html
    sent_back = html.split("Sent back to you")[1].split("Your drafts")[0]
    assert "Osteosarcoma" in sent_back
    assert "Ewing sarcoma" in html.split("Your drafts")[1]
    assert Draft.objects.get(item_name="Osteosarcoma").state == Draft.State.SENT_BACK


def test_coordinators_see_their_closed_or_stale_trials_and_the_import_page(
    django_user_model,
):
    coordinator = staff_user(django_user_model, roles.TRIAL_COORDINATORS)
    other = staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="other")
    fresh = timezone.now() - datetime.timedelta(days=2)
    make_trial("NCT10000001", [coordinator], overall_status=OverallStatus.COMPLETED,
               last_synced_at=fresh)
    make_trial("NCT10000002", [coordinator],
               last_synced_at=timezone.now() - datetime.timedelta(days=45))
    make_trial("NCT10000003", [coordinator], last_synced_at=fresh)
    make_trial("NCT10000004", [other], overall_status=OverallStatus.COMPLETED)
    # Typed in by hand, so never synced: listed only when not updated for a month.
    make_trial("NCT10000005", [coordinator])
    old = make_trial("NCT10000006", [coordinator])
    Trial.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=45))

    html = index_html(coordinator)

    assert "NCT10000001" in html
    assert "registry status: Completed" in html
    assert "NCT10000002" in html
    assert "not synced for over 30 days" in html
    assert "NCT10000003" not in html
    assert "NCT10000004" not in html
    assert "NCT10000005" not in html
    assert "NCT10000006" in html
    assert "entered here, not updated for over 30 days" in html
    assert reverse("admin:trials_trial_import") in html
    assert "Pages due or overdue" not in html


def test_coordinators_see_the_changes_to_their_trials_not_published_yet(django_user_model):
    coordinator = staff_user(django_user_model, roles.TRIAL_COORDINATORS)
    other = staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="other")
    mine = make_trial("NCT10000001", [coordinator], brief_title="Mine, edited")
    theirs = make_trial("NCT10000002", [other], brief_title="Theirs, edited")
    untouched = make_trial("NCT10000003", [coordinator], brief_title="Mine, as it is")
    for trial, author in ((mine, coordinator), (theirs, other)):
        draft_save(obj=trial, user=author, data=serialize(trial))
    draft_save(obj=untouched, user=coordinator)  # no pending change: nothing to publish

    section = index_html(coordinator).split("Changes to your trials not published yet")[1]

    assert "Mine, edited" in section
    assert reverse("admin:trials_trial_review", args=[mine.pk]) in section
    assert "Theirs, edited" not in section
    assert "Mine, as it is" not in section
    other_html = index_html(other)
    assert "Theirs, edited" in other_html.split("Changes to your trials not published yet")[1]


def test_custom_admin_pages_write_breadcrumbs_as_the_admin_styles_them():
    # Django's admin styles an ordered list (ol.breadcrumbs), not the older div.
    templates = Path(settings.BASE_DIR, "templates", "admin")
    custom = [path for path in templates.rglob("*.html")
              if "{% block breadcrumbs %}" in path.read_text()
              and "{% block breadcrumbs %}{% endblock %}" not in path.read_text()]
    assert len(custom) >= 3
    for path in custom:
        text = path.read_text()
        assert '<ol class="breadcrumbs">' in text, path
        assert '<div class="breadcrumbs">' not in text, path
