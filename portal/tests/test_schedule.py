"""Recurring jobs: queued once when due, again when the last run failed, never twice."""

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from newsletter.models import Subscriber
from portal.models import ScheduledJob
from portal.schedule import run_schedule, scheduled_jobs

pytestmark = pytest.mark.django_db

LA = datetime.timezone(datetime.timedelta(hours=-8))  # the portal's time zone in winter


def at(day, hour):
    return datetime.datetime(2026, 1, day, hour, 0, tzinfo=LA)


def test_every_apps_jobs_are_scheduled():
    names = {job.name for job in scheduled_jobs()}
    assert {"clear expired sessions", "newsletter retention purge",
            "forget old searches"} <= names


def test_a_daily_job_is_queued_once_a_day_from_its_hour(task_queue):
    assert "newsletter retention purge" not in run_schedule(now=at(5, 1))  # before 2 am
    assert "newsletter retention purge" in run_schedule(now=at(5, 2))
    assert "newsletter retention purge" not in run_schedule(now=at(5, 2))
    assert "newsletter retention purge" not in run_schedule(now=at(5, 23))
    assert "newsletter retention purge" not in run_schedule(now=at(6, 1))
    assert "newsletter retention purge" in run_schedule(now=at(6, 4))
    queued = task_queue.results(task_path__endswith="purge_expired_personal_data")
    assert queued.count() == 2


def test_a_failed_run_is_visible_and_queued_again(task_queue, admin_client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database was being upgraded")

    monkeypatch.setattr("newsletter.tasks.newsletter_purge", broken)
    run_schedule(now=at(5, 2))
    task_queue.run_due()
    job = ScheduledJob.objects.get(name="newsletter retention purge")
    assert job.last_run_failed()
    listing = admin_client.get("/admin/portal/scheduledjob/").content.decode()
    assert "newsletter retention purge" in listing
    assert "failed" in listing
    # Not in the same minute, but at the next check a quarter of an hour later.
    assert "newsletter retention purge" not in run_schedule(now=at(5, 2) + datetime.timedelta(
        minutes=5))
    monkeypatch.undo()
    assert "newsletter retention purge" in run_schedule(now=at(5, 2) + datetime.timedelta(
        minutes=20))
    task_queue.run_due()
    job.refresh_from_db()
    assert not job.last_run_failed()
    assert job.last_result().status == "SUCCESSFUL"


def test_the_purge_job_deletes_what_the_retention_periods_do_not_allow(settings):
    old = timezone.now() - datetime.timedelta(days=settings.NEWSLETTER_PENDING_RETENTION_DAYS + 1)
    Subscriber.objects.create(email="old@example.org", requested_at=old)
    Subscriber.objects.create(email="new@example.org")
    assert "newsletter retention purge" in run_schedule(now=at(5, 3))  # run at once in tests
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["new@example.org"]


def test_the_command_says_what_it_queued(capsys):
    call_command("run_schedule")
    ScheduledJob.objects.update(last_queued_at=timezone.now() - datetime.timedelta(days=2))
    call_command("run_schedule")
    out = capsys.readouterr().out
    hour = timezone.localtime().hour
    assert ("queued: clear expired sessions" in out) == (hour >= 3)
    assert ("queued: newsletter retention purge" in out) == (hour >= 2)


def test_expired_sessions_are_cleared():
    expired = SessionStore()
    expired.set_expiry(-60)
    expired.create()
    current = SessionStore()
    current.create()
    from portal.tasks import clear_expired_sessions

    clear_expired_sessions.enqueue()
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]


def test_runs_of_tasks_that_ran_at_once_are_not_looked_up_in_the_queue():
    """Tasks run at once (as in make run's tests) have ids the database queue never issued."""
    assert "newsletter retention purge" in run_schedule(now=at(6, 3))
    assert ScheduledJob.objects.get(name="newsletter retention purge").last_result() is None
    assert "newsletter retention purge" not in run_schedule(now=at(6, 4))


def test_search_counts_older_than_a_year_are_deleted():
    from portal.models import SearchQueryStat
    from portal.tasks import forget_old_searches

    today = timezone.localdate()
    for days_ago in [0, 364, 365, 366, 800]:
        SearchQueryStat.objects.create(query=f"q{days_ago}", day=today - datetime.timedelta(
            days=days_ago), count=1)
    forget_old_searches.enqueue()
    assert sorted(SearchQueryStat.objects.values_list("query", flat=True)) == [
        "q0", "q364", "q365"]
