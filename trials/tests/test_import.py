"""The ClinicalTrials.gov importer: mapping real API v2 records, refusals, upserts,
permissions, transactions and the import_trials command."""

import copy
import datetime
import io
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.utils import timezone
from reversion.models import Version

from care_sites.models import CareSite
from conditions.models import Condition
from portal import roles
from portal.cache import content_version
from portal.tests.support import staff_user
from trials.forms import TrialImportForm
from trials.models import (
    Contact,
    Intervention,
    Outcome,
    OverallStatus,
    RegistrySite,
    StatusGroup,
    Trial,
)
from trials.registry import TrialImportError, studies_from_json
from trials.services import trial_import, trials_import
from trials.tests.factories import STUDY_FILES, study_file, study_of

pytestmark = pytest.mark.django_db

FIXTURES = STUDY_FILES
CLASSIC = FIXTURES / "classic-api-NCT04780763.json"
STUDY_FILES = ["NCT00973089.json", "NCT03281889.json", "NCT04431453.json",
               "NCT06388018.json", "search_page.json"]


def import_file(name, **kwargs):
    return trials_import(studies=studies_from_json((FIXTURES / name).read_bytes()), **kwargs)


def protocol(study):
    return study["protocolSection"]


def outcomes_of(trial):
    return [(o.measure, o.time_frame, o.description) for o in trial.primary_outcomes.all()]


def file_outcomes(study):
    return [(o["measure"], o["timeFrame"], o.get("description", ""))
            for o in protocol(study)["outcomesModule"]["primaryOutcomes"]]


def sites_of(trial):
    return [(s.facility, s.city, s.state, s.postal_code, s.country, s.status, s.contacts)
            for s in trial.registry_sites.all()]


def file_sites(study):
    return [(s["facility"], s["city"], s.get("state", ""), s.get("zip", ""), s["country"],
             s.get("status", ""), s.get("contacts", []))
            for s in protocol(study)["contactsLocationsModule"]["locations"]]


def assert_imported_from_registry(trial, before):
    assert trial.source == Trial.Source.CTGOV
    assert before <= trial.last_synced_at <= timezone.now()


# 1. Every real record, mapped field by field ------------------------------------------------

def test_withdrawn_bare_study_nct00973089_is_mapped():
    before = timezone.now()
    result = import_file("NCT00973089.json")

    trial = Trial.objects.get()
    assert result.created == [trial]
    assert (result.updated, result.failed) == ([], [])
    assert trial.nct_id == "NCT00973089"
    assert trial.brief_title == ("Alternative Treatment of Deep Carious Lesions Based on "
                                 "Biological Evidences")
    assert trial.official_title == trial.brief_title
    assert trial.acronym == ""
    assert trial.overall_status == OverallStatus.WITHDRAWN
    assert trial.why_stopped == ("recruiting or enrolling participants has halted prematurely "
                                 "and will not resume")
    assert trial.status_group == StatusGroup.CLOSED
    assert not trial.is_open
    assert trial.phases == "NA"
    assert trial.phase_display == "Not Applicable"
    assert trial.study_type == Trial.StudyType.INTERVENTIONAL
    assert (trial.minimum_age, trial.maximum_age) == ("5 Years", "8 Years")
    assert (trial.minimum_age_years, trial.maximum_age_years) == (5.0, 8.0)
    assert trial.sex == Trial.Sex.ALL
    assert trial.healthy_volunteers is True
    assert trial.std_ages == "CHILD"
    assert trial.lead_sponsor == "Hadassah Medical Organization"
    # The record has a month-only start date without a type: both kept as they are.
    assert (trial.start_date, trial.start_date_type) == ("2010-05", "")
    assert (trial.primary_completion_date, trial.primary_completion_date_type) == (
        "2015-03", "ACTUAL")
    assert trial.last_update_posted == "2015-08-19"
    assert trial.registry_conditions == "Caries, Dental"
    assert trial.keywords == "Primary tooth\nCaries, Dental\nAlternative treatment"
    assert trial.brief_summary.startswith("The purpose of this study is to evaluate")
    assert trial.brief_summary_html.startswith("<p>The purpose of this study is to evaluate")
    assert trial.eligibility_criteria == (
        protocol(study_of("NCT00973089.json"))["eligibilityModule"]["eligibilityCriteria"])
    html = trial.eligibility_criteria_html
    assert html.startswith("<p>Inclusion Criteria:</p>\n<ul>\n<li>Healthy children</li>")
    assert "<li>Clinical or radiographic signs of pathology</li>" in html
    assert outcomes_of(trial) == [(
        "The success of the alternative treatment of the deep carious lesion.",
        "Half annually for three years", "")]
    assert [(i.type, i.name) for i in trial.interventions.all()] == [
        ("OTHER", "Incomplete caries removal in primary teeth")]
    assert trial.interventions.get().description.startswith("Comparison between the success")
    assert trial.central_contacts.count() == 0
    # A site in Israel: no state, no postal code, no status, no contacts.
    assert sites_of(trial) == [
        ("Hadassah Medical Organization", "Jerusalem", "", "", "Israel", "", [])]
    assert trial.status == Trial.Status.DRAFT
    assert not Trial.objects.published().exists()
    assert trial.coordinators.count() == 0
    assert_imported_from_registry(trial, before)


