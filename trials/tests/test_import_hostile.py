"""Study files of the wrong shape, wrong types and lookalike NCT numbers: each refused with a
clear message, each study all or nothing, never a 500 or a traceback, and a bounded amount of
work per request."""

import copy
import functools
import io
import json

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from trials.models import NCT_ID, Contact, ImportJob, Outcome, RegistrySite, Trial
from trials.registry import PoliteFetcher, TrialImportError, studies_from_json
from trials.services import trials_import
from trials.tests.factories import study_of

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/trials/trial/import/"
FULLWIDTH = "NCT\uff19\uff19\uff19\uff19\uff10\uff10\uff10\uff14"  # NCT99990004 in fullwidth
ARABIC_INDIC = "NCT\u0669\u0669\u0669\u0669\u0660\u0660\u0660\u0664"


GOOD = study_of("NCT00973089.json")  # small, valid
BASE = study_of("NCT03281889.json")  # has a central contact and two sites


def changed(study, module, key, value):
    study = copy.deepcopy(study)
    study["protocolSection"][module][key] = value
    return study


def deep_json(depth):
    return ("[" * depth + "]" * depth).encode()


def page(*studies):
    return json.dumps({"studies": list(studies)}).encode()


def assert_only_good_written():
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT00973089"]
    assert not Outcome.objects.exclude(trial__nct_id="NCT00973089").exists()
    assert not RegistrySite.objects.exclude(trial__nct_id="NCT00973089").exists()
    assert not Contact.objects.exists()


# A page with one good and one bad study ------------------------------------------------------

@pytest.mark.parametrize(("nct_id", "message"), [
    (123, "A study: the record has no valid NCT number "
          "(identificationModule.nctId: expected text, got a number)."),
    (["NCT03281889"], "A study: the record has no valid NCT number "
                      "(identificationModule.nctId: expected text, got a list)."),
    ({"id": "NCT03281889"}, "A study: the record has no valid NCT number "
                            "(identificationModule.nctId: expected text, got an object)."),
    (FULLWIDTH, f"{FULLWIDTH}: the record has no valid NCT number (NCT followed by 8 "
                "digits 0-9)."),
    (ARABIC_INDIC, f"{ARABIC_INDIC}: the record has no valid NCT number (NCT followed by 8 "
                   "digits 0-9)."),
    ("NCT03281889\n", "A study: the record has no valid NCT number (NCT followed by 8 digits "
                      "0-9)."),
])
def test_a_bad_nct_number_in_a_page_is_reported_and_the_good_study_imported(nct_id, message):
    bad = changed(BASE, "identificationModule", "nctId", nct_id)
    result = trials_import(studies=studies_from_json(page(GOOD, bad)))
    assert [t.nct_id for t in result.created] == ["NCT00973089"]
    label = nct_id if isinstance(nct_id, str) and nct_id.isprintable() else (
        "a study without an NCT number")
    assert result.failed == [(label, message)]
    assert result.failure_lines() == [message]
    assert_only_good_written()


def test_the_command_imports_the_good_study_and_names_the_bad_one(tmp_path):
    path = tmp_path / "page.json"
    path.write_bytes(page(GOOD, changed(BASE, "identificationModule", "nctId", 123)))
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_trials", "--file", str(path), stdout=out)
    assert str(error.value) == ("A study: the record has no valid NCT number "
                                "(identificationModule.nctId: expected text, got a number).")
    assert out.getvalue().splitlines()[-1] == "created: 1, updated: 0, failed: 1"
    assert_only_good_written()


