"""Importing trials from ClinicalTrials.gov: the one entry point, and saving one study."""

from dataclasses import dataclass, field
from time import monotonic

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.cache import content_changed
from portal.mail import send_later
from portal.publishing import draft_take_live
from trials import registry
from trials.mapping import NO_NCT_NUMBER, study_label, study_record
from trials.models import ImportJob, RefreshRun, RegistryChange, Trial
from trials.registry import PoliteFetcher, TrialImportError


@dataclass
class ImportStep:
    index: int
    total: int
    label: str
    outcome: str  # "created", "updated" or "failed: <why>"

    def __str__(self):
        return f"[{self.index}/{self.total}] {self.label}: {self.outcome}"


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (label, message)
    steps: list = field(default_factory=list)  # one ImportStep per study or NCT number

    @property
    def summary(self):
        return (f"created: {len(self.created)}, updated: {len(self.updated)}, "
                f"failed: {len(self.failed)}")

    def failure_lines(self):
        """One line per failed study, naming it once."""
        return [failure_text(label, message) for label, message in self.failed]


def trials_import(*, studies=(), nct_ids=(), user=None, progress=None, time_limit=None,
                  fetch=None):
    """Import saved studies, then fetch and import NCT numbers; the one way trials come in.

    Each study is imported in its own transaction, so one bad study leaves the others
    imported; every failure is reported in the result, never raised. `progress(index,
    total, label, outcome)` is called after each study or NCT number. With `time_limit`
    (seconds), NCT numbers are no longer fetched once it has passed; they are reported as
    not fetched. `fetch` fetches one NCT number (registry.trial_fetch unless given, e.g. a
    registry.PoliteFetcher's).
    """
    fetch = fetch or registry.trial_fetch
    result = ImportResult()
    total = len(studies) + len(nct_ids)
    deadline = None if time_limit is None else monotonic() + time_limit

    def record(label, outcome):
        step = ImportStep(len(result.steps) + 1, total, label, outcome)
        result.steps.append(step)
        if progress:
            progress(step.index, step.total, label, outcome)

    for study in studies:
        record(study_label(study), study_outcome(result, study, user))
    for nct_id in nct_ids:
        timeout = settings.CTGOV_TIMEOUT
        if deadline is not None:
            timeout = min(timeout, deadline - monotonic())
            if timeout < 1:
                message = f"{nct_id} was not fetched: time ran out. Import it again."
                result.failed.append((nct_id, message))
                record(nct_id, f"failed: {message}")
                continue
        try:
            fetched = fetch(nct_id=nct_id, timeout=timeout)
        except TrialImportError as error:
            result.failed.append((nct_id, str(error)))
            record(nct_id, f"failed: {error}")
            continue
        outcomes = [study_outcome(result, study, user) for study in fetched]
        record(nct_id, "; ".join(outcomes) or "failed: the registry sent no study")
    return result


def study_outcome(result, study, user):
    """Import one study into `result`; what happened, as a progress line says it."""
    label = study_label(study)
    try:
        trial, created = trial_import(study=study, user=user)
    except (TrialImportError, PermissionDenied) as error:
        result.failed.append((label, str(error)))
        return f"failed: {error}"
    except (DatabaseError, ValidationError) as error:
        message = f"the database refused the record ({error})."
        result.failed.append((label, message))
        return f"failed: {message}"
    (result.created if created else result.updated).append(trial)
    return "created" if created else "updated"