def test_recruiting_page_nct03281889_is_mapped():
    before = timezone.now()
    study = study_of("NCT03281889.json")
    result = import_file("NCT03281889.json")

    trial = Trial.objects.get()
    assert [t.nct_id for t in result.created] == ["NCT03281889"]
    assert trial.brief_title == ("Proton Craniospinal Irradiation With Bone Sparing to Decrease "
                                 "Growth Decrement From Radiation")
    assert trial.official_title.startswith("Craniospinal Irradiation Using Proton Beam Scanning")
    assert trial.official_title.endswith("Decrease Growth Decrement for Children")
    assert trial.acronym == ""
    assert trial.overall_status == OverallStatus.RECRUITING
    assert trial.status_group == StatusGroup.OPEN
    assert trial.is_open
    assert trial.why_stopped == ""
    assert (trial.phases, trial.phase_display) == ("NA", "Not Applicable")
    assert trial.study_type == "INTERVENTIONAL"
    assert (trial.minimum_age, trial.maximum_age) == ("3 Years", "18 Years")
    assert (trial.minimum_age_years, trial.maximum_age_years) == (3.0, 18.0)
    assert trial.age_display == "3 years to 18 years"
    assert list(Trial.objects.for_age(5)) == [trial]
    assert list(Trial.objects.for_age(2)) == []
    assert list(Trial.objects.for_age(19)) == []
    assert trial.sex == "ALL"
    assert trial.healthy_volunteers is False
    assert trial.std_ages == "CHILD,ADULT"
    assert trial.lead_sponsor == "Massachusetts General Hospital"
    assert (trial.start_date, trial.start_date_type) == ("2018-01-04", "ACTUAL")
    assert (trial.primary_completion_date, trial.primary_completion_date_type) == (
        "2022-03-31", "ESTIMATED")
    assert trial.last_update_posted == "2021-01-05"
    assert trial.registry_conditions == "Brain Tumor"
    assert trial.keywords == "Brain Tumor"
    # "\>" in the registry's Markdown is an escaped ">": rendered as &gt;, no backslash left.
    assert "HGB of \\> 10 g/L" in trial.eligibility_criteria
    html = trial.eligibility_criteria_html
    assert "<li>HGB of &gt; 10 g/L and PLT count &gt; 80 K/uL</li>" in html
    assert "Any prior therapeutic radiation therapy &gt; 500 cGy" in html
    assert "\\" not in html
    assert "<li>Age ≥ 3 years and ≤ 18 years at the time of registration</li>" in html
    assert len(outcomes_of(trial)) == 1
    assert outcomes_of(trial) == file_outcomes(study)
    assert trial.primary_outcomes.get().time_frame == "3 months"
    assert [(i.type, i.name) for i in trial.interventions.all()] == [("RADIATION", "Proton Beam")]
    assert [(c.name, c.role, c.phone, c.phone_ext, c.email)
            for c in trial.central_contacts.all()] == [
        ("Shannon MacDonald, MD", "CONTACT", "617-643-7250", "", "smacdonald@mgh.harvard.edu")]
    assert sites_of(trial) == file_sites(study)
    assert sites_of(trial) == [
        ("Massachusetts General Hospital", "Boston", "Massachusetts", "02214", "United States",
         "RECRUITING",
         [{"name": "Shannon MacDonald, MD", "role": "CONTACT", "phone": "617-643-7250",
           "email": "smacdonald@mgh.harvard.edu"},
          {"name": "Shannon MacDonald, MD", "role": "PRINCIPAL_INVESTIGATOR"}]),
        ("MD Anderson Cancer Center", "Houston", "Texas", "77030", "United States", "RECRUITING",
         [{"name": "Susan McGovern, MD", "role": "CONTACT", "email": "slmcgove@mdanderson.org"},
          {"name": "Susan McGovern, MD", "role": "PRINCIPAL_INVESTIGATOR"}]),
    ]
    assert trial.status == Trial.Status.DRAFT
    assert_imported_from_registry(trial, before)