def test_the_import_page_imports_the_good_study_and_names_the_bad_one(client_a):
    bad = changed(BASE, "identificationModule", "nctId", ["NCT03281889"])
    response = client_a.post(IMPORT_URL, {"file": SimpleUploadedFile("p.json", page(GOOD, bad))},
                             follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "[1/2] NCT00973089: created" in html
    assert "[2/2] a study without an NCT number: failed: A study: the record has no valid" in html
    assert response.context["job"].errors == [
        "A study: the record has no valid NCT number "
        "(identificationModule.nctId: expected text, got a list)."]
    assert_only_good_written()


# Deep nesting ---------------------------------------------------------------------------------

def test_json_nested_100000_deep_is_refused_clearly():
    with pytest.raises(TrialImportError) as error:
        studies_from_json(deep_json(100_000))
    assert str(error.value) == (
        "The response is nested too deeply to be a ClinicalTrials.gov study.")


def test_the_import_page_refuses_deep_json_as_a_form_error(client_a):
    response = client_a.post(IMPORT_URL, {
        "file": SimpleUploadedFile("deep.json", b'{"studies": ' + deep_json(100_000) + b"}")})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The response is nested too deeply to be a ClinicalTrials.gov study."]
    assert Trial.objects.count() == 0


# Wrong types and impossible values: refused, never stringified ----------------------------------

@pytest.mark.parametrize(("module", "key", "value", "message"), [
    ("identificationModule", "briefTitle", {"a": 1},
     "the record is malformed (identificationModule.briefTitle: expected text, got an object)"),
    ("identificationModule", "acronym", 7,
     "the record is malformed (identificationModule.acronym: expected text, got a number)"),
    ("eligibilityModule", "stdAges", "CHILD",
     "the record is malformed (eligibilityModule.stdAges: expected a list of text, got text)"),
    ("eligibilityModule", "stdAges", ["KIDS"], "unknown age group KIDS"),
    ("conditionsModule", "conditions", "Brain Tumor",
     "the record is malformed (conditionsModule.conditions: expected a list of text, got text)"),
    ("conditionsModule", "keywords", [["nested"]],
     "the record is malformed (conditionsModule.keywords: expected a list of text, got a list)"),
    ("designModule", "phases", "PHASE2",
     "the record is malformed (designModule.phases: expected a list of text, got text)"),
    ("eligibilityModule", "healthyVolunteers", "No",
     "the record is malformed (eligibilityModule.healthyVolunteers: expected true or false, "
     "got text)"),
    ("statusModule", "startDateStruct", {"date": "2020-13-45"},
     "the record does not fit (start_date: 2020-13-45 is not a date that exists.)"),
    ("statusModule", "primaryCompletionDateStruct", {"date": "2021-02-30", "type": "ACTUAL"},
     "the record does not fit (primary_completion_date: 2021-02-30 is not a date that exists.)"),
    ("statusModule", "startDateStruct", {"date": "\uff12\uff10\uff12\uff10-01"},
     "the record does not fit (start_date: Use YYYY, YYYY-MM or YYYY-MM-DD.)"),
    ("identificationModule", "briefTitle", "A title\x00with a NUL",
     "identificationModule.briefTitle contains a NUL character"),
    ("descriptionModule", "briefSummary", "\x00",
     "descriptionModule.briefSummary contains a NUL character"),
    ("conditionsModule", "conditions", ["Brain\x00Tumor"],
     "conditionsModule.conditions contains a NUL character"),
    ("identificationModule", "acronym", "A" * 101,
     "the record does not fit (acronym: Ensure this value has at most 100 characters "
     "(it has 101).)"),
])
def test_a_value_of_the_wrong_type_or_impossible_is_refused(module, key, value, message):
    bad = changed(BASE, module, key, value)
    result = trials_import(studies=[GOOD, bad])
    assert result.failed == [("NCT03281889", f"NCT03281889: {message}.")]
    assert_only_good_written()


def contacts_changed(**contact):
    study = copy.deepcopy(BASE)
    study["protocolSection"]["contactsLocationsModule"]["centralContacts"][0].update(contact)
    return study


@pytest.mark.parametrize(("contact", "message"), [
    ({"email": "not an address"}, "the record does not fit (centralContacts[0] email: "
                                  "Enter a valid email address.)"),
    ({"email": "a@b.c" + "x" * 300}, "the record does not fit (centralContacts[0] email: "),
    ({"phone": 6176437250}, "the record is malformed "
                            "(centralContacts[0].phone: expected text, got a number)"),
    ({"name": "Dr\x00Who"}, "centralContacts[0].name contains a NUL character"),
])
def test_contacts_are_validated_as_the_admin_validates_them(contact, message):
    result = trials_import(studies=[GOOD, contacts_changed(**contact)])
    [(label, text)] = result.failed
    assert label == "NCT03281889"
    assert text.startswith(f"NCT03281889: {message}")
    assert_only_good_written()


def test_what_the_importer_writes_the_admin_can_save_again(client_a):
    """Every contact written by an import passes the admin's own validation."""
    result = trials_import(studies=[BASE])
    [trial] = result.created
    for contact in Contact.objects.filter(trial=trial):
        contact.full_clean()
    assert trial.central_contacts.count() == 1


@pytest.mark.parametrize(("locations", "message"), [
    ("Boston", "the record is malformed (contactsLocationsModule.locations: expected a list of "
               "objects, got text)"),
    ([{"facility": "A", "contacts": [{"name": {"first": "A"}}]}],
     "the record is malformed (contacts[0].name: expected text, got an object)"),
    ([{"facility": "A", "contacts": "nobody"}],
     "the record is malformed (locations[0].contacts: expected a list of objects, got text)"),
])
def test_registry_sites_of_the_wrong_shape_are_refused(locations, message):
    bad = changed(BASE, "contactsLocationsModule", "locations", locations)
    result = trials_import(studies=[GOOD, bad])
    assert result.failed == [("NCT03281889", f"NCT03281889: {message}.")]
    assert_only_good_written()


def test_every_problem_of_a_study_is_reported_at_once():
    bad = changed(BASE, "identificationModule", "briefTitle", {"a": 1})
    bad["protocolSection"]["eligibilityModule"]["stdAges"] = "CHILD"
    bad["protocolSection"]["statusModule"]["startDateStruct"] = "2020"
    result = trials_import(studies=[bad])
    [(_, message)] = result.failed
    assert message == (
        "NCT03281889: the record is malformed (identificationModule.briefTitle: expected text, "
        "got an object); the record is malformed (eligibilityModule.stdAges: expected a list "
        "of text, got text); the record is malformed (statusModule.startDateStruct: expected "
        "an object, got text).")
    assert not Trial.objects.exists()


def test_a_refused_refresh_leaves_the_trial_as_it_was():
    [trial] = trials_import(studies=[BASE]).created
    before = Trial.objects.values().get(pk=trial.pk)
    result = trials_import(studies=[contacts_changed(email="nobody-at-example")])
    assert result.failed[0][0] == "NCT03281889"
    assert Trial.objects.values().get(pk=trial.pk) == before
    assert list(trial.central_contacts.values_list("email", flat=True)) == [
        "smacdonald@mgh.harvard.edu"]


# NCT numbers are NCT and eight ASCII digits, everywhere ----------------------------------------

@pytest.mark.parametrize("value", [FULLWIDTH, ARABIC_INDIC, "NCT03281889\n", "NCT0328188\uff19"])
def test_the_model_refuses_lookalike_nct_numbers(value):
    trial = Trial(nct_id=value, brief_title="Lookalike", overall_status="RECRUITING")
    with pytest.raises(ValidationError) as error:
        trial.full_clean()
    assert "An NCT number is NCT followed by 8 digits." in error.value.message_dict["nct_id"]
    with pytest.raises(ValidationError):
        NCT_ID(value)


@pytest.mark.parametrize("value", [FULLWIDTH, ARABIC_INDIC])
def test_the_trial_url_does_not_answer_to_lookalike_digits(client, value):
    Trial.objects.create(nct_id=value, brief_title="Lookalike", overall_status="RECRUITING",
                         status=Trial.Status.PUBLISHED)  # written past validation
    assert client.get(f"/trials/{value}/").status_code == 404


@pytest.mark.parametrize("value", [FULLWIDTH, ARABIC_INDIC, f"NCT03281889 {FULLWIDTH}"])
def test_the_import_box_refuses_lookalike_digits_clearly(client_a, value, monkeypatch):
    fetched = []
    monkeypatch.setattr("trials.registry.urllib.request.urlopen",
                        lambda *args, **kwargs: fetched.append(args))
    response = client_a.post(IMPORT_URL, {"nct_ids": value})
    assert response.status_code == 200
    [message] = response.context["form"].errors["nct_ids"]
    assert message.startswith("Not an NCT number: NCT")
    assert message.endswith("Use NCT followed by 8 digits. Type the digits 0 to 9.")
    assert fetched == []
    assert Trial.objects.count() == 0


def test_the_command_refuses_lookalike_digits():
    with pytest.raises(CommandError, match="Not an NCT number"):
        call_command("import_trials", FULLWIDTH, stdout=io.StringIO())


def test_the_trial_finder_search_answers_lookalike_digits(client):
    response = client.get("/trials/", {"q": FULLWIDTH})
    assert response.status_code == 200


# What one import job may hold ----------------------------------------------------------------

def numbered(count):
    studies = []
    for i in range(count):
        study = copy.deepcopy(GOOD)
        study["protocolSection"]["identificationModule"]["nctId"] = f"NCT8{i:07d}"
        studies.append(study)
    return studies


def test_the_import_page_refuses_a_file_of_more_than_2000_studies(client_a):
    response = client_a.post(IMPORT_URL, {
        "file": SimpleUploadedFile("many.json", page(*numbered(2001)))})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "This file holds 2,001 studies: import at most 2,000 at a time here. Split the file, "
        "or run the import_trials command, which has no limit."]
    assert Trial.objects.count() == 0
    assert ImportJob.objects.count() == 0