def trial_import(*, study, user=None):
    """Create or update one trial from an API v2 study, all or nothing.

    What is written here (plain-language summary, related conditions, sites here,
    coordinators, publishing status) is never overwritten. A coordinator may only refresh a
    trial they coordinate; a trial they create lists them as coordinator. A live trial's
    pending draft takes the registry's fields and parts too, so that publishing it later
    does not bring back what the registry has since changed. A record that says nothing new
    writes only the time of the check: no revision, no rewritten parts.
    """
    label = study_label(study)
    try:
        record = study_record(study)
        with transaction.atomic():
            trial = Trial.objects.select_for_update().filter(nct_id=record.nct_id).first()
            created = trial is None
            if created:
                trial = Trial(status=Trial.Status.DRAFT)
            elif user is not None and not trial.may_be_changed_by(user):
                raise PermissionDenied(f"{trial.nct_id} is kept by another coordinator.")
            elif as_stored(trial, record):
                trial.last_synced_at, trial.registry_missing_since = timezone.now(), None
                Trial.objects.filter(pk=trial.pk).update(
                    last_synced_at=trial.last_synced_at, registry_missing_since=None)
                content_changed()  # the trial's page says when the registry was checked
                return trial, False
            with reversion.create_revision():
                reversion.set_comment("Imported from ClinicalTrials.gov.")
                if user is not None:
                    reversion.set_user(user)
                seen_before = None if created else family_view(trial)
                # The record was validated with the models' own checks when it was mapped.
                for name, value in record.fields.items():
                    setattr(trial, name, value)
                trial.source = Trial.Source.CTGOV
                trial.last_synced_at = timezone.now()
                trial.registry_missing_since = None  # the registry has it (again)
                trial.save()
                for model, rows in record.children.items():
                    model.objects.filter(trial=trial).delete()
                    model.objects.bulk_create(
                        [model(trial=trial, order=i, **row) for i, row in enumerate(rows)],
                        batch_size=500,
                    )
                if created and user is not None and not user.is_superuser:
                    trial.coordinators.add(user)
                reversion.add_to_revision(trial)  # again, with its new outcomes and contacts
                if seen_before is not None:
                    registry_changes_record(trial, seen_before)
            if not created:
                # After the revision is made: a draft is no part of the live history.
                draft_take_live(trial, fields=record.fields, part_models=record.children,
                                written_by="a refresh from ClinicalTrials.gov")
    except (TypeError, AttributeError, ValueError) as error:
        raise TrialImportError(f"{label}: the record is malformed ({error}).") from error
    return trial, created


def as_stored(trial, record):
    """Whether the trial, imported from the registry before, holds every field and part
    (outcomes, interventions, contacts, sites, in order) of this record as it is."""
    if trial.source != Trial.Source.CTGOV:
        return False
    if any(getattr(trial, name) != value for name, value in record.fields.items()):
        return False
    for model, rows in record.children.items():
        stored = model.objects.filter(trial=trial).order_by("order")
        if not rows:
            if stored.exists():
                return False
        elif list(stored.values(*rows[0])) != rows:
            return False
    return True


def failure_text(label, message):
    """One line for a failed study, naming it once."""
    named = message.startswith(label) or (label == NO_NCT_NUMBER and message.startswith("A study"))
    return message if named else f"{label}: {message}"


# What families see of a trial, as text ------------------------------------------------------

def family_view(trial):
    """The parts of a trial that families read and act on, one text per RegistryChange field."""
    Field = RegistryChange.Field
    contacts = [
        ", ".join(part for part in (c.name, phone_text(c.phone, c.phone_ext), c.email) if part)
        for c in trial.central_contacts.order_by("order", "pk")
    ]
    sites = [
        ", ".join(part for part in (s.facility, s.city, s.state, s.country) if part)
        + (f" ({s.get_status_display()})" if s.status else "")
        for s in trial.registry_sites.order_by("order", "pk")
    ]
    return {
        Field.STATUS: f"{trial.status_group.label} ({trial.get_overall_status_display()})",
        Field.AGES: trial.age_display,
        Field.CONTACTS: "\n".join(contacts),
        Field.SITES: "\n".join(sites),
    }


def phone_text(phone, extension):
    return f"{phone} ext. {extension}" if phone and extension else phone


def registry_changes_record(trial, before):
    """A RegistryChange for each part of what families see that a refresh changed."""
    after = family_view(trial)
    now = timezone.now()
    changes = [
        RegistryChange(trial=trial, changed_at=now, field=name, before=before[name],
                       after=after[name])
        for name in RegistryChange.Field.values if before[name] != after[name]
    ]
    return RegistryChange.objects.bulk_create(changes)


# Imports as jobs ------------------------------------------------------------------------------

# How often a running job writes its progress for the job page, at most.
PROGRESS_EVERY_SECONDS = 1.0


