"""The trials' background work: imports started in the admin, and the nightly refresh."""

from django.tasks import task

from portal.schedule import Job
from trials.services import import_job_run, registry_change_emails, registry_refresh


class RefreshIncomplete(Exception):
    """Some trials could not be refreshed; the scheduler runs the refresh again later."""


@task()
def run_import_job(job_id):
    job = import_job_run(job_id)
    return {"job": job.pk, "status": job.status, "summary": job.summary}


@task()
def refresh_trials_from_registry():
    """Refresh every trial from ClinicalTrials.gov, then email each coordinator the changes."""
    run = registry_refresh()
    emails = registry_change_emails()
    if run.failed:
        first = "; ".join(run.errors[:3])
        raise RefreshIncomplete(f"{run.failed} of {run.total} trials were not refreshed "
                                f"(refresh {run.pk}): {first}")
    return {"refresh": run.pk, "trials": run.total, "updated": run.updated,
            "changed": run.changed, "missing": run.missing, "emails": emails}


SCHEDULE = [Job("trials refresh from ClinicalTrials.gov", refresh_trials_from_registry,
                daily_at=1)]