def test_completed_phase_2_3_nct04431453_is_mapped():
    before = timezone.now()
    study = study_of("NCT04431453.json")
    result = import_file("NCT04431453.json")

    trial = Trial.objects.get()
    assert result.created == [trial]
    assert trial.nct_id == "NCT04431453"
    assert trial.brief_title == ("Study of Remdesivir in Participants Below 18 Years Old With "
                                 "COVID-19")
    assert trial.official_title.startswith("A Phase 2/3 Single-Arm, Open-Label Study")
    assert trial.acronym == "CARAVAN"
    assert trial.overall_status == OverallStatus.COMPLETED
    assert trial.status_group == StatusGroup.CLOSED
    assert trial.phases == "PHASE2,PHASE3"
    assert trial.phase_list == ["PHASE2", "PHASE3"]
    assert trial.phase_display == "Phase 2/3"
    assert list(Trial.objects.with_phase("PHASE3")) == [trial]
    assert list(Trial.objects.with_phase("PHASE2")) == [trial]
    assert list(Trial.objects.with_phase("PHASE1")) == []
    assert trial.study_type == "INTERVENTIONAL"
    # Only a maximum age: no lower limit.
    assert (trial.minimum_age, trial.maximum_age) == ("", "18 Years")
    assert trial.minimum_age_years is None
    assert trial.maximum_age_years == 18.0
    assert trial.age_display == "Up to 18 years"
    assert list(Trial.objects.for_age(0)) == [trial]
    assert trial.sex == "ALL"
    assert trial.healthy_volunteers is False
    assert trial.std_ages == "CHILD,ADULT"
    assert trial.lead_sponsor == "Gilead Sciences"
    assert (trial.start_date, trial.start_date_type) == ("2020-07-21", "ACTUAL")
    assert (trial.primary_completion_date, trial.primary_completion_date_type) == (
        "2023-02-10", "ACTUAL")
    assert trial.last_update_posted == "2023-12-22"
    assert trial.registry_conditions == "COVID-19"
    assert trial.keywords == ""
    html = trial.eligibility_criteria_html
    assert html.startswith("<p>Key Inclusion Criteria:</p>")
    assert "<p>Key Exclusion Criteria:</p>" in html
    assert "gestational age &gt; 37 weeks" in html
    assert "(ALT) or aspartate aminotransferase (AST) &gt; 5 X upper limit" in html
    outcomes = outcomes_of(trial)
    assert len(outcomes) == 4
    assert outcomes == file_outcomes(study)
    assert outcomes[0][:2] == (
        "Percentage of Participants With Treatment-Emergent Adverse Events (TEAEs)",
        "From first dose date (Day 1) up to follow-up assessment (maximum duration: 30 days)")
    assert [(i.type, i.name, i.description) for i in trial.interventions.all()] == [
        ("DRUG", "Remdesivir", "Administered as an intravenous infusion")]
    assert trial.central_contacts.count() == 0
    sites = sites_of(trial)
    assert len(sites) == 32
    assert sites == file_sites(study)
    assert sites[0] == ("Children's Hospital of Alabama", "Birmingham", "Alabama", "35233",
                        "United States", "", [])
    # Outside the US: no state; a closed study has no per-site status.
    assert sites[-1] == ("Alder Hey Children's NHS Foundation Trust", "Liverpool", "",
                         "L12 2AP", "United Kingdom", "", [])
    assert [s.order for s in trial.registry_sites.all()] == list(range(32))
    assert {s[4] for s in sites} == {"United States", "Italy", "Spain", "United Kingdom"}
    assert trial.status == Trial.Status.DRAFT
    assert_imported_from_registry(trial, before)


def test_nct04431453_criteria_escapes_leave_no_backslash():
    import_file("NCT04431453.json")

    trial = Trial.objects.get()
    assert "Aged \\< 18 years" in trial.eligibility_criteria
    html = trial.eligibility_criteria_html
    assert "Aged &lt; 18 years of age" in html
    assert "1.73m^2 using Schwartz formula" in html
    assert "\\" not in html


def test_recruiting_phase_2_nct06388018_is_mapped():
    before = timezone.now()
    study = study_of("NCT06388018.json")
    result = import_file("NCT06388018.json")

    trial = Trial.objects.get()
    assert result.created == [trial]
    assert trial.nct_id == "NCT06388018"
    assert trial.brief_title == ("Tailoring Therapy in Post-surgical Patients With Low-risk "
                                 "Endometrial Cancer")
    assert trial.official_title == (
        "A Phase II Study of Tailored Adjuvant Therapy in Pole-Mutated and p53-Wildtype/NSMP "
        "Early-Stage Endometrial Cancer (RAINBO BLUE &Amp; TAPER)")
    assert trial.acronym == ""
    assert trial.overall_status == "RECRUITING"
    assert trial.status_group == StatusGroup.OPEN
    assert (trial.phases, trial.phase_display) == ("PHASE2", "Phase 2")
    assert trial.study_type == "INTERVENTIONAL"
    assert (trial.minimum_age, trial.maximum_age) == ("18 Years", "")
    assert (trial.minimum_age_years, trial.maximum_age_years) == (18.0, None)
    assert trial.age_display == "18 years and older"
    assert trial.sex == Trial.Sex.FEMALE
    assert trial.healthy_volunteers is False
    assert trial.std_ages == "ADULT,OLDER_ADULT"
    assert trial.lead_sponsor == "NRG Oncology"
    assert (trial.start_date, trial.start_date_type) == ("2025-01-16", "ESTIMATED")
    assert (trial.primary_completion_date, trial.primary_completion_date_type) == (
        "2027-01-16", "ESTIMATED")
    assert trial.last_update_posted == "2024-07-15"
    assert trial.condition_list() == [
        "Stage I Uterine Corpus Endometrial Stromal Sarcoma AJCC v8",
        "Stage II Uterine Corpus Endometrial Stromal Sarcoma AJCC v8",
        "Stage III Uterine Corpus Endometrial Stromal Sarcoma AJCC v8",
    ]
    assert trial.keywords == ""
    html = trial.eligibility_criteria_html
    assert "<li>Patients' age must be &gt;= 18 years</li>" in html
    assert "\\" not in html
    outcomes = outcomes_of(trial)
    assert len(outcomes) == 13
    assert outcomes == file_outcomes(study)
    assert outcomes[0][:2] == (
        "Time to pelvic recurrence",
        "Time from enrollment to the time of recurrent disease within the pelvis (including the "
        "vagina), assessed up to 2 years")
    assert outcomes[-1][:2] == ("Variability in adjuvant treatment", "Up to 2 years")
    assert [o.order for o in trial.primary_outcomes.all()] == list(range(13))
    assert [(i.type, i.name) for i in trial.interventions.all()] == [
        ("OTHER", "Clinical Observation"),
        ("PROCEDURE", "Computed Tomography"),
        ("RADIATION", "External Beam Radiation Therapy"),
        ("PROCEDURE", "High-Dose-Rate Vaginal Brachytherapy"),
        ("PROCEDURE", "Magnetic Resonance Imaging"),
        ("PROCEDURE", "Positron Emission Tomography"),
        ("OTHER", "Questionnaire Administration"),
        ("PROCEDURE", "X-Ray Imaging"),
    ]
    assert trial.central_contacts.count() == 0
    assert sites_of(trial) == [(
        "Women and Infants Hospital", "Providence", "Rhode Island", "02905", "United States",
        "RECRUITING",
        [{"name": "Site Public Contact", "role": "CONTACT", "phone": "401-274-1122"},
         {"name": "Matthew T. Oliver", "role": "PRINCIPAL_INVESTIGATOR"}],
    )]
    assert trial.status == Trial.Status.DRAFT
    assert_imported_from_registry(trial, before)


