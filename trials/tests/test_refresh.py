"""The nightly refresh from ClinicalTrials.gov, against a stand-in registry on 127.0.0.1."""

import copy
import datetime
import functools
import itertools

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal import roles
from portal.models import ScheduledJob
from portal.schedule import run_schedule
from portal.tests.support import form_data, publish_draft, staff_user
from trials.models import RefreshRun, RegistryChange, Trial
from trials.registry import PoliteFetcher
from trials.services import registry_refresh, trial_import
from trials.tasks import SCHEDULE, refresh_trials_from_registry
from trials.tests.factories import study_of
from trials.tests.registry_server import FakeClock, registry_server, registry_stop

pytestmark = pytest.mark.django_db

BASE = study_of("NCT03281889.json")  # recruiting, 3 to 18 years, one contact, two sites
NIGHT = "trials refresh from ClinicalTrials.gov"


def study(nct_id, **changes):
    """The saved study under another NCT number, with changes to what families see."""
    copied = copy.deepcopy(BASE)
    protocol = copied["protocolSection"]
    protocol["identificationModule"]["nctId"] = nct_id
    if "status" in changes:
        protocol["statusModule"]["overallStatus"] = changes["status"]
    if "maximum_age" in changes:
        protocol["eligibilityModule"]["maximumAge"] = changes["maximum_age"]
    if "phone" in changes:
        protocol["contactsLocationsModule"]["centralContacts"][0]["phone"] = changes["phone"]
    if changes.get("drop_houston"):
        locations = protocol["contactsLocationsModule"]["locations"]
        protocol["contactsLocationsModule"]["locations"] = locations[:1]
    if "title" in changes:
        protocol["identificationModule"]["briefTitle"] = changes["title"]
    return copied


@pytest.fixture(scope="module")
def server():
    server = registry_server()
    yield server
    registry_stop(server)


