"""Mapping one ClinicalTrials.gov API v2 study to trial fields and child rows, unsaved."""

from dataclasses import dataclass

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
from trials.registry import TrialImportError


@dataclass
class StudyRecord:
    """What one study says: the trial's registry fields and its child rows by model."""

    fields: dict
    children: dict  # model -> [field values of each row, in order]

    @property
    def nct_id(self):
        return self.fields["nct_id"]


def study_record(study):
    """The record of one API v2 study; TrialImportError when it cannot be imported."""
    try:
        return StudyRecord(fields=study_fields(study), children=study_children(study))
    except (TypeError, AttributeError, ValueError) as error:
        raise TrialImportError(
            f"{study_label(study)}: the record is malformed ({error})."
        ) from error


def study_label(study):
    """How a study is named in reports: its NCT number, or a description when it has none."""
    try:
        return study["protocolSection"]["identificationModule"]["nctId"]
    except (KeyError, TypeError):
        return "a study without an NCT number"


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


def study_children(study):
    """Field values of a study's outcomes, interventions, contacts and registry sites."""
    protocol = study["protocolSection"]
    outcomes = (protocol.get("outcomesModule") or {}).get("primaryOutcomes") or []
    interventions = (protocol.get("armsInterventionsModule") or {}).get("interventions") or []
    contacts_module = protocol.get("contactsLocationsModule") or {}
    return {
        Outcome: [
            {"measure": text(o, "measure"), "time_frame": text(o, "timeFrame", 500),
             "description": text(o, "description")}
            for o in outcomes
        ],
        Intervention: [
            {"type": text(v, "type", 30), "name": text(v, "name", 500),
             "description": text(v, "description")}
            for v in interventions
        ],
        Contact: [
            {"name": text(c, "name", 200), "role": text(c, "role", 30),
             "phone": text(c, "phone", 50), "phone_ext": text(c, "phoneExt", 30),
             "email": text(c, "email", 254)}
            for c in contacts_module.get("centralContacts") or []
        ],
        RegistrySite: [
            {"facility": text(s, "facility", 500), "city": text(s, "city", 200),
             "state": text(s, "state", 200), "postal_code": text(s, "zip", 30),
             "country": text(s, "country", 100),
             "status": s.get("status") if s.get("status") in OverallStatus.values else "",
             "contacts": s.get("contacts") or []}
            for s in contacts_module.get("locations") or []
        ],
    }


def text(mapping, key, limit=None):
    """A string field of the registry JSON: missing or null gives ""."""
    value = mapping.get(key) or ""
    value = value if isinstance(value, str) else str(value)
    return value[:limit] if limit else value