def test_search_page_partial_studies_all_import_with_empty_missing_fields():
    before = timezone.now()
    result = import_file("search_page.json")

    assert result.failed == []
    assert result.updated == []
    assert [t.nct_id for t in result.created] == ["NCT06970236", "NCT04114136", "NCT04318717"]
    assert Trial.objects.count() == 3
    rows = {t.nct_id: t for t in Trial.objects.all()}
    ocular = rows["NCT06970236"]
    assert ocular.brief_title == "Resistance Exercise in Patients With Ocular Melanoma"
    assert ocular.lead_sponsor == "University of Valencia"
    assert ocular.registry_conditions == "Ocular Melanoma"
    assert ocular.brief_summary.startswith("Choroidal melanoma (CM) is one of the most common")
    assert [(i.type, i.name) for i in ocular.interventions.all()] == [("", "Exercise")]
    assert [(i.type, i.name) for i in rows["NCT04114136"].interventions.all()] == [
        ("", "Nivolumab or Pembrolizumab (dependent upon approved indication)"),
        ("", "Metformin"), ("", "Rosiglitazone")]
    assert rows["NCT04114136"].condition_list()[:2] == ["Melanoma", "NSCLC"]
    assert len(rows["NCT04114136"].condition_list()) == 8
    assert [(t.phases, t.minimum_age, t.minimum_age_years, t.start_date)
            for t in (rows["NCT06970236"], rows["NCT04114136"], rows["NCT04318717"])] == [
        ("NA", "18 Years", 18.0, "2025-02-01"),
        ("PHASE2", "18 Years", 18.0, "2020-09-14"),
        ("PHASE2", "16 Years", 16.0, "2020-05-29"),
    ]
    for trial in rows.values():
        # Fields the page left out are empty, not invented.
        assert trial.overall_status == "RECRUITING"
        assert trial.status_group == StatusGroup.OPEN
        assert trial.study_type == "INTERVENTIONAL"
        assert (trial.official_title, trial.acronym, trial.keywords) == ("", "", "")
        assert (trial.maximum_age, trial.maximum_age_years) == ("", None)
        assert trial.start_date_type == ""
        assert (trial.primary_completion_date, trial.last_update_posted) == ("", "")
        assert trial.sex == Trial.Sex.ALL
        assert trial.healthy_volunteers is None
        assert trial.std_ages == ""
        assert (trial.eligibility_criteria, trial.eligibility_criteria_html) == ("", "")
        assert trial.primary_outcomes.count() == 0
        assert trial.central_contacts.count() == 0
        assert trial.registry_sites.count() == 0
        assert trial.status == Trial.Status.DRAFT
        assert_imported_from_registry(trial, before)


@pytest.mark.parametrize("name", STUDY_FILES)
def test_every_fixture_file_imports_every_study_it_holds(name):
    data = study_file(name)
    expected = [s["protocolSection"]["identificationModule"]["nctId"]
                for s in data.get("studies", [data])]
    result = import_file(name)
    assert [t.nct_id for t in result.created] == expected
    assert result.failed == []
    assert sorted(Trial.objects.values_list("nct_id", flat=True)) == sorted(expected)
    assert set(Trial.objects.values_list("source", flat=True)) == {"ctgov"}
    assert set(Trial.objects.values_list("status", flat=True)) == {"draft"}


# 2. Refusals: one clear message each, nothing written ---------------------------------------

def test_classic_format_is_refused_and_nothing_is_written():
    import_file("NCT03281889.json")
    count = Trial.objects.count()
    with pytest.raises(TrialImportError) as error:
        studies_from_json(CLASSIC.read_bytes())
    message = str(error.value)
    assert "retired classic ClinicalTrials.gov format" in message
    assert "/api/v2/studies/" in message
    assert "\n" not in message
    assert Trial.objects.count() == count == 1
    assert not Trial.objects.filter(nct_id="NCT04780763").exists()


def test_import_form_refuses_classic_upload_and_accepts_a_v2_file():
    classic = TrialImportForm(
        data={"nct_ids": ""},
        files={"file": SimpleUploadedFile("classic.json", CLASSIC.read_bytes())},
    )
    assert not classic.is_valid()
    assert "retired classic ClinicalTrials.gov format" in classic.errors["file"][0]
    good = TrialImportForm(
        data={"nct_ids": ""},
        files={"file": SimpleUploadedFile("s.json", (FIXTURES / "NCT04431453.json").read_bytes())},
    )
    assert good.is_valid(), good.errors
    assert [s["protocolSection"]["identificationModule"]["nctId"]
            for s in good.cleaned_data["file"]] == ["NCT04431453"]
    assert Trial.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"foo": 1}', "This is not a ClinicalTrials.gov API v2 study or page of studies."),
        (b"[1, 2]", "This is not a ClinicalTrials.gov API v2 study or page of studies."),
        (b'{"studies": "NCT03281889"}',
         "This is not a ClinicalTrials.gov API v2 study or page of studies."),
        (b"not json{", "The response is not valid JSON."),
        (b"", "The response is not valid JSON."),
        (b'{"studies": [\x80\xff]}', "The response is not valid JSON."),
    ],
)
def test_what_is_not_a_v2_response_is_refused(body, message):
    with pytest.raises(TrialImportError) as error:
        studies_from_json(body)
    assert str(error.value) == message
    assert Trial.objects.count() == 0


