"""Mapping one ClinicalTrials.gov API v2 study to trial fields and child rows, unsaved.

Every value is checked for its type (text, list of text, object, true/false) and then
against the models' own validators, the ones the admin uses: a study either maps
completely or is refused with every problem found, so nothing half-written reaches the
database.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from trials.models import (
    Contact,
    Intervention,
    Outcome,
    OverallStatus,
    Phase,
    RegistrySite,
    StdAge,
    Trial,
    is_nct_id,
)
from trials.registry import TrialImportError

NO_NCT_NUMBER = "a study without an NCT number"
MAX_PROBLEMS = 10  # listed per study; the rest are counted


@dataclass
class StudyRecord:
    """What one study says: the trial's registry fields and its child rows by model."""

    fields: dict
    children: dict  # model -> [field values of each row, in order]

    @property
    def nct_id(self):
        return self.fields["nct_id"]


def study_label(study):
    """How a study is named in reports: its NCT number, or a description when it has none."""
    try:
        nct_id = study["protocolSection"]["identificationModule"]["nctId"]
    except (KeyError, TypeError):
        return NO_NCT_NUMBER
    return nct_label(nct_id) or NO_NCT_NUMBER


def nct_label(value):
    """A study's NCT number as written, if it is short text that can be shown as it is."""
    if isinstance(value, str) and value and len(value) <= 20 and value.isprintable():
        return value
    return None


def study_record(study):
    """The record of one API v2 study; TrialImportError naming every problem otherwise."""
    if not isinstance(study, dict) or not isinstance(study.get("protocolSection"), dict):
        raise TrialImportError("A study has no protocolSection.")
    protocol = study["protocolSection"]
    reader = StudyReader()
    ident = reader.object(protocol, "identificationModule")
    nct_id = ident.get("nctId")
    if not is_nct_id(nct_id):
        raise TrialImportError(no_nct_number(nct_id))
    fields = study_fields(reader, protocol, nct_id)
    children = study_children(reader, protocol)
    if not reader.problems:
        reader.check_models(fields, children)
    if reader.problems:
        raise TrialImportError(f"{nct_id}: {reader.summary()}.")
    return StudyRecord(fields=fields, children=children)


def no_nct_number(value):
    label = nct_label(value) or "A study"
    if value in (None, "") or (label != "A study" and value.isascii()):
        return f"{label}: the record has no valid NCT number."
    if isinstance(value, str):
        return f"{label}: the record has no valid NCT number (NCT followed by 8 digits 0-9)."
    return (f"{label}: the record has no valid NCT number "
            f"(identificationModule.nctId: expected text, got {kind(value)}).")


def study_fields(reader, protocol, nct_id):
    ident = reader.object(protocol, "identificationModule")
    status = reader.object(protocol, "statusModule")
    design = reader.object(protocol, "designModule")
    conditions = reader.object(protocol, "conditionsModule")
    eligibility = reader.object(protocol, "eligibilityModule")
    description = reader.object(protocol, "descriptionModule")
    sponsors = reader.object(protocol, "sponsorCollaboratorsModule")
    sponsor = reader.object(sponsors, "leadSponsor", "sponsorCollaboratorsModule")

    brief_title = reader.text(ident, "briefTitle", "identificationModule")
    if ident.get("briefTitle") in (None, ""):
        reader.problems.insert(0, "the record has no brief title")
    overall = status.get("overallStatus")
    if overall not in OverallStatus.values:
        reader.problems.insert(0, f"the record has no known overall status ({overall!r})")
    phases = reader.texts(design, "phases", "designModule")
    unknown = [p for p in phases if p not in Phase.values]
    if unknown:
        reader.problems.append(f"unknown phase {', '.join(unknown)}")
    std_ages = reader.texts(eligibility, "stdAges", "eligibilityModule")
    unknown = [a for a in std_ages if a not in StdAge.values]
    if unknown:
        reader.problems.append(f"unknown age group {', '.join(unknown)}")

    start, start_type = reader.partial_date(status, "startDateStruct")
    primary, primary_type = reader.partial_date(status, "primaryCompletionDateStruct")
    last_update, _ = reader.partial_date(status, "lastUpdatePostDateStruct")
    return {
        "nct_id": nct_id,
        "brief_title": brief_title,
        "official_title": reader.text(ident, "officialTitle", "identificationModule"),
        "acronym": reader.text(ident, "acronym", "identificationModule"),
        "overall_status": overall if isinstance(overall, str) else "",
        "last_known_status": reader.text(status, "lastKnownStatus", "statusModule"),
        "why_stopped": reader.text(status, "whyStopped", "statusModule"),
        "brief_summary": reader.text(description, "briefSummary", "descriptionModule"),
        "phases": ",".join(phases),
        "study_type": reader.text(design, "studyType", "designModule"),
        "registry_conditions": "\n".join(
            reader.texts(conditions, "conditions", "conditionsModule")),
        "keywords": "\n".join(reader.texts(conditions, "keywords", "conditionsModule")),
        "eligibility_criteria": reader.text(eligibility, "eligibilityCriteria",
                                            "eligibilityModule"),
        "minimum_age": reader.text(eligibility, "minimumAge", "eligibilityModule"),
        "maximum_age": reader.text(eligibility, "maximumAge", "eligibilityModule"),
        "sex": reader.text(eligibility, "sex", "eligibilityModule") or Trial.Sex.ALL,
        "healthy_volunteers": reader.boolean(eligibility, "healthyVolunteers",
                                             "eligibilityModule"),
        "std_ages": ",".join(std_ages),
        "lead_sponsor": reader.text(sponsor, "name", "leadSponsor"),
        "start_date": start,
        "start_date_type": start_type,
        "primary_completion_date": primary,
        "primary_completion_date_type": primary_type,
        "last_update_posted": last_update,
    }