def test_the_import_page_queues_a_job_of_2000_studies(client_a, task_queue):
    response = client_a.post(IMPORT_URL, {
        "file": SimpleUploadedFile("many.json", page(*numbered(2000)))})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:trials_importjob_change", args=[job.pk])
    assert (job.status, job.total, len(studies_from_json(job.upload))) == ("queued", 2000, 2000)
    assert Trial.objects.count() == 0  # the worker imports them, not the request


def test_a_file_and_nct_numbers_together_count_towards_the_limit(client_a, monkeypatch):
    fetched = []
    monkeypatch.setattr("trials.registry.urllib.request.urlopen",
                        lambda *args, **kwargs: fetched.append(args))
    numbers = " ".join(f"NCT7{i:07d}" for i in range(11))
    response = client_a.post(IMPORT_URL, {
        "file": SimpleUploadedFile("many.json", page(*numbered(1990))), "nct_ids": numbers})
    assert response.context["form"].errors["__all__"] == [
        "Import at most 2,000 studies at a time: this file holds 1990 and you typed 11 NCT "
        "numbers."]
    assert fetched == []
    assert Trial.objects.count() == 0
    assert ImportJob.objects.count() == 0


def test_the_import_box_takes_at_most_2000_characters(client_a):
    response = client_a.post(IMPORT_URL, {"nct_ids": " ".join(["NCT03281889"] * 200)})
    assert response.context["form"].errors["nct_ids"] == [
        "Ensure this value has at most 2000 characters (it has 2399)."]