def without(study, module, key):
    broken = copy.deepcopy(study)
    del broken["protocolSection"][module][key]
    return broken


def with_value(study, module, key, value):
    changed = copy.deepcopy(study)
    changed["protocolSection"][module][key] = value
    return changed


BASE = study_of("NCT03281889.json")


@pytest.mark.parametrize(
    ("study", "message"),
    [
        (without(BASE, "identificationModule", "nctId"),
         "A study: the record has no valid NCT number."),
        (with_value(BASE, "identificationModule", "nctId", "NCT123"),
         "NCT123: the record has no valid NCT number."),
        (without(BASE, "identificationModule", "briefTitle"),
         "NCT03281889: the record has no brief title."),
        (with_value(BASE, "identificationModule", "briefTitle", ""),
         "NCT03281889: the record has no brief title."),
        (without(BASE, "statusModule", "overallStatus"),
         "NCT03281889: the record has no known overall status (None)."),
        (with_value(BASE, "statusModule", "overallStatus", "Recruiting"),
         "NCT03281889: the record has no known overall status ('Recruiting')."),
        (with_value(BASE, "designModule", "phases", ["PHASE1_PHASE2"]),
         "NCT03281889: unknown phase PHASE1_PHASE2."),
        ({"hasResults": False}, "A study has no protocolSection."),
        ("NCT03281889", "A study has no protocolSection."),
    ],
)
def test_a_study_missing_required_fields_is_refused(study, message):
    with pytest.raises(TrialImportError) as error:
        trial_import(study=study)
    assert str(error.value) == message
    assert Trial.objects.count() == 0
    assert RegistrySite.objects.count() == 0


def test_a_bad_study_in_a_single_study_file_is_reported_and_not_written():
    bad = without(study_of("NCT00973089.json"), "statusModule", "overallStatus")
    result = trials_import(studies=studies_from_json(json.dumps(bad).encode()))
    assert result.failed == [
        ("NCT00973089", "NCT00973089: the record has no known overall status (None).")]
    assert (result.created, result.updated) == ([], [])
    assert Trial.objects.count() == 0


# 3. One bad study in a page leaves the others imported ---------------------------------------

def test_one_bad_study_in_a_page_leaves_the_others_imported():
    bad = without(study_of("NCT04431453.json"), "identificationModule", "briefTitle")
    page = json.dumps({"studies": [study_of("NCT03281889.json"), bad,
                                   study_of("NCT06388018.json")]}).encode()
    calls = []

    result = trials_import(studies=studies_from_json(page),
                           progress=lambda *args: calls.append(args))

    assert [t.nct_id for t in result.created] == ["NCT03281889", "NCT06388018"]
    assert result.updated == []
    assert result.failed == [("NCT04431453", "NCT04431453: the record has no brief title.")]
    assert sorted(Trial.objects.values_list("nct_id", flat=True)) == [
        "NCT03281889", "NCT06388018"]
    assert not Trial.objects.filter(nct_id="NCT04431453").exists()
    assert RegistrySite.objects.count() == 3  # 2 + 1, none of the bad study's 32
    assert calls == [
        (1, 3, "NCT03281889", "created"),
        (2, 3, "NCT04431453", "failed: NCT04431453: the record has no brief title."),
        (3, 3, "NCT06388018", "created"),
    ]


def test_a_study_without_nct_number_is_labelled_in_the_failures():
    bad = without(study_of("NCT03281889.json"), "identificationModule", "nctId")
    result = trials_import(studies=[bad, study_of("NCT00973089.json")])
    assert result.failed == [("a study without an NCT number",
                              "A study: the record has no valid NCT number.")]
    assert [t.nct_id for t in result.created] == ["NCT00973089"]


# 4. Upsert, and what a refresh never overwrites ----------------------------------------------

def test_importing_the_same_file_twice_updates_without_duplicates():
    first = import_file("NCT04431453.json")
    trial = first.created[0]
    synced = trial.last_synced_at
    outcome_ids = set(trial.primary_outcomes.values_list("pk", flat=True))

    second = import_file("NCT04431453.json")

    assert second.created == []
    assert second.failed == []
    assert [t.pk for t in second.updated] == [trial.pk]
    assert Trial.objects.count() == 1
    trial.refresh_from_db()
    assert trial.last_synced_at > synced
    assert trial.primary_outcomes.count() == 4
    assert trial.registry_sites.count() == 32
    assert trial.interventions.count() == 1
    assert RegistrySite.objects.count() == 32
    assert Intervention.objects.count() == 1
    # The record said nothing new: only the time of the check is written, the same rows kept
    # and no revision added.
    assert set(trial.primary_outcomes.values_list("pk", flat=True)) == outcome_ids
    assert Version.objects.get_for_object(trial).count() == 1