def study_children(reader, protocol):
    """Field values of a study's outcomes, interventions, contacts and registry sites."""
    outcomes = reader.object(protocol, "outcomesModule")
    arms = reader.object(protocol, "armsInterventionsModule")
    places = reader.object(protocol, "contactsLocationsModule")
    rows = {Outcome: [], Intervention: [], Contact: [], RegistrySite: []}
    for path, o in reader.objects(outcomes, "primaryOutcomes", "outcomesModule"):
        rows[Outcome].append({
            "measure": reader.text(o, "measure", path),
            "time_frame": reader.text(o, "timeFrame", path),
            "description": reader.text(o, "description", path),
        })
    for path, v in reader.objects(arms, "interventions", "armsInterventionsModule"):
        rows[Intervention].append({
            "type": reader.text(v, "type", path),
            "name": reader.text(v, "name", path),
            "description": reader.text(v, "description", path),
        })
    for path, c in reader.objects(places, "centralContacts", "contactsLocationsModule"):
        rows[Contact].append({
            "name": reader.text(c, "name", path), "role": reader.text(c, "role", path),
            "phone": reader.text(c, "phone", path),
            "phone_ext": reader.text(c, "phoneExt", path),
            "email": reader.text(c, "email", path),
        })
    for path, s in reader.objects(places, "locations", "contactsLocationsModule"):
        status = reader.text(s, "status", path)
        rows[RegistrySite].append({
            "facility": reader.text(s, "facility", path), "city": reader.text(s, "city", path),
            "state": reader.text(s, "state", path), "postal_code": reader.text(s, "zip", path),
            "country": reader.text(s, "country", path),
            "status": status if status in OverallStatus.values else "",
            "contacts": [reader.flat_object(contact, cpath)
                         for cpath, contact in reader.objects(s, "contacts", path)],
        })
    return rows


def study_rows(study):
    """How many child rows (outcomes, interventions, contacts, sites) a study would write."""
    protocol = study.get("protocolSection") if isinstance(study, dict) else None
    if not isinstance(protocol, dict):
        return 0
    lists = [("outcomesModule", "primaryOutcomes"), ("armsInterventionsModule", "interventions"),
             ("contactsLocationsModule", "centralContacts"),
             ("contactsLocationsModule", "locations")]
    rows = 0
    for module, key in lists:
        value = protocol.get(module)
        items = value.get(key) if isinstance(value, dict) else None
        rows += len(items) if isinstance(items, list) else 0
    return rows


# Where each child row comes from in the registry JSON, for messages.
CHILD_PATHS = {
    Outcome: "primaryOutcomes", Intervention: "interventions", Contact: "centralContacts",
    RegistrySite: "locations",
}


def kind(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def messages_of(error):
    return "; ".join(f"{field}: {' '.join(messages)}"
                     for field, messages in error.message_dict.items())


class StudyReader:
    """Reads values of an expected type from the study JSON, noting each problem found."""

    def __init__(self):
        self.problems = []

    def wrong(self, path, expected, value):
        self.problems.append(
            f"the record is malformed ({path}: expected {expected}, got {kind(value)})")

    def object(self, parent, key, path=None):
        value = parent.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.wrong(f"{path}.{key}" if path else key, "an object", value)
            return {}
        return value

    def text(self, parent, key, path):
        value = parent.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.wrong(f"{path}.{key}", "text", value)
            return ""
        if "\x00" in value:
            self.problems.append(f"{path}.{key} contains a NUL character")
            return ""
        return value

    def texts(self, parent, key, path):
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.wrong(f"{path}.{key}", "a list of text", value)
            return []
        if any("\x00" in item for item in value):
            self.problems.append(f"{path}.{key} contains a NUL character")
            return []
        return value

    def boolean(self, parent, key, path):
        value = parent.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.wrong(f"{path}.{key}", "true or false", value)
        return None

    def objects(self, parent, key, path):
        """(path, object) for each object of a list."""
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.wrong(f"{path}.{key}", "a list of objects", value)
            return []
        return [(f"{key}[{i}]", item) for i, item in enumerate(value)]

    def flat_object(self, value, path):
        """An object whose values are all text (a site contact), kept as it is."""
        for key in value:
            self.text(value, key, path)
        return value

    def partial_date(self, status, key):
        struct = self.object(status, key, "statusModule")
        return self.text(struct, "date", key), self.text(struct, "type", key)

    def check_models(self, fields, children):
        """The models' own validation: choices, lengths, dates, ages, email addresses."""
        try:
            Trial(**fields, source=Trial.Source.CTGOV).full_clean(
                exclude=["conditions", "care_sites", "coordinators"], validate_unique=False)
        except ValidationError as error:
            self.problems.append(f"the record does not fit ({messages_of(error)})")
        for model, rows in children.items():
            for i, row in enumerate(rows):
                try:
                    model(**row).full_clean(exclude=["trial"], validate_unique=False)
                except ValidationError as error:
                    self.problems.append(
                        f"the record does not fit ({CHILD_PATHS[model]}[{i}] "
                        f"{messages_of(error)})")

    def summary(self):
        shown = self.problems[:MAX_PROBLEMS]
        more = len(self.problems) - len(shown)
        return "; ".join(shown) + (f"; and {more} more problems" if more else "")
