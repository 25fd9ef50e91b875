"""Importing trials from the ClinicalTrials.gov API v2 (a fetched record or a saved file)."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from trials.models import (
    NCT_ID,
    Contact,
    Intervention,
    Outcome,
    OverallStatus,
    Phase,
    RegistrySite,
    Trial,
)


class TrialImportError(Exception):
    """A study that cannot be imported; the message says why, in one line."""


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (label, message)


def trial_fetch(*, nct_id, timeout=None):
    """The study JSON for one NCT number from the registry's API v2."""
    nct_id = nct_id.strip().upper()
    if not NCT_ID.regex.match(nct_id):
        raise TrialImportError(f"{nct_id!r} is not an NCT number (NCT followed by 8 digits).")
    url = f"{settings.CTGOV_API_URL.rstrip('/')}/studies/{nct_id}"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout or settings.CTGOV_TIMEOUT) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise TrialImportError(f"ClinicalTrials.gov has no study {nct_id}.") from error
        if error.code == 429:
            raise TrialImportError(
                "ClinicalTrials.gov is limiting requests: wait a minute and try again."
            ) from error
        raise TrialImportError(f"ClinicalTrials.gov answered with HTTP {error.code}.") from error
    except TimeoutError as error:
        raise TrialImportError("ClinicalTrials.gov did not answer in time.") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise TrialImportError("ClinicalTrials.gov did not answer in time.") from error
        raise TrialImportError(f"Could not reach ClinicalTrials.gov ({reason}).") from error
    return studies_from_json(body)


def studies_from_json(body):
    """The studies in an API v2 response: one study or a {"studies": [...]} page."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise TrialImportError("The response is not valid JSON.") from error
    if isinstance(data, dict) and ("FullStudiesResponse" in data or "ProtocolSection" in data
                                   or "FullStudy" in data):
        raise TrialImportError(
            "This is the retired classic ClinicalTrials.gov format; "
            "download the study again from the API v2 (/api/v2/studies/NCT...)."
        )
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        return data["studies"]
    if isinstance(data, dict) and "protocolSection" in data:
        return [data]
    raise TrialImportError(
        "This is not a ClinicalTrials.gov API v2 study or page of studies."
    )


def partial_date(struct):
    struct = struct or {}
    return text(struct, "date"), text(struct, "type")


def study_fields(study):
    """Trial fields from one API v2 study; TrialImportError when a required field is missing."""
    if not isinstance(study, dict) or not isinstance(study.get("protocolSection"), dict):
        raise TrialImportError("A study has no protocolSection.")
    protocol = study["protocolSection"]
    ident = protocol.get("identificationModule") or {}
    status = protocol.get("statusModule") or {}
    nct_id = ident.get("nctId") or ""
    label = nct_id or "A study"
    if not NCT_ID.regex.match(nct_id):
        raise TrialImportError(f"{label}: the record has no valid NCT number.")
    if not ident.get("briefTitle"):
        raise TrialImportError(f"{nct_id}: the record has no brief title.")
    overall = status.get("overallStatus")
    if overall not in OverallStatus.values:
        raise TrialImportError(f"{nct_id}: the record has no known overall status ({overall!r}).")
    phases = (protocol.get("designModule") or {}).get("phases") or []
    unknown = [p for p in phases if p not in Phase.values]
    if unknown:
        raise TrialImportError(f"{nct_id}: unknown phase {', '.join(map(str, unknown))}.")

    design = protocol.get("designModule") or {}
    conditions = protocol.get("conditionsModule") or {}
    eligibility = protocol.get("eligibilityModule") or {}
    description = protocol.get("descriptionModule") or {}
    sponsor = (protocol.get("sponsorCollaboratorsModule") or {}).get("leadSponsor") or {}
    start, start_type = partial_date(status.get("startDateStruct"))
    primary, primary_type = partial_date(status.get("primaryCompletionDateStruct"))
    last_update, _ = partial_date(status.get("lastUpdatePostDateStruct"))
    healthy = eligibility.get("healthyVolunteers")
    return {
        "nct_id": nct_id,
        "brief_title": text(ident, "briefTitle", 500),
        "official_title": text(ident, "officialTitle"),
        "acronym": text(ident, "acronym", 100),
        "overall_status": overall,
        "last_known_status": text(status, "lastKnownStatus"),
        "why_stopped": text(status, "whyStopped", 500),
        "brief_summary": text(description, "briefSummary"),
        "phases": ",".join(phases),
        "study_type": text(design, "studyType"),
        "registry_conditions": "\n".join(conditions.get("conditions") or []),
        "keywords": "\n".join(conditions.get("keywords") or []),
        "eligibility_criteria": text(eligibility, "eligibilityCriteria"),
        "minimum_age": text(eligibility, "minimumAge", 30),
        "maximum_age": text(eligibility, "maximumAge", 30),
        "sex": eligibility.get("sex") or Trial.Sex.ALL,
        "healthy_volunteers": healthy if isinstance(healthy, bool) else None,
        "std_ages": ",".join(eligibility.get("stdAges") or []),
        "lead_sponsor": text(sponsor, "name", 300),
        "start_date": start,
        "start_date_type": start_type,
        "primary_completion_date": primary,
        "primary_completion_date_type": primary_type,
        "last_update_posted": last_update,
    }


def study_children(trial, study):
    """Outcomes, interventions, contacts and registry sites of a study, unsaved."""
    protocol = study["protocolSection"]
    outcomes = (protocol.get("outcomesModule") or {}).get("primaryOutcomes") or []
    interventions = (protocol.get("armsInterventionsModule") or {}).get("interventions") or []
    contacts_module = protocol.get("contactsLocationsModule") or {}
    return {
        Outcome: [
            Outcome(trial=trial, order=i, measure=text(o, "measure"),
                    time_frame=text(o, "timeFrame", 500), description=text(o, "description"))
            for i, o in enumerate(outcomes)
        ],
        Intervention: [
            Intervention(trial=trial, order=i, type=text(v, "type", 30),
                         name=text(v, "name", 500), description=text(v, "description"))
            for i, v in enumerate(interventions)
        ],
        Contact: [
            Contact(trial=trial, order=i, name=text(c, "name", 200), role=text(c, "role", 30),
                    phone=text(c, "phone", 50), phone_ext=text(c, "phoneExt", 30),
                    email=text(c, "email", 254))
            for i, c in enumerate(contacts_module.get("centralContacts") or [])
        ],
        RegistrySite: [
            RegistrySite(
                trial=trial, order=i, facility=text(s, "facility", 500),
                city=text(s, "city", 200), state=text(s, "state", 200),
                postal_code=text(s, "zip", 30), country=text(s, "country", 100),
                status=s.get("status") if s.get("status") in OverallStatus.values else "",
                contacts=s.get("contacts") or [],
            )
            for i, s in enumerate(contacts_module.get("locations") or [])
        ],
    }


def trial_import(*, study, user=None):
    """Create or update one trial from an API v2 study, all or nothing.

    What is written here (plain-language summary, related conditions, sites here,
    coordinators, publishing status) is never overwritten. A coordinator may only refresh a
    trial they coordinate; a trial they create lists them as coordinator.
    """
    label = study_label(study)
    try:
        fields = study_fields(study)
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment("Imported from ClinicalTrials.gov.")
            if user is not None:
                reversion.set_user(user)
            trial = Trial.objects.select_for_update().filter(nct_id=fields["nct_id"]).first()
            created = trial is None
            if created:
                trial = Trial(status=Trial.Status.DRAFT)
            elif user is not None and not can_change_trial(user, trial):
                raise PermissionDenied(f"{trial.nct_id} is kept by another coordinator.")
            for name, value in fields.items():
                setattr(trial, name, value)
            trial.source = Trial.Source.CTGOV
            trial.last_synced_at = timezone.now()
            validate(trial)
            trial.save()
            for model, rows in study_children(trial, study).items():
                model.objects.filter(trial=trial).delete()
                model.objects.bulk_create(rows, batch_size=500)
            if created and user is not None and not user.is_superuser:
                trial.coordinators.add(user)
            reversion.add_to_revision(trial)  # again, now with its new outcomes and contacts
    except (TypeError, AttributeError, ValueError) as error:
        raise TrialImportError(f"{label}: the record is malformed ({error}).") from error
    return trial, created


def validate(trial):
    """The model's own checks (choices, lengths, date formats, ages) before anything is saved."""
    try:
        trial.full_clean(exclude=["conditions", "care_sites", "coordinators"],
                         validate_unique=False)
    except ValidationError as error:
        problems = "; ".join(f"{field}: {' '.join(messages)}"
                             for field, messages in error.message_dict.items())
        raise TrialImportError(f"{trial.nct_id}: the record does not fit ({problems})") from error