def test_a_changed_record_replaces_the_parts_and_is_a_revision():
    trial, _ = trial_import(study=study_of("NCT04431453.json"))
    outcome_ids = set(trial.primary_outcomes.values_list("pk", flat=True))
    changed = study_of("NCT04431453.json")
    changed["protocolSection"]["outcomesModule"]["primaryOutcomes"][0]["measure"] = "Renamed"

    trial_import(study=changed)

    assert trial.primary_outcomes.count() == 4
    assert trial.primary_outcomes.order_by("order").first().measure == "Renamed"
    # The children were replaced, not added to.
    assert set(trial.primary_outcomes.values_list("pk", flat=True)).isdisjoint(outcome_ids)
    assert Version.objects.get_for_object(trial).count() == 2


def test_a_record_with_nothing_new_still_makes_cached_pages_stale():
    """The trial's page says when the registry was last checked."""
    trial_import(study=study_of("NCT04431453.json"))
    before = content_version()
    trial_import(study=study_of("NCT04431453.json"))
    assert content_version() != before


def test_reimporting_a_page_updates_each_trial_and_keeps_contacts_single():
    import_file("NCT03281889.json")
    result = import_file("NCT03281889.json")
    assert [t.nct_id for t in result.updated] == ["NCT03281889"]
    assert Contact.objects.count() == 1
    assert RegistrySite.objects.count() == 2


