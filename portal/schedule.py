"""Work that runs on a schedule, with one timer for all of it.

The base layer's and each feature app's `tasks` module lists its recurring jobs in
`SCHEDULE`. The `run_schedule` command (started every few minutes by a timer, or looping with
--every under make run) queues each job that is due, and queues a job again when its last run
failed. Each job's row is locked while it is checked, so two schedulers on two machines never
queue the same run twice."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from portal.apps import feature_modules

RETRY_AFTER = datetime.timedelta(minutes=15)


@dataclass(frozen=True)
class Job:
    """A task to queue once a day from `daily_at` (an hour, local time), or every `interval`."""

    name: str
    task: object
    daily_at: int | None = None
    interval: datetime.timedelta | None = None

    def due(self, last_queued_at, now):
        if self.daily_at is not None:
            local = timezone.localtime(now)
            already_today = (last_queued_at is not None
                             and timezone.localtime(last_queued_at).date() == local.date())
            return local.hour >= self.daily_at and not already_today
        return last_queued_at is None or now - last_queued_at >= self.interval


def scheduled_jobs():
    from portal import tasks as base_tasks

    jobs = list(base_tasks.SCHEDULE)
    for module in feature_modules("tasks"):
        jobs.extend(getattr(module, "SCHEDULE", []))
    return jobs


def run_schedule(now=None):
    """Queue every job that is due, or whose last run failed; returns their names."""
    from portal.models import ScheduledJob

    now = now or timezone.now()
    queued = []
    for job in scheduled_jobs():
        ScheduledJob.objects.get_or_create(name=job.name)
        with transaction.atomic():
            row = ScheduledJob.objects.select_for_update().get(name=job.name)
            retry = row.last_run_failed() and now - row.last_queued_at >= RETRY_AFTER
            if not (job.due(row.last_queued_at, now) or retry):
                continue
            result = job.task.enqueue()
            row.last_queued_at = now
            row.last_result_id = str(result.id)
            row.save(update_fields=["last_queued_at", "last_result_id"])
            queued.append(job.name)
    return queued