def trials_import(*, studies, user=None, progress=None):
    """Import each study in its own transaction: one bad study leaves the others imported."""
    result = ImportResult()
    for index, study in enumerate(studies, start=1):
        label = study_label(study)
        try:
            trial, created = trial_import(study=study, user=user)
        except (TrialImportError, PermissionDenied) as error:
            result.failed.append((label, str(error)))
            outcome = f"failed: {error}"
        except (DatabaseError, ValidationError) as error:
            message = f"the database refused the record ({error})."
            result.failed.append((label, message))
            outcome = f"failed: {message}"
        else:
            (result.created if created else result.updated).append(trial)
            outcome = "created" if created else "updated"
        if progress:
            progress(index, len(studies), label, outcome)
    return result


def trials_fetch_and_import(*, nct_ids, user=None, progress=None):
    """Fetch each NCT number from the registry and import it; failures are reported, not raised."""
    result = ImportResult()
    for index, nct_id in enumerate(nct_ids, start=1):
        try:
            studies = trial_fetch(nct_id=nct_id)
            one = trials_import(studies=studies, user=user)
        except TrialImportError as error:
            one = ImportResult(failed=[(nct_id, str(error))])
        result.created += one.created
        result.updated += one.updated
        result.failed += one.failed
        if progress:
            outcome = "failed: " + one.failed[0][1] if one.failed else (
                "created" if one.created else "updated")
            progress(index, len(nct_ids), nct_id, outcome)
    return result


def failure_text(label, message):
    """One line for a failed study, without repeating its NCT number."""
    return message if message.startswith(label) else f"{label}: {message}"


def text(mapping, key, limit=None):
    """A string field of the registry JSON: missing or null gives ""."""
    value = mapping.get(key) or ""
    value = value if isinstance(value, str) else str(value)
    return value[:limit] if limit else value


def study_label(study):
    try:
        return study["protocolSection"]["identificationModule"]["nctId"]
    except (KeyError, TypeError):
        return "a study without an NCT number"


def can_change_trial(user, trial):
    return user.has_perm("trials.change_trial") and trial.is_kept_by(user)
