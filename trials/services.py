"""Importing trials from ClinicalTrials.gov: the one entry point, and saving one study."""

from dataclasses import dataclass, field
from time import monotonic

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from trials import registry
from trials.mapping import NO_NCT_NUMBER, study_label, study_record
from trials.models import Trial
from trials.registry import TrialImportError


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


def trials_import(*, studies=(), nct_ids=(), user=None, progress=None, time_limit=None):
    """Import saved studies, then fetch and import NCT numbers; the one way trials come in.

    Each study is imported in its own transaction, so one bad study leaves the others
    imported; every failure is reported in the result, never raised. `progress(index,
    total, label, outcome)` is called after each study or NCT number. With `time_limit`
    (seconds), NCT numbers are no longer fetched once it has passed; they are reported as
    not fetched.
    """
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
            fetched = registry.trial_fetch(nct_id=nct_id, timeout=timeout)
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
    trial they coordinate; a trial they create lists them as coordinator.
    """
    label = study_label(study)
    try:
        record = study_record(study)
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment("Imported from ClinicalTrials.gov.")
            if user is not None:
                reversion.set_user(user)
            trial = Trial.objects.select_for_update().filter(nct_id=record.nct_id).first()
            created = trial is None
            if created:
                trial = Trial(status=Trial.Status.DRAFT)
            elif user is not None and not trial.may_be_changed_by(user):
                raise PermissionDenied(f"{trial.nct_id} is kept by another coordinator.")
            # The record was validated with the models' own checks when it was mapped.
            for name, value in record.fields.items():
                setattr(trial, name, value)
            trial.source = Trial.Source.CTGOV
            trial.last_synced_at = timezone.now()
            trial.save()
            for model, rows in record.children.items():
                model.objects.filter(trial=trial).delete()
                model.objects.bulk_create(
                    [model(trial=trial, order=i, **row) for i, row in enumerate(rows)],
                    batch_size=500,
                )
            if created and user is not None and not user.is_superuser:
                trial.coordinators.add(user)
            reversion.add_to_revision(trial)  # again, now with its new outcomes and contacts
    except (TypeError, AttributeError, ValueError) as error:
        raise TrialImportError(f"{label}: the record is malformed ({error}).") from error
    return trial, created


def failure_text(label, message):
    """One line for a failed study, naming it once."""
    named = message.startswith(label) or (label == NO_NCT_NUMBER and message.startswith("A study"))
    return message if named else f"{label}: {message}"
