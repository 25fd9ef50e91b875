"""Two saves of one item sent at the same moment, from forms opened on the same version.

The version check alone would let both through: each reads the version before the other
writes. A save holds the item's row from before it reads the version until it has written
(portal.edit_conflicts, `edit_lock`), so the second waits for the first and is then refused.
PostgreSQL only: SQLite has no row locks, and the two saves run in two threads, each with
its own database connection, so the test database is emptied after (transaction=True)."""

import copy
import re
import threading
import time

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from conditions.models import Condition
from conditions.tests.factories import make_full_condition
from pages.models import Page
from pages.tests.factories import make_page
from portal import publishing, roles
from portal.models import SearchPromotion
from portal.publishing import draft_for
from portal.tests.support import form_data, staff_user
from trials.models import Trial
from trials.services import trial_import
from trials.tests.factories import make_trial, study_of

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

REFUSED = "after you opened this page, so your changes are not saved"
WAIT = 20  # seconds: how long the test waits for a save to reach a given point


class HeldSave:
    """Patches the admin's save_model so that the first save stops just before writing,
    holding what it holds, until released."""

    def __init__(self, monkeypatch, model):
        self.reached = threading.Event()
        self.release = threading.Event()
        admin_class = type(admin.site._registry[model])
        original = admin_class.save_model
        calls = []

        def save_model(model_admin, request, obj, form, change):
            calls.append(obj.pk)
            if len(calls) == 1:
                self.reached.set()
                assert self.release.wait(WAIT), "the held save was never released"
            return original(model_admin, request, obj, form, change)

        monkeypatch.setattr(admin_class, "save_model", save_model)