def test_refresh_keeps_what_was_written_here_and_updates_registry_fields(django_user_model):
    study = study_of("NCT03281889.json")
    trial, created = trial_import(study=study)
    assert created
    condition = Condition.objects.create(name="Medulloblastoma", slug="medulloblastoma",
                                         summary="A brain tumour.")
    site = CareSite.objects.create(name="Neuro-oncology clinic", slug="neuro-oncology",
                                   summary="s")
    keeper = staff_user(django_user_model, roles.TRIAL_COORDINATORS, username="keeper")
    publish_at = timezone.now() - datetime.timedelta(days=3)
    trial.plain_summary = "Proton **radiation** for children."
    trial.status = Trial.Status.PUBLISHED
    trial.publish_at = publish_at
    trial.save()
    trial.conditions.add(condition)
    trial.care_sites.add(site)
    trial.coordinators.add(keeper)

    changed = copy.deepcopy(study)
    changed["protocolSection"]["identificationModule"]["briefTitle"] = "A new registry title"
    changed["protocolSection"]["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    del changed["protocolSection"]["contactsLocationsModule"]["locations"][1]
    result = trials_import(studies=[changed])

    assert [t.pk for t in result.updated] == [trial.pk]
    trial = Trial.objects.get()
    assert trial.brief_title == "A new registry title"
    assert trial.overall_status == "ACTIVE_NOT_RECRUITING"
    assert trial.status_group == StatusGroup.ACTIVE
    assert [s.facility for s in trial.registry_sites.all()] == ["Massachusetts General Hospital"]
    assert trial.plain_summary == "Proton **radiation** for children."
    assert trial.plain_summary_html == "<p>Proton <strong>radiation</strong> for children.</p>"
    assert list(trial.conditions.all()) == [condition]
    assert list(trial.care_sites.all()) == [site]
    assert list(trial.coordinators.all()) == [keeper]
    assert trial.status == Trial.Status.PUBLISHED
    assert trial.publish_at == publish_at
    assert list(Trial.objects.published()) == [trial]


def test_a_trial_entered_here_becomes_synced_when_imported():
    Trial.objects.create(nct_id="NCT03281889", brief_title="Typed by hand",
                         overall_status="NOT_YET_RECRUITING", plain_summary="Ours.")
    result = import_file("NCT03281889.json")
    assert [t.nct_id for t in result.updated] == ["NCT03281889"]
    trial = Trial.objects.get()
    assert trial.source == Trial.Source.CTGOV
    assert trial.brief_title.startswith("Proton Craniospinal Irradiation")
    assert trial.overall_status == "RECRUITING"
    assert trial.plain_summary == "Ours."


# 5. Permissions in the service --------------------------------------------------------------

def test_a_coordinator_importing_a_new_trial_becomes_its_coordinator(django_user_model):
    coordinator_a = staff_user(django_user_model, roles.TRIAL_COORDINATORS,
                               username="coordinator_a")
    assert coordinator_a.has_perm("trials.add_trial")
    assert coordinator_a.has_perm("trials.change_trial")

    trial, created = trial_import(study=study_of("NCT03281889.json"), user=coordinator_a)

    assert created
    assert list(trial.coordinators.all()) == [coordinator_a]
    assert trial.status == Trial.Status.DRAFT
    # Their own trial they may refresh.
    again, created = trial_import(study=study_of("NCT03281889.json"), user=coordinator_a)
    assert (again.pk, created) == (trial.pk, False)
    assert list(again.coordinators.all()) == [coordinator_a]


def test_a_coordinator_cannot_refresh_another_coordinators_trial(django_user_model):
    coordinator_a = staff_user(django_user_model, roles.TRIAL_COORDINATORS,
                               username="coordinator_a")
    coordinator_b = staff_user(django_user_model, roles.TRIAL_COORDINATORS,
                               username="coordinator_b")
    study = study_of("NCT03281889.json")
    trial, _ = trial_import(study=study, user=coordinator_b)
    before = Trial.objects.values().get(pk=trial.pk)
    site_ids = list(RegistrySite.objects.values_list("pk", flat=True))
    changed = copy.deepcopy(study)
    changed["protocolSection"]["identificationModule"]["briefTitle"] = "Changed by A"

    with pytest.raises(PermissionDenied, match="NCT03281889 is kept by another coordinator"):
        trial_import(study=changed, user=coordinator_a)
    result = trials_import(studies=[changed], user=coordinator_a)

    assert result.failed == [("NCT03281889", "NCT03281889 is kept by another coordinator.")]
    assert (result.created, result.updated) == ([], [])
    assert Trial.objects.values().get(pk=trial.pk) == before
    assert list(RegistrySite.objects.values_list("pk", flat=True)) == site_ids
    assert list(trial.coordinators.all()) == [coordinator_b]


def test_staff_without_the_coordinator_role_cannot_refresh_even_if_listed(django_user_model):
    trial, _ = trial_import(study=study_of("NCT00973089.json"))
    outsider = django_user_model.objects.create_user("outsider", password="pw", is_staff=True)
    trial.coordinators.add(outsider)
    with pytest.raises(PermissionDenied):
        trial_import(study=study_of("NCT00973089.json"), user=outsider)


def test_a_superuser_may_refresh_any_trial_and_is_not_added_as_coordinator(django_user_model):
    admin = django_user_model.objects.create_superuser("admin", password="pw")
    coordinator_b = staff_user(django_user_model, roles.TRIAL_COORDINATORS,
                               username="coordinator_b")
    mine, created = trial_import(study=study_of("NCT00973089.json"), user=admin)
    assert created
    assert mine.coordinators.count() == 0
    theirs, _ = trial_import(study=study_of("NCT03281889.json"), user=coordinator_b)
    result = trials_import(studies=[study_of("NCT03281889.json")], user=admin)
    assert [t.pk for t in result.updated] == [theirs.pk]
    assert list(theirs.coordinators.all()) == [coordinator_b]


# 6. A failure while writing child rows rolls the whole study back ----------------------------

@pytest.fixture
def sites_fail_for(monkeypatch):
    """Make RegistrySite.objects.bulk_create raise for the trials of the given NCT numbers."""
    failing = set()
    original = RegistrySite.objects.bulk_create

    def bulk_create(rows, *args, **kwargs):
        if any(row.trial.nct_id in failing for row in rows):
            raise DatabaseError("disk full")
        return original(rows, *args, **kwargs)

    monkeypatch.setattr(RegistrySite.objects, "bulk_create", bulk_create)
    return failing.add


def test_a_child_row_failure_leaves_a_new_trial_unwritten(sites_fail_for):
    sites_fail_for("NCT04431453")
    with pytest.raises(DatabaseError, match="disk full"):
        trial_import(study=study_of("NCT04431453.json"))
    assert not Trial.objects.filter(nct_id="NCT04431453").exists()
    # The outcomes, interventions and contacts written before the sites are rolled back too.
    assert Trial.objects.count() == 0
    assert Intervention.objects.count() == 0
    assert RegistrySite.objects.count() == 0


def test_a_child_row_failure_keeps_an_existing_trial_as_it_was(sites_fail_for):
    study = study_of("NCT04431453.json")
    trial, _ = trial_import(study=study)
    before = Trial.objects.values().get(pk=trial.pk)
    outcomes = outcomes_of(trial)
    changed = copy.deepcopy(study)
    changed["protocolSection"]["identificationModule"]["briefTitle"] = "Changed title"
    del changed["protocolSection"]["outcomesModule"]["primaryOutcomes"][1:]
    sites_fail_for("NCT04431453")

    with pytest.raises(DatabaseError):
        trial_import(study=changed)

    assert Trial.objects.values().get(pk=trial.pk) == before
    trial.refresh_from_db()
    assert trial.brief_title.startswith("Study of Remdesivir")
    assert outcomes_of(trial) == outcomes
    assert trial.registry_sites.count() == 32


def test_a_database_error_in_one_study_leaves_the_others_imported(sites_fail_for):
    sites_fail_for("NCT04431453")
    result = trials_import(studies=[study_of("NCT03281889.json"), study_of("NCT04431453.json"),
                                    study_of("NCT06388018.json")])
    assert [t.nct_id for t in result.created] == ["NCT03281889", "NCT06388018"]
    assert [label for label, _ in result.failed] == ["NCT04431453"]
    assert not Trial.objects.filter(nct_id="NCT04431453").exists()


# 7. The import_trials command ---------------------------------------------------------------

def run_command(*args):
    out = io.StringIO()
    call_command("import_trials", *args, stdout=out)
    return out.getvalue()


def test_command_imports_a_file_with_progress_and_totals():
    output = run_command("--file", str(FIXTURES / "NCT03281889.json"))
    assert output == "[1/1] NCT03281889: created\ncreated: 1, updated: 0, failed: 0\n"
    trial = Trial.objects.get()
    assert trial.nct_id == "NCT03281889"
    assert trial.status == Trial.Status.DRAFT
    assert trial.coordinators.count() == 0

    output = run_command("--file", str(FIXTURES / "NCT03281889.json"),
                         "--file", str(FIXTURES / "NCT04431453.json"))
    assert output.splitlines() == [
        "[1/2] NCT03281889: updated",
        "[2/2] NCT04431453: created",
        "created: 1, updated: 1, failed: 0",
    ]
    assert Trial.objects.count() == 2


def test_command_refuses_the_classic_file_and_writes_nothing():
    with pytest.raises(CommandError) as error:
        run_command("--file", str(FIXTURES / "NCT00973089.json"), "--file", str(CLASSIC))
    message = str(error.value)
    assert message.startswith(f"{CLASSIC}: ")
    assert "retired classic ClinicalTrials.gov format" in message
    # The good file given first is not imported either: files are all read before writing.
    assert Trial.objects.count() == 0


def test_command_reports_an_unreadable_file(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(CommandError) as error:
        run_command("--file", str(missing))
    assert str(error.value) == f"Cannot read {missing}: No such file or directory."
    assert Trial.objects.count() == 0


def test_command_without_arguments_says_what_to_give():
    with pytest.raises(CommandError, match=r"^Give NCT numbers or --file PATH\.$"):
        run_command()


def test_command_refuses_a_malformed_nct_number_before_fetching(settings):
    settings.CTGOV_API_URL = "http://127.0.0.1:9/never-called"
    with pytest.raises(CommandError) as error:
        run_command("NCT123", "NCT03281889")
    assert str(error.value) == "Not an NCT number: NCT123 (NCT + 8 digits)."
    assert Trial.objects.count() == 0


def test_command_imports_the_good_studies_of_a_page_then_fails_listing_the_bad(tmp_path):
    bad = without(study_of("NCT04431453.json"), "identificationModule", "briefTitle")
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": [study_of("NCT03281889.json"), bad]}))
    out = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_trials", "--file", str(page), stdout=out)

    assert out.getvalue().splitlines() == [
        "[1/2] NCT03281889: created",
        "[2/2] NCT04431453: failed: NCT04431453: the record has no brief title.",
        "created: 1, updated: 0, failed: 1",
    ]
    assert "NCT04431453" in str(error.value)
    assert "the record has no brief title." in str(error.value)
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT03281889"]


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=django_settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_command_in_a_real_process_exits_non_zero_on_the_classic_file(tmp_path):
    database = tmp_path / "import.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.test_settings",
           "DATABASE_URL": f"sqlite:///{database}"}
    migrated = manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr

    refused = manage("import_trials", "--file", str(CLASSIC), env=env)

    assert refused.returncode != 0
    assert refused.stdout == ""
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    assert "Traceback" not in refused.stderr
    assert lines[0].startswith(f"CommandError: {CLASSIC}: ")
    assert "retired classic ClinicalTrials.gov format" in lines[0]
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT COUNT(*) FROM trials_trial").fetchone() == (0,)

    # The same database takes a good file: the refusal above was not an empty import.
    imported = manage("import_trials", "--file", str(FIXTURES / "NCT03281889.json"), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "[1/1] NCT03281889: created" in imported.stdout
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT nct_id, source FROM trials_trial").fetchall() == [
            ("NCT03281889", "ctgov")]


def test_the_command_in_a_real_process_answers_bad_files_without_a_traceback(tmp_path):
    database = tmp_path / "import.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.test_settings",
           "DATABASE_URL": f"sqlite:///{database}"}
    assert manage("migrate", "--noinput", env=env).returncode == 0
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps({"studies": [
        study_of("NCT00973089.json"), with_value(BASE, "identificationModule", "nctId", 123),
        with_value(BASE, "identificationModule", "briefTitle", {"a": 1})]}))

    refused = manage("import_trials", "--file", str(deep), env=env)
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr
    assert refused.stderr.strip() == (
        f"CommandError: {deep}: The response is nested too deeply to be a ClinicalTrials.gov "
        "study.")

    partly = manage("import_trials", "--file", str(mixed), env=env)
    assert partly.returncode != 0
    assert "Traceback" not in partly.stderr
    assert partly.stderr.strip().splitlines() == [
        "CommandError: A study: the record has no valid NCT number "
        "(identificationModule.nctId: expected text, got a number).",
        "NCT03281889: the record is malformed "
        "(identificationModule.briefTitle: expected text, got an object).",
    ]
    assert partly.stdout.splitlines()[-1] == "created: 1, updated: 0, failed: 2"
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT nct_id FROM trials_trial").fetchall() == [("NCT00973089",)]