def test_the_refresh_action_refuses_more_than_2000_trials(admin_client, monkeypatch):
    fetched = []
    monkeypatch.setattr("trials.registry.urllib.request.urlopen",
                        lambda *args, **kwargs: fetched.append(args))
    trials = Trial.objects.bulk_create(
        Trial(nct_id=f"NCT8{i:07d}", brief_title=f"T{i}", overall_status="RECRUITING")
        for i in range(2001))
    response = admin_client.post(reverse("admin:trials_trial_changelist"), {
        "action": "refresh_from_registry", "select_across": "1",  # "select all 2,001"
        "_selected_action": [trials[0].pk]})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Refresh at most 2,000 trials at a time: select fewer and run the action again."]
    assert fetched == []
    assert ImportJob.objects.count() == 0


def test_the_command_has_no_such_limit(tmp_path):
    path = tmp_path / "many.json"
    path.write_bytes(page(*numbered(60)))
    out = io.StringIO()
    call_command("import_trials", "--file", str(path), stdout=out)
    assert out.getvalue().splitlines()[-1] == "created: 60, updated: 0, failed: 0"
    assert Trial.objects.count() == 60


def test_an_import_job_fetches_every_number_politely(client_a, monkeypatch):
    """No time limit in a job (a worker runs it), but at most 3 requests a second."""
    clock = [1000.0]
    fetched = []

    def fetch(*, nct_id, timeout=None):
        fetched.append((nct_id, clock[0]))
        raise TrialImportError(f"ClinicalTrials.gov has no study {nct_id}.", status=404)

    def sleep(seconds):
        clock[0] += seconds

    monkeypatch.setattr("trials.services.PoliteFetcher", functools.partial(
        PoliteFetcher, clock=lambda: clock[0], sleep=sleep, fetch=fetch))
    response = client_a.post(IMPORT_URL, {"nct_ids": "NCT00000001 NCT00000002 NCT00000003"},
                             follow=True)

    assert response.status_code == 200
    assert [nct_id for nct_id, _ in fetched] == ["NCT00000001", "NCT00000002", "NCT00000003"]
    assert [round(at - 1000.0, 3) for _, at in fetched] == [0, 0.333, 0.667]
    assert "[3/3] NCT00000003: failed: ClinicalTrials.gov has no study" in (
        response.content.decode())


def test_the_import_page_refuses_a_file_listing_more_than_200000_rows(client_a):
    study = copy.deepcopy(GOOD)
    study["protocolSection"]["contactsLocationsModule"]["locations"] = [{}] * 200_000
    response = client_a.post(IMPORT_URL, {"file": SimpleUploadedFile("big.json", page(study))})
    assert response.context["form"].errors["file"] == [
        "This file lists 200,002 outcomes, interventions, contacts and locations: import at "
        "most 200,000 at a time here. Split the file, or run the import_trials command, which "
        "has no limit."]
    assert Trial.objects.count() == 0