@pytest.fixture
def registry(server, settings, monkeypatch):
    """The refresh talks to the stand-in registry, timed by a fake clock."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    settings.CTGOV_API_URL = f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    settings.CTGOV_TIMEOUT = 5
    clock = FakeClock()
    server.requests.clear()
    server.answers.clear()
    server.clock = clock
    monkeypatch.setattr("trials.services.PoliteFetcher", functools.partial(
        PoliteFetcher, clock=clock.monotonic, sleep=clock.sleep))
    return server


def answer(registry, nct_id, *answers):
    registry.answers[nct_id] = list(answers)


def ok(body):
    return (200, body, {})


@pytest.fixture
def keepers(django_user_model):
    a = staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="keeper-a")
    b = staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="keeper-b")
    django_user_model.objects.filter(pk=a.pk).update(email="a@hospital.example")
    django_user_model.objects.filter(pk=b.pk).update(email="b@hospital.example")
    a.refresh_from_db()
    b.refresh_from_db()
    return a, b


def imported(nct_id, *coordinators):
    trial, _ = trial_import(study=study(nct_id))
    trial.coordinators.set(coordinators)
    return trial


def requests_per_second(registry):
    """The most requests the registry saw in any one second (by the fake clock)."""
    times = sorted(at for _, at in registry.requests)
    return max(sum(1 for t in times if start <= t < start + 1) for start in times)


def test_the_refresh_is_scheduled_every_night():
    [job] = SCHEDULE
    assert (job.name, job.task, job.daily_at) == (NIGHT, refresh_trials_from_registry, 1)


def test_the_night_updates_changed_trials_records_changes_and_emails_each_keeper_once(
        registry, keepers):
    a, b = keepers
    first = imported("NCT90000001", a)
    second = imported("NCT90000002", a, b)
    third = imported("NCT90000003", b)
    local = Trial.objects.create(nct_id="NCT90000004", brief_title="Typed here",
                                 overall_status="RECRUITING")  # not from the registry
    answer(registry, "NCT90000001", ok(study("NCT90000001", status="ACTIVE_NOT_RECRUITING",
                                             maximum_age="21 Years")))
    answer(registry, "NCT90000002", ok(study("NCT90000002", phone="555-0100",
                                             drop_houston=True, title="A new title")))
    answer(registry, "NCT90000003", ok(study("NCT90000003")))  # unchanged
    mail.outbox.clear()

    outcome = refresh_trials_from_registry.enqueue().return_value

    assert outcome == {"refresh": RefreshRun.objects.get().pk, "trials": 3, "updated": 3,
                       "changed": 2, "missing": 0, "emails": 2}
    assert sorted(nct for nct, _ in registry.requests) == [
        "NCT90000001", "NCT90000002", "NCT90000003"]  # the trial typed here is not fetched
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.overall_status == "ACTIVE_NOT_RECRUITING"
    assert first.maximum_age == "21 Years"
    assert second.brief_title == "A new title"
    assert second.registry_sites.count() == 1
    changes = {(c.trial.nct_id, c.field): (c.before, c.after)
               for c in RegistryChange.objects.select_related("trial")}
    assert changes == {
        ("NCT90000001", "status"): ("Open to new patients (Recruiting)",
                                    "In progress (Active, not recruiting)"),
        ("NCT90000001", "ages"): ("3 years to 18 years", "3 years to 21 years"),
        ("NCT90000002", "contacts"): (
            "Shannon MacDonald, MD, 617-643-7250, smacdonald@mgh.harvard.edu",
            "Shannon MacDonald, MD, 555-0100, smacdonald@mgh.harvard.edu"),
        ("NCT90000002", "sites"): (
            "Massachusetts General Hospital, Boston, Massachusetts, United States (Recruiting)\n"
            "MD Anderson Cancer Center, Houston, Texas, United States (Recruiting)",
            "Massachusetts General Hospital, Boston, Massachusetts, United States (Recruiting)"),
    }  # a new title is not something families act on; the unchanged trial has no change
    assert Trial.objects.get(pk=local.pk).overall_status == "RECRUITING"

    # One email each, listing the changes to the trials that person keeps.
    assert sorted(m.to[0] for m in mail.outbox) == ["a@hospital.example", "b@hospital.example"]
    to_a = next(m for m in mail.outbox if m.to == ["a@hospital.example"])
    to_b = next(m for m in mail.outbox if m.to == ["b@hospital.example"])
    assert to_a.subject.startswith("ClinicalTrials.gov changed 2 of your trials")
    assert "NCT90000001" in to_a.body
    assert "NCT90000002" in to_a.body
    assert "now:    In progress (Active, not recruiting)" in to_a.body
    assert "now:    3 years to 21 years" in to_a.body
    assert to_b.subject.startswith("ClinicalTrials.gov changed 1 of your trials")
    assert "NCT90000002" in to_b.body
    assert "NCT90000001" not in to_b.body
    assert "NCT90000003" not in to_b.body
    assert f"?trial__id__exact={second.pk}" in to_b.body

    # The next night nothing changed: no new change, and no email at all.
    mail.outbox.clear()
    again = refresh_trials_from_registry.enqueue().return_value
    assert (again["changed"], again["emails"]) == (0, 0)
    assert RegistryChange.objects.count() == 4
    assert mail.outbox == []
    assert third.registry_changes.count() == 0


def test_a_vanished_study_is_flagged_kept_and_not_a_change_storm(registry, keepers, client):
    a, _ = keepers
    gone = imported("NCT90000011", a)
    answer(registry, "NCT90000011", (404, {"message": "not found"}, {}))
    mail.outbox.clear()

    run = registry_refresh()

    gone.refresh_from_db()
    assert (run.missing, run.failed, run.updated) == (1, 0, 0)
    assert gone.registry_missing_since is not None
    assert gone.overall_status == "RECRUITING"  # kept as it was, not deleted
    assert gone.registry_sites.count() == 2
    assert RegistryChange.objects.count() == 0
    flagged_at = gone.registry_missing_since
    assert len(registry.requests) == 1  # a 404 is an answer: not retried

    registry_refresh()  # a second night: still flagged since the first
    gone.refresh_from_db()
    assert gone.registry_missing_since == flagged_at
    assert mail.outbox == []

    # Its coordinator sees the flag in the list and on the trial.
    client.force_login(a)
    listing = client.get(reverse("admin:trials_trial_changelist")).content.decode()
    assert f"Missing since {flagged_at:%Y-%m-%d}" in listing
    filtered = client.get(reverse("admin:trials_trial_changelist"),
                          {"registry_missing_since__isempty": "0"})
    assert [t.nct_id for t in filtered.context["cl"].result_list] == ["NCT90000011"]
    page = client.get(reverse("admin:trials_trial_change", args=[gone.pk])).content.decode()
    assert "Missing from the registry since" in page

    # When the registry has it again, the flag goes.
    answer(registry, "NCT90000011", ok(study("NCT90000011")))
    registry_refresh()
    gone.refresh_from_db()
    assert gone.registry_missing_since is None


def test_the_refresh_backs_off_on_429_and_respects_retry_after(registry, keepers):
    a, _ = keepers
    imported("NCT90000021", a)
    too_many = (429, {"message": "slow down"}, {"Retry-After": "7"})
    answer(registry, "NCT90000021", too_many, too_many, ok(study("NCT90000021", phone="1")))

    run = registry_refresh()

    assert (run.updated, run.failed) == (1, 0)
    assert [nct for nct, _ in registry.requests] == ["NCT90000021"] * 3
    assert registry.clock.sleeps == [7, 7]  # the registry's Retry-After, not ours
    assert RegistryChange.objects.get().field == "contacts"


def test_a_429_without_retry_after_waits_longer_each_time(registry, keepers):
    a, _ = keepers
    imported("NCT90000022", a)
    too_many = (429, {"message": "slow down"}, {})
    answer(registry, "NCT90000022", too_many, too_many, too_many, ok(study("NCT90000022")))

    run = registry_refresh()

    assert (run.updated, run.failed) == (1, 0)
    assert registry.clock.sleeps == [2, 4, 8]
    assert len(registry.requests) == 4


def test_server_errors_are_retried_with_backoff(registry, keepers):
    a, _ = keepers
    imported("NCT90000031", a)
    answer(registry, "NCT90000031", (503, b"down", {}), (500, b"oops", {}),
           ok(study("NCT90000031", status="COMPLETED")))

    run = registry_refresh()

    assert (run.updated, run.failed, run.changed) == (1, 0, 1)
    assert registry.clock.sleeps == [2, 4]
    assert Trial.objects.get(nct_id="NCT90000031").overall_status == "COMPLETED"


def test_requests_are_paced_at_most_three_a_second(registry, keepers):
    a, _ = keepers
    for number in range(41, 51):
        nct_id = f"NCT900000{number}"
        imported(nct_id, a)
        answer(registry, nct_id, ok(study(nct_id)))
    answer(registry, "NCT90000045", (502, b"bad gateway", {}), ok(study("NCT90000045")))

    run = registry_refresh()

    assert (run.total, run.updated) == (10, 10)
    assert len(registry.requests) == 11
    assert requests_per_second(registry) == 3
    times = [at for _, at in registry.requests]
    assert min(later - earlier for earlier, later in itertools.pairwise(times)) >= 1 / 3 - 1e-9


def test_a_failed_night_is_visible_and_queued_again(registry, keepers, task_queue, admin_client,
                                                    client):
    a, _ = keepers
    imported("NCT90000061", a)
    imported("NCT90000062", a)
    answer(registry, "NCT90000061", (500, b"down", {}))  # down all night
    answer(registry, "NCT90000062", ok(study("NCT90000062", status="SUSPENDED")))
    night = timezone.make_aware(datetime.datetime(2026, 3, 2, 1, 5))

    assert NIGHT in run_schedule(now=night)
    task_queue.run_due()

    row = ScheduledJob.objects.get(name=NIGHT)
    assert row.last_run_failed()
    run = RefreshRun.objects.get()
    assert (run.total, run.updated, run.failed) == (2, 1, 1)
    assert run.errors == ["NCT90000061: ClinicalTrials.gov answered with HTTP 500."]
    assert len([n for n, _ in registry.requests if n == "NCT90000061"]) == 5  # bounded tries
    assert RegistryChange.objects.get().trial.nct_id == "NCT90000062"

    # Superusers see the failed night; coordinators do not see the refresh runs.
    changelist = admin_client.get(reverse("admin:trials_refreshrun_changelist"))
    assert changelist.status_code == 200
    detail = admin_client.get(reverse("admin:trials_refreshrun_change", args=[run.pk]))
    assert "ClinicalTrials.gov answered with HTTP 500." in detail.content.decode()
    client.force_login(a)
    assert client.get(reverse("admin:trials_refreshrun_changelist")).status_code == 403

    # The scheduler queues it again a little later, and the second night succeeds.
    answer(registry, "NCT90000061", ok(study("NCT90000061")))
    assert NIGHT not in run_schedule(now=night + datetime.timedelta(minutes=5))
    assert NIGHT in run_schedule(now=night + datetime.timedelta(minutes=20))
    task_queue.run_due()
    assert not ScheduledJob.objects.get(name=NIGHT).last_run_failed()
    assert RefreshRun.objects.latest("started_at").failed == 0
    assert RegistryChange.objects.count() == 1  # the retry found nothing new


def test_coordinators_see_the_registry_log_of_their_own_trials_only(registry, keepers, client,
                                                                    admin_client):
    a, b = keepers
    mine = imported("NCT90000071", a)
    theirs = imported("NCT90000072", b)
    answer(registry, "NCT90000071", ok(study("NCT90000071", status="COMPLETED")))
    answer(registry, "NCT90000072", ok(study("NCT90000072", status="TERMINATED")))
    registry_refresh()
    changelist = reverse("admin:trials_registrychange_changelist")

    client.force_login(a)
    page = client.get(reverse("admin:trials_trial_change", args=[mine.pk])).content.decode()
    link = f"{changelist}?trial__id__exact={mine.pk}"
    assert f'href="{link}"' in page
    assert "1 change recorded by refreshes" in page
    log = client.get(link)
    assert [c.trial.nct_id for c in log.context["cl"].result_list] == ["NCT90000071"]
    everything = client.get(changelist)
    assert [c.trial.nct_id for c in everything.context["cl"].result_list] == ["NCT90000071"]
    # B's trial's log is empty for A, and B's change cannot be opened.
    other = client.get(f"{changelist}?trial__id__exact={theirs.pk}")
    assert list(other.context["cl"].result_list) == []
    their_change = theirs.registry_changes.get()
    url = reverse("admin:trials_registrychange_change", args=[their_change.pk])
    assert client.get(url).status_code in (302, 403, 404)
    assert client.get(reverse("admin:trials_registrychange_add")).status_code == 403

    assert len(admin_client.get(changelist).context["cl"].result_list) == 2


def test_a_vanished_study_stays_flagged_when_its_pending_changes_are_published(
        registry, keepers, client):
    a, _ = keepers
    gone = imported("NCT90000012", a)
    Trial.objects.filter(pk=gone.pk).update(status=Trial.Status.PUBLISHED)
    client.force_login(a)
    change_url = reverse("admin:trials_trial_change", args=[gone.pk])
    data = form_data(client.get(change_url), "trial_form", lists=True)
    data["plain_summary"] = ["Written here while the registry still had it."]
    assert client.post(change_url, data).status_code == 302
    answer(registry, "NCT90000012", (404, {"message": "not found"}, {}))

    registry_refresh()

    gone.refresh_from_db()
    assert gone.registry_missing_since is not None
    publish_draft(client, gone)
    assert gone.plain_summary == "Written here while the registry still had it."
    assert gone.registry_missing_since is not None  # not cleared by the older draft