def in_thread(function):
    """Runs function() in a thread of its own (with its own database connection); its
    result is put in the returned dict under "response"."""
    result = {}

    def run():
        try:
            result["response"] = function()
        except BaseException as error:  # pragma: no cover - shown by the assertion below
            result["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    result["thread"] = thread
    return result


def post_in_thread(client, url, data):
    return in_thread(lambda: client.post(url, data))


def waiting_for_a_lock():
    """Whether some other connection to this database waits for a row lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0] > 0


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def race(monkeypatch, model, url, form_id, clients, changes, lists=False):
    """Both clients open the form and change it (changes: the fields each one types); the
    first one's save is held just before it writes while the second one's is sent. Returns
    both responses."""
    first = form_data(clients[0].get(url), form_id, lists=lists)
    second = form_data(clients[1].get(url), form_id, lists=lists)
    first.update(changes[0])
    second.update(changes[1])
    held = HeldSave(monkeypatch, model)

    one = post_in_thread(clients[0], url, first)
    assert held.reached.wait(WAIT), "the first save never reached its write"
    two = post_in_thread(clients[1], url, second)
    deadline = time.monotonic() + WAIT
    while not waiting_for_a_lock():
        assert two["thread"].is_alive(), (
            "the second save went through without waiting for the first")
        assert time.monotonic() < deadline, "the second save never waited for the first"
        time.sleep(0.05)
    held.release.set()
    for result in (one, two):
        result["thread"].join(WAIT)
        assert not result["thread"].is_alive()
        assert "error" not in result, result.get("error")
    return one["response"], two["response"]


def refused(response):
    assert response.status_code == 200, "the second save was accepted"
    return REFUSED in response.content.decode()


@pytest.fixture(autouse=True)
def _roles():
    # Transactional tests empty the tables, the roles' groups included: make them again.
    for role in roles.ALL_ROLES:
        Group.objects.get_or_create(name=role)
    roles.sync_role_permissions()


@pytest.fixture
def editors(django_user_model):
    return [staff_user(django_user_model, roles.CONTENT_EDITORS, username=name)
            for name in ("editor-a", "editor-b")]


def test_a_page_saved_twice_at_once_keeps_the_first_and_refuses_the_second(
    monkeypatch, editors
):
    page = make_page(status=Page.Status.DRAFT)  # not live: saved in place
    url = reverse("admin:pages_page_change", args=[page.pk])
    first, second = race(monkeypatch, Page, url, "page_form",
                         [signed_in(user) for user in editors],
                         [{"summary": "From the first form."}, {"body": "From the second form."}])

    assert first.status_code == 302
    assert refused(second)
    page.refresh_from_db()
    assert (page.summary, page.body) == ("From the first form.",
                                         "### Our team\n\nWe care for children with cancer.")


def test_a_live_page_s_draft_saved_twice_at_once_keeps_the_first(monkeypatch, editors):
    condition, _overview = make_full_condition()
    url = reverse("admin:conditions_condition_change", args=[condition.pk])
    first, second = race(monkeypatch, Condition, url, "condition_form",
                         [signed_in(user) for user in editors],
                         [{"summary": "Summary from the first form."},
                          {"summary": "Summary from the second form."}])

    assert first.status_code == 302
    assert refused(second)
    [item] = [item for item in draft_for(condition).data
              if item["model"] == "conditions.condition"]
    assert item["fields"]["summary"] == "Summary from the first form."
    # The live page is untouched: both forms edit its draft.
    assert Condition.objects.get(pk=condition.pk).summary == condition.summary


def test_a_trial_saved_twice_at_once_keeps_the_first(monkeypatch, django_user_model):
    coordinators = [staff_user(django_user_model, roles.TRIAL_COORDINATORS, username=name)
                    for name in ("coordinator-a", "coordinator-b")]
    trial = make_trial("NCT00000001", coordinators, brief_title="A trial")
    url = reverse("admin:trials_trial_change", args=[trial.pk])
    first, second = race(monkeypatch, Trial, url, "trial_form",
                         [signed_in(user) for user in coordinators],
                         [{"plain_summary": ["Written by A."]},
                          {"plain_summary": ["Written by B."]}], lists=True)

    assert first.status_code == 302
    assert refused(second)
    # The trial is live: both forms edit its draft, which keeps the first one's change.
    [item] = [item for item in draft_for(trial).data if item["model"] == "trials.trial"]
    assert item["fields"]["plain_summary"] == "Written by A."
    assert Trial.objects.get(pk=trial.pk).plain_summary == ""


def test_a_refresh_at_the_moment_a_trial_s_draft_is_published_is_not_undone(
        monkeypatch, django_user_model):
    """The registry's refresh waits for the publishing under way, then writes over it; it
    never writes first only to have the older draft published over it."""
    coordinator = staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="keeper")
    study = study_of("NCT03281889.json")
    trial, _ = trial_import(study=study)
    Trial.objects.filter(pk=trial.pk).update(status=Trial.Status.PUBLISHED)
    trial.coordinators.set([coordinator])
    client = signed_in(coordinator)
    url = reverse("admin:trials_trial_change", args=[trial.pk])
    data = form_data(client.get(url), "trial_form", lists=True)
    data["plain_summary"] = ["Our words."]
    assert client.post(url, data).status_code == 302
    review_url = reverse("admin:trials_trial_review", args=[trial.pk])
    seen = re.search(r'name="approve-seen" value="([0-9a-f]*)"',
                     client.get(review_url).content.decode())[1]

    reached, release = threading.Event(), threading.Event()
    original = publishing.apply_data

    def held_apply(obj, data):
        reached.set()
        assert release.wait(WAIT), "the held publishing was never released"
        return original(obj, data)

    monkeypatch.setattr(publishing, "apply_data", held_apply)
    approval = post_in_thread(client, review_url, {"action": "approve", "approve-when": "now",
                                                   "approve-seen": seen})
    assert reached.wait(WAIT), "the publishing never started"
    changed = copy.deepcopy(study)
    changed["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    refresh = in_thread(lambda: trial_import(study=changed))
    deadline = time.monotonic() + WAIT
    while not waiting_for_a_lock():
        assert refresh["thread"].is_alive(), "the refresh did not wait for the publishing"
        assert time.monotonic() < deadline, "the refresh never waited for the publishing"
        time.sleep(0.05)
    release.set()
    for result in (approval, refresh):
        result["thread"].join(WAIT)
        assert not result["thread"].is_alive()
        assert "error" not in result, result.get("error")
    assert approval["response"].status_code == 302
    trial.refresh_from_db()
    assert (trial.overall_status, trial.plain_summary) == ("COMPLETED", "Our words.")


def test_a_save_of_an_unknown_id_is_answered_as_any_unknown_item(editors):
    client = signed_in(editors[0])
    for object_id in ("abc", "999999"):
        url = reverse("admin:pages_page_change", args=[object_id])
        response = client.post(url, {"title": "x"})
        # The admin's answer for an item that does not exist: back to the list, with a message.
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")


def test_the_same_page_offered_twice_at_once_is_refused_with_a_message(monkeypatch, editors):
    """Two new items at once: the second form's check that the search does not offer the
    page already waits for the first save, then sees it (no unique-constraint error)."""
    condition, _overview = make_full_condition()
    url = reverse("admin:portal_searchpromotion_add")
    offer = {"query": "outlook", "url": condition.get_absolute_url()}
    first, second = race(monkeypatch, SearchPromotion, url, "searchpromotion_form",
                         [signed_in(user) for user in editors], [offer, offer])

    assert first.status_code == 302
    assert second.status_code == 200
    assert "This search already offers this page." in second.content.decode()
    assert SearchPromotion.objects.count() == 1