def import_job_run(job_id, *, fetcher=None):
    """Run a queued ImportJob, writing its progress as it goes; returns the job."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status != ImportJob.State.QUEUED:
        return job  # already run (a task is run once, but a job is never run twice)
    studies = registry.studies_from_json(job.upload) if job.upload else []
    job.status = ImportJob.State.RUNNING
    job.total = len(studies) + len(job.nct_ids)
    job.done, job.results, job.errors = 0, [], []
    job.save(update_fields=["status", "total", "done", "results", "errors"])
    user = job.user
    if user is None or not user.is_active or not user.has_perm("trials.add_trial"):
        return job_finish(job, ImportJob.State.FAILED,
                          errors=["The person who asked for this import may no longer import "
                                  "trials."])
    last_write = monotonic()

    def progress(index, total, label, outcome):
        nonlocal last_write
        job.done = index
        job.results.append({"label": label, "outcome": outcome})
        if outcome.startswith("failed: "):
            job.errors.append(failure_text(label, outcome.removeprefix("failed: ")))
        if index == total or monotonic() - last_write >= PROGRESS_EVERY_SECONDS:
            job.save(update_fields=["done", "results", "errors"])
            last_write = monotonic()

    fetcher = fetcher or PoliteFetcher()
    try:
        result = trials_import(studies=studies, nct_ids=job.nct_ids, user=user,
                               progress=progress, fetch=fetcher.fetch)
    except Exception:
        job_finish(job, ImportJob.State.FAILED,
                   errors=[*job.errors, "The import stopped unexpectedly; the studies listed "
                                        "above were imported. Run it again for the rest."])
        raise
    job.upload = ""  # imported: the report is what is kept, not a copy of the file
    return job_finish(job, ImportJob.State.DONE, summary=result.summary,
                      errors=result.failure_lines())


def job_finish(job, status, *, errors, summary=""):
    job.status = status
    job.errors = errors
    job.summary = summary
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "done", "results", "errors", "summary", "finished_at",
                            "upload"])
    return job


# The nightly refresh -------------------------------------------------------------------------

def registry_refresh(*, fetcher=None):
    """Refresh every trial imported from ClinicalTrials.gov, politely; returns a RefreshRun.

    A study the registry no longer has is flagged on its trial (kept, and not counted as a
    change); any other failure is counted and listed in the run's errors.
    """
    fetcher = fetcher or PoliteFetcher()
    run = RefreshRun.objects.create()
    trials = list(Trial.objects.filter(source=Trial.Source.CTGOV).order_by("nct_id")
                  .values_list("pk", "nct_id", "registry_missing_since"))
    run.total = len(trials)
    for pk, nct_id, missing_since in trials:
        try:
            studies = fetcher.fetch(nct_id=nct_id)
        except TrialImportError as error:
            if error.status == 404:
                run.missing += 1
                if missing_since is None:
                    Trial.objects.filter(pk=pk).update(registry_missing_since=timezone.now())
            else:
                run.failed += 1
                run.errors.append(failure_text(nct_id, str(error)))
            continue
        study = next((s for s in studies if study_label(s) == nct_id), None)
        if study is None:
            run.failed += 1
            run.errors.append(f"{nct_id}: the registry answered with another study.")
            continue
        try:
            trial_import(study=study)
        except (TrialImportError, DatabaseError, ValidationError) as error:
            run.failed += 1
            run.errors.append(failure_text(nct_id, str(error)))
            continue
        run.updated += 1
    run.changed = (RegistryChange.objects.filter(changed_at__gte=run.started_at)
                   .values("trial").distinct().count())
    run.finished_at = timezone.now()
    run.save()
    return run


def registry_change_emails():
    """One email to each coordinator listing the registry's changes to the trials they keep,
    not yet emailed; returns how many emails were queued."""
    pending = list(RegistryChange.objects.filter(emailed_at__isnull=True)
                   .select_related("trial").order_by("trial__nct_id", "field", "changed_at"))
    if not pending:
        return 0
    trial_ids = {change.trial_id for change in pending}
    keepers = (get_user_model().objects.filter(coordinated_trials__in=trial_ids, is_active=True)
               .exclude(email="").values_list("pk", "email", "coordinated_trials"))
    changes_for = {}  # (user pk, address) -> [change]
    for user_pk, address, trial_id in keepers.order_by("pk"):
        changes_for.setdefault((user_pk, address), []).extend(
            change for change in pending if change.trial_id == trial_id)
    for (_, address), changes in changes_for.items():
        send_later(registry_change_email(address, sorted(
            changes, key=lambda c: (c.trial.nct_id, c.field, c.changed_at))))
    RegistryChange.objects.filter(pk__in=[c.pk for c in pending]).update(
        emailed_at=timezone.now())
    return len(changes_for)


def registry_change_email(address, changes):
    trials = {}
    for change in changes:
        trials.setdefault(change.trial, []).append(change)
    rows = [{
        "trial": trial,
        "changes": trial_changes,
        "log_url": settings.SITE_URL + reverse("admin:trials_registrychange_changelist")
        + f"?trial__id__exact={trial.pk}",
    } for trial, trial_changes in trials.items()]
    body = render_to_string("email/registry_changes.txt", {
        "trials": rows, "portal_name": settings.PORTAL_NAME,
    })
    subject = f"ClinicalTrials.gov changed {len(rows)} of your trials | {settings.PORTAL_NAME}"
    return EmailMessage(subject=subject, body=body, to=[address])