# Records of the right shape but with values of the wrong kind ------------------------------------

@pytest.mark.parametrize(
    ("module", "key", "value", "message"),
    [
        ("conditionsModule", "conditions", [1, 2], "the record is malformed"),
        ("statusModule", "startDateStruct", "2020-01", "the record is malformed"),
        ("eligibilityModule", "sex", "SOMETHING_ELSE", "the record does not fit (sex:"),
        ("statusModule", "startDateStruct", {"date": "2020-01-01-x"}, "(start_date:"),
        ("eligibilityModule", "minimumAge", "a few years", "(minimum_age:"),
    ],
)
def test_a_record_with_values_of_the_wrong_kind_is_refused_clearly(module, key, value, message):
    bad = with_value(study_of("NCT03281889.json"), module, key, value)
    result = trials_import(studies=[bad, study_of("NCT00973089.json")])
    [(label, text)] = result.failed
    assert label == "NCT03281889"
    assert message in text
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT00973089"]


def test_a_module_of_the_wrong_type_is_refused_clearly():
    bad = copy.deepcopy(study_of("NCT03281889.json"))
    bad["protocolSection"]["designModule"] = "interventional"
    result = trials_import(studies=[bad])
    assert result.failed[0][0] == "NCT03281889"
    assert "the record is malformed" in result.failed[0][1]
    assert not Trial.objects.exists()


def test_every_import_is_kept_as_a_revision(django_user_model):
    user = django_user_model.objects.create_user("importer", is_superuser=True)
    trials_import(studies=[study_of("NCT06388018.json")], user=user)
    trial = Trial.objects.get()
    [version] = Version.objects.get_for_object(trial)
    assert version.revision.comment == "Imported from ClinicalTrials.gov."
    assert version.revision.user == user
    saved_outcomes = version.revision.version_set.get_for_model(Outcome)
    assert saved_outcomes.count() == 13
