"""The public trial pages: the listing and its filters, a trial page, the condition-page block."""

import datetime
import html as htmllib
import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from care_sites.models import CareSite
from care_sites.tests.factories import make_site
from conditions.models import Condition
from conditions.tests.factories import make_condition
from portal import roles
from portal.tests.support import active_content, schedule_known, two_step_verified
from trials.filters import PHASE_CHOICES
from trials.models import (
    GROUP_ORDER,
    Contact,
    Intervention,
    OverallStatus,
    Phase,
    StatusGroup,
    Trial,
)
from trials.tests.factories import PAST, make_trial, nct

pytestmark = pytest.mark.django_db

HOSTILE = ("<script>alert(1)</script> <img src=x onerror=alert(2)> "
           '[x](javascript:alert(3)) x" onfocus="alert(5)')


# Factories -----------------------------------------------------------------------------------


def listed(response):
    """The NCT numbers of the trial cards on a page, in order, read from the HTML."""
    assert response.status_code == 200
    return re.findall(r'<a href="/trials/(NCT\d{8})/">', response.content.decode())


def page_text(response):
    assert response.status_code == 200
    return response.content.decode()


def result_count(response):
    match = re.search(r'<p class="result-count" role="status">(.*?)</p>', page_text(response))
    assert match, "no result count on the page"
    return match.group(1)


def block(html, start, end="</section>"):
    """The part of html from `start` up to the next `end`."""
    assert start in html
    begin = html.index(start)
    return html[begin:html.index(end, begin)]


def links(html):
    """The unescaped href of every link with its text."""
    return {
        re.sub(r"<[^>]+>", "", text).strip(): htmllib.unescape(href)
        for href, text in re.findall(r'<a[^>]*href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)
    }


# The listing: what is shown and in which order -----------------------------------------------

def test_listing_shows_published_trials_only(client):
    make_trial(nct(1), brief_title="Published trial")
    make_trial(nct(2), brief_title="Draft trial", status=Trial.Status.DRAFT)
    make_trial(nct(3), brief_title="Scheduled trial",
               publish_at=timezone.now() + datetime.timedelta(days=2))
    response = client.get("/trials/")
    assert listed(response) == [nct(1)]
    html = page_text(response)
    assert "Draft trial" not in html
    assert "Scheduled trial" not in html
    assert result_count(response) == "1 trial"


def test_every_registry_status_is_ranked_in_its_family_group_however_it_is_written():
    # One by one (save), in bulk (no save()), and by a save of the status alone.
    make_trial(nct(1), overall_status=OverallStatus.RECRUITING)
    Trial.objects.bulk_create([Trial(nct_id=nct(2 + i), brief_title=f"Trial {i}",
                                     overall_status=status)
                               for i, status in enumerate(OverallStatus)])
    for trial in Trial.objects.all():
        assert trial.group_rank == GROUP_ORDER.index(trial.status_group), trial.overall_status
    trial = Trial.objects.get(nct_id=nct(1))
    trial.overall_status = OverallStatus.COMPLETED
    trial.save(update_fields=["overall_status"])
    assert Trial.objects.get(nct_id=nct(1)).group_rank == GROUP_ORDER.index(StatusGroup.CLOSED)
    assert {group: Trial.objects.in_group(group).count() for group in StatusGroup} == {
        StatusGroup.OPEN: 2, StatusGroup.ACTIVE: 2, StatusGroup.UPCOMING: 1,
        StatusGroup.CLOSED: len(OverallStatus) - 5 + 1,
    }


def test_listing_orders_open_then_in_progress_then_upcoming_then_closed(client):
    # Titles in reverse alphabetical order of the groups, so ordering by title would fail.
    make_trial(nct(1), brief_title="A completed", overall_status=OverallStatus.COMPLETED)
    make_trial(nct(2), brief_title="B withdrawn", overall_status=OverallStatus.WITHDRAWN)
    make_trial(nct(3), brief_title="C not yet", overall_status=OverallStatus.NOT_YET_RECRUITING)
    make_trial(nct(4), brief_title="D invitation",
               overall_status=OverallStatus.ENROLLING_BY_INVITATION)
    make_trial(nct(5), brief_title="E active", overall_status=OverallStatus.ACTIVE_NOT_RECRUITING)
    make_trial(nct(6), brief_title="F available", overall_status=OverallStatus.AVAILABLE)
    make_trial(nct(7), brief_title="G recruiting", overall_status=OverallStatus.RECRUITING)
    make_trial(nct(8), brief_title="H unknown", overall_status=OverallStatus.UNKNOWN)

    response = client.get("/trials/")

    assert listed(response) == [nct(6), nct(7), nct(4), nct(5), nct(3), nct(1), nct(2), nct(8)]
    assert result_count(response) == "8 trials"
    html = page_text(response)
    assert '<span class="status-badge status-badge--open">Open to new patients</span>' in html
    assert '<span class="status-badge status-badge--active">In progress</span>' in html
    assert '<span class="status-badge status-badge--upcoming">Not yet recruiting</span>' in html
    assert '<span class="status-badge status-badge--closed">Closed</span>' in html


def test_result_count_says_how_many_match_a_search(client):
    make_trial(nct(1), brief_title="Proton therapy")
    make_trial(nct(2), brief_title="Proton boost")
    make_trial(nct(3), brief_title="Vaccine")
    assert result_count(client.get("/trials/?q=vaccine")) == "1 trial matches your search"
    assert result_count(client.get("/trials/?q=proton")) == "2 trials match your search"
    assert result_count(client.get("/trials/")) == "3 trials"


def test_a_search_finds_a_british_spelling_in_american_too(client):
    make_trial(nct(1), brief_title="Proton therapy for brain tumors")
    make_trial(nct(2), brief_title="A paediatric tumour registry")
    make_trial(nct(3), brief_title="Vaccine")
    assert sorted(listed(client.get("/trials/?q=tumour"))) == [nct(1), nct(2)]
    assert listed(client.get("/trials/?q=tumours")) == [nct(1)]  # "tumors"
    assert listed(client.get("/trials/?q=Tumour+paediatric")) == [nct(2)]
    assert listed(client.get("/trials/?q=tumor")) == [nct(1)]  # American finds American


def test_a_short_word_must_begin_a_word_and_a_long_one_may_sit_inside(client):
    make_trial(nct(1), brief_title="Chemotherapy for children with small tumors")
    make_trial(nct(2), brief_title="HI-FU ablation for high-risk neuroblastoma")
    make_trial(nct(3), brief_title="ALL in remission: a vaccine")
    # "hi" begins "HI-FU" and "high", not "children" or "chemotherapy"; "all" is not in
    # "small".
    assert sorted(listed(client.get("/trials/?q=hi"))) == [nct(2)]
    assert listed(client.get("/trials/?q=all")) == [nct(3)]
    assert listed(client.get("/trials/?q=blastoma")) == [nct(2)]  # inside "neuroblastoma"
    # Digits anywhere in the NCT number; common words are left out beside others.
    assert listed(client.get("/trials/?q=0000003")) == [nct(3)]
    assert listed(client.get("/trials/?q=the+vaccine+for")) == [nct(3)]


@pytest.mark.parametrize("query", ['"MIBG"', "'mibg'", "MIBG!", "mibg*", "(MIBG)",
                                   "NCT-00000001", "nct 00000001", '"mibg therapy"'])
def test_a_search_reads_words_not_the_marks_around_them(client, query):
    make_trial(nct(1), brief_title="MIBG therapy for relapsed neuroblastoma")
    make_trial(nct(2), brief_title="Vaccine")
    assert listed(client.get("/trials/", {"q": query})) == [nct(1)]


def test_an_nct_number_not_listed_here_leads_to_the_registry(client):
    make_trial(nct(1), overall_status=OverallStatus.COMPLETED)
    html = client.get("/trials/", {"q": "NCT03281889"}).content.decode()
    assert "NCT03281889 is not one of the trials listed on this site." in html
    assert '<a href="https://clinicaltrials.gov/study/NCT03281889">' in html
    # One listed here but left out by a filter is not sent to the registry.
    html = client.get("/trials/", {"q": nct(1), "status": "open"}).content.decode()
    assert "No trials match your search." in html
    assert "is not one of the trials listed on this site" not in html


def test_empty_listing_says_so(client):
    response = client.get("/trials/")
    assert listed(response) == []
    assert result_count(response) == "0 trials"
    assert "No trials match your search." in page_text(response)


# Pagination ----------------------------------------------------------------------------------

@pytest.fixture
def twenty_five_trials():
    return [make_trial(nct(i), brief_title=f"Trial number {i:02d}") for i in range(1, 26)]


def test_listing_is_paginated_by_twenty(client, twenty_five_trials):
    first = client.get("/trials/")
    second = client.get("/trials/?page=2")

    assert listed(first) == [nct(i) for i in range(1, 21)]
    assert listed(second) == [nct(i) for i in range(21, 26)]
    assert result_count(first) == "25 trials (page 1 of 2)"
    assert result_count(second) == "25 trials (page 2 of 2)"
    pages = block(page_text(first), '<nav aria-label="Pages of trials">', "</nav>")
    assert links(pages) == {"1": "?page=1", "2": "?page=2", "Next": "?page=2"}


def title(response):
    return re.search(r"<title>(.*?) \| ", page_text(response))[1]


def test_the_tab_title_says_what_the_list_shows(client, twenty_five_trials):
    """Before, every list had the same title: after filtering, the new page's title (read
    first by screen readers) did not say what had changed."""
    assert title(client.get("/trials/?page=2")) == "Clinical trials (page 2 of 2)"
    assert title(client.get("/trials/?q=number+07")) == "Clinical trials: 1 match"
    assert title(client.get("/trials/?status=open")) == (
        "Clinical trials: 25 matches (page 1 of 2)")
    # A filter to correct is not used: all the trials are listed.
    assert title(client.get("/trials/?age=four")) == (
        "Please check the filters: Clinical trials (page 1 of 2)")


def test_page_links_do_not_grow_with_the_number_of_pages(client, twenty_five_trials,
                                                        monkeypatch):
    monkeypatch.setattr("trials.views.PAGE_SIZE", 2)  # 13 pages
    pages = block(page_text(client.get("/trials/?page=7")), '<nav aria-label="Pages of trials">',
                  "</nav>")
    assert list(links(pages)) == ["Previous", "1", "5", "6", "7", "8", "9", "13", "Next"]
    assert pages.count('<span aria-hidden="true">…</span>') == 2
    assert 'aria-current="page" href="?page=7">7</a>' in pages
    first = block(page_text(client.get("/trials/")), '<nav aria-label="Pages of trials">',
                  "</nav>")
    assert list(links(first)) == ["1", "2", "3", "13", "Next"]
    assert first.count('<span aria-hidden="true">…</span>') == 1
    # Near an end, every page up to this one shows; on the last, its two neighbours.
    fifth = block(page_text(client.get("/trials/?page=5")), '<nav aria-label="Pages of trials">',
                  "</nav>")
    assert list(links(fifth)) == ["Previous", "1", "2", "3", "4", "5", "6", "7", "13", "Next"]
    last = block(page_text(client.get("/trials/?page=13")), '<nav aria-label="Pages of trials">',
                 "</nav>")
    assert list(links(last)) == ["Previous", "1", "11", "12", "13"]
    # The gap is not a link, and says what it stands for to a screen reader.
    assert re.findall(r"<li[^>]*>(?:(?!</li>).)*…(?:(?!</li>).)*</li>", last) == [
        '<li class="page-item disabled"><span class="page-link"><span aria-hidden="true">…'
        '</span><span class="visually-hidden">More pages</span></span></li>']


def test_page_links_keep_the_filters(client, twenty_five_trials):
    make_trial(nct(99), brief_title="Closed one", overall_status=OverallStatus.COMPLETED)
    response = client.get("/trials/?status=open&age=5")

    assert result_count(response) == "25 trials match your search (page 1 of 2)"
    pages = block(page_text(response), '<nav aria-label="Pages of trials">', "</nav>")
    assert links(pages)["Next"] == "?status=open&age=5&page=2"
    assert links(pages)["2"] == "?status=open&age=5&page=2"

    second = client.get("/trials/?status=open&age=5&page=2")
    assert listed(second) == [nct(i) for i in range(21, 26)]
    pages = block(page_text(second), '<nav aria-label="Pages of trials">', "</nav>")
    assert links(pages)["Previous"] == "?status=open&age=5&page=1"


@pytest.mark.parametrize(("page", "shown"), [
    ("999", list(range(21, 26))),  # past the end: the last page
    ("abc", list(range(1, 21))),  # not a number: the first page
    ("-1", list(range(21, 26))),
    ("", list(range(1, 21))),
])
def test_out_of_range_and_invalid_pages_do_not_error(client, twenty_five_trials, page, shown):
    response = client.get("/trials/", {"page": page})
    assert listed(response) == [nct(i) for i in shown]


# Filters -------------------------------------------------------------------------------------

@pytest.fixture
def catalogue():
    """Eight published trials covering every status group, phase and age limit, plus a draft
    and a scheduled trial that match every filter and must never be listed."""
    neuroblastoma = make_condition("neuroblastoma")
    wilms = make_condition("wilms-tumor")
    oncology = make_site("oncology-clinic")
    infusion = make_site("infusion-center")
    trials = {}

    def add(number, sites=(), conditions=(), **fields):
        trial = make_trial(nct(number), **fields)
        trial.care_sites.set(sites)
        trial.conditions.set(conditions)
        trials[number] = trial

    add(1, brief_title="Proton craniospinal irradiation with bone sparing", acronym="BONSAI",
        keywords="vertebral sparing\ngrowth", overall_status=OverallStatus.RECRUITING,
        phases="PHASE2,PHASE3", minimum_age="6 Months", maximum_age="2 Years",
        sites=[oncology], conditions=[neuroblastoma])
    add(2, brief_title="Expanded access to naxitamab", overall_status=OverallStatus.AVAILABLE,
        study_type=Trial.StudyType.EXPANDED_ACCESS, minimum_age="1 Year",
        sites=[infusion], conditions=[neuroblastoma])
    add(3, brief_title="Maintenance eflornithine",
        overall_status=OverallStatus.ACTIVE_NOT_RECRUITING, phases="PHASE2",
        maximum_age="18 Years", sites=[oncology], conditions=[wilms])
    add(4, brief_title="Imaging study by invitation",
        overall_status=OverallStatus.ENROLLING_BY_INVITATION, phases="EARLY_PHASE1")
    add(5, brief_title="New antibody combination", overall_status=OverallStatus.NOT_YET_RECRUITING,
        phases="PHASE1", minimum_age="3 Years", maximum_age="21 Years",
        sites=[infusion], conditions=[neuroblastoma])
    add(6, brief_title="Late effects after treatment", overall_status=OverallStatus.COMPLETED,
        phases="PHASE4", minimum_age="12 Years", maximum_age="30 Years")
    add(7, brief_title="Exercise for young adults", overall_status=OverallStatus.TERMINATED,
        phases="NA", minimum_age="18 Years", maximum_age="65 Years")
    add(8, brief_title="Dose finding for a new drug", overall_status=OverallStatus.WITHDRAWN,
        phases="PHASE1,PHASE2")
    for number, fields in [(90, {"status": Trial.Status.DRAFT}),
                           (91, {"publish_at": timezone.now() + datetime.timedelta(days=1)})]:
        add(number, brief_title="Proton craniospinal hidden BONSAI", keywords="vertebral",
            overall_status=OverallStatus.RECRUITING, phases="PHASE2,PHASE3",
            sites=[oncology, infusion], conditions=[neuroblastoma, wilms], **fields)
    return trials


def listed_numbers(client, query):
    return sorted(int(nct_id[3:]) for nct_id in listed(client.get(f"/trials/?{query}")))


@pytest.mark.parametrize(("query", "expected"), [
    ("", [1, 2, 3, 4, 5, 6, 7, 8]),
    # q: title words (all of them), NCT number in any case, acronym, keywords
    ("q=proton", [1]),
    ("q=Craniospinal+IRRADIATION", [1]),
    ("q=proton+eflornithine", []),
    ("q=NCT00000003", [3]),
    ("q=nct00000003", [3]),
    ("q=bonsai", [1]),
    ("q=vertebral", [1]),
    ("q=nothing-like-this", []),
    # condition and site, by slug
    ("condition=neuroblastoma", [1, 2, 5]),
    ("condition=wilms-tumor", [3]),
    ("site=oncology-clinic", [1, 3]),
    ("site=infusion-center", [2, 5]),
    # status groups, and exact registry statuses in lower case
    ("status=open", [1, 2]),
    ("status=active", [3, 4]),
    ("status=upcoming", [5]),
    ("status=closed", [6, 7, 8]),
    ("status=recruiting", [1]),
    ("status=available", [2]),
    ("status=active_not_recruiting", [3]),
    ("status=enrolling_by_invitation", [4]),
    ("status=completed", [6]),
    ("status=suspended", []),
    # phases: a phase 2/3 trial is in both; early phase 1 is not phase 1
    ("phase=1", [5, 8]),
    ("phase=2", [1, 3, 8]),
    ("phase=3", [1]),
    ("phase=4", [6]),
    ("phase=early1", [4]),
    ("phase=na", [7]),
    # age: min <= age <= max, a missing limit is no limit
    ("age=0", [3, 4, 8]),
    ("age=1", [1, 2, 3, 4, 8]),
    ("age=2", [1, 2, 3, 4, 8]),
    ("age=3", [2, 3, 4, 5, 8]),
    ("age=18", [2, 3, 4, 5, 6, 7, 8]),
    ("age=25", [2, 4, 6, 7, 8]),
    ("age=120", [2, 4, 8]),
    # combinations
    ("condition=neuroblastoma&status=open", [1, 2]),
    ("condition=neuroblastoma&status=open&age=1", [1, 2]),
    ("condition=neuroblastoma&status=open&age=3", [2]),
    ("condition=neuroblastoma&site=infusion-center&phase=1", [5]),
    ("site=oncology-clinic&phase=2&status=active", [3]),
    ("status=closed&age=25", [6, 7, 8]),
    ("q=proton&status=closed", []),
    ("q=new&phase=1", [5, 8]),
    ("condition=wilms-tumor&site=infusion-center", []),
])
def test_filters(client, catalogue, query, expected):
    assert listed_numbers(client, query) == expected


def test_ages_in_months_compare_with_years(client):
    make_trial(nct(1), minimum_age="6 Months", maximum_age="2 Years")
    assert listed_numbers(client, "age=0") == []
    assert listed_numbers(client, "age=1") == [1]
    assert listed_numbers(client, "age=2") == [1]
    assert listed_numbers(client, "age=3") == []


def test_a_trial_with_only_a_maximum_age_matches_young_children(client):
    make_trial(nct(1), maximum_age="17 Years")
    make_trial(nct(2), minimum_age="5 Years")
    assert listed_numbers(client, "age=0") == [1]
    assert listed_numbers(client, "age=4") == [1]
    assert listed_numbers(client, "age=5") == [1, 2]
    assert listed_numbers(client, "age=18") == [2]


def test_filters_show_their_values_in_the_form(client, catalogue):
    html = page_text(client.get("/trials/?q=proton&status=open&phase=2&age=5"
                                "&condition=neuroblastoma&site=oncology-clinic"))
    assert 'value="proton"' in html
    assert 'value="5"' in html
    assert '<option value="open" selected>Open to new patients</option>' in html
    assert '<option value="2" selected>Phase 2</option>' in html
    assert '<option value="neuroblastoma" selected>' in html
    assert '<option value="oncology-clinic" selected>' in html
    assert 'href="/trials/">Clear all filters</a>' in html


def test_the_status_filter_offers_upcoming_beside_open_active_closed(client):
    html = page_text(client.get("/trials/"))
    for value, label in [("open", "Open to new patients"), ("active", "In progress"),
                         ("upcoming", "Not yet recruiting"), ("closed", "Closed"),
                         ("active_not_recruiting", "Active, not recruiting")]:
        assert f'<option value="{value}">{label}</option>' in html
    # Each label once: the registry's "not yet recruiting" is the family group itself.
    labels = re.findall(r'<option value="[^"]*">([^<]*)</option>',
                        re.search(r'<select name="status".*?</select>', html, re.S)[0])
    assert len(labels) == len(set(labels))
    assert "not_yet_recruiting" not in html


@pytest.mark.parametrize(("query", "field", "message"), [
    ("age=abc", "age", "Enter your child&#x27;s age in years as a number, for example 5, or "
                       "with months or weeks, for example 18 months."),
    ("age=5+apples", "age", "Enter your child&#x27;s age in years as a number, for example 5, "
                            "or with months or weeks, for example 18 months."),
    ("age=-1", "age", "Enter an age of 0 or more (0 for a baby under one year old)."),
    ("age=200", "age", "Enter an age of 120 or less."),
    ("phase=9", "phase", "Choose a phase from the list."),
    ("status=nope", "status", "Choose a status from the list."),
    ("status=RECRUITING", "status", "Choose a status from the list."),
    ("condition=unknown", "condition",
     "We have no page about that condition. Choose one from the list."),
    ("site=nowhere", "site", "That is not one of our sites. Choose one from the list."),
])
def test_invalid_filter_values_show_an_error_and_are_ignored(client, catalogue, query, field,
                                                              message):
    response = client.get(f"/trials/?{query}")
    html = page_text(response)
    error = block(html, f'<div id="id_{field}_error" class="invalid-feedback">', "</div>")
    assert message in error
    # Above the results too (on a phone the form is a screen away), linked to the field.
    summary = block(html, '<div class="alert alert-warning filter-problems" role="alert">',
                    "</div>")
    assert "Not used in this search, as it needs a change:" in summary
    assert re.search(rf'<li><a href="#id_{field}">[^<]+</a>: {re.escape(message)}</li>', summary)
    # The invalid value filters nothing: every published trial is listed.
    assert listed_numbers(client, query) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert result_count(response) == "8 trials"


def test_valid_filters_show_no_summary_of_problems(client, catalogue):
    assert "filter-problems" not in page_text(client.get("/trials/?age=5&status=open"))


def test_each_filter_has_its_label_and_an_input_marked_when_invalid(client, catalogue):
    html = page_text(client.get("/trials/?age=abc&phase=2"))
    for name in ["q", "condition", "status", "phase", "age", "site"]:
        assert f'<label for="id_{name}" class="form-label">' in html
        tag = re.search(rf'<(?:input|select)[^>]* id="id_{name}"[^>]*>', html)[0]
        assert ("is-invalid" in tag) == (name == "age")
        assert ("id_age_error" in tag) == (name == "age")
    assert 'aria-describedby="id_age_helptext id_age_error"' in html
    assert re.search(r'<option value="2" selected>Phase 2</option>', html)
    # The usual keyboard on phones, not a number pad: "18 months" can be typed.
    assert '<input type="text" name="age" value="abc" autocomplete="off"' in html
    assert "inputmode" not in re.search(r'<input[^>]* name="age"[^>]*>', html)[0]
    assert ('<div id="id_age_helptext" class="form-text">In years or months, for example 5 '
            'or 18 months.</div>') in html
    # A select with an error is marked the same way.
    html = page_text(client.get("/trials/?status=nope&condition=unknown"))
    for name in ["status", "condition"]:
        tag = re.search(rf'<select[^>]* id="id_{name}"[^>]*>', html)[0]
        assert "form-select is-invalid" in tag
        assert 'aria-invalid="true"' in tag
        assert f'aria-describedby="id_{name}_error"' in tag
        assert f'<div id="id_{name}_error" class="invalid-feedback">' in html


def test_an_invalid_value_leaves_the_other_filters_working(client, catalogue):
    response = client.get("/trials/?status=open&age=abc")
    assert '<div id="id_age_error" class="invalid-feedback">' in page_text(response)
    assert listed_numbers(client, "status=open&age=abc") == [1, 2]


def test_a_draft_condition_or_site_is_not_a_filter_choice(client, catalogue):
    make_condition("hidden-condition", status=Condition.Status.DRAFT)
    make_site("hidden-site", status=CareSite.Status.DRAFT)
    html = page_text(client.get("/trials/?condition=hidden-condition"))
    assert '<div id="id_condition_error" class="invalid-feedback">' in html
    assert 'value="hidden-condition"' not in html
    assert 'value="hidden-site"' not in html


# The empty state -----------------------------------------------------------------------------

def test_no_match_offers_ways_to_widen_the_search(client, catalogue):
    response = client.get("/trials/?status=upcoming&age=1")
    assert listed(response) == []
    html = page_text(response)
    assert "No trials match your search." in html
    assert result_count(response) == "0 trials match your search"
    widen = links(block(html, '<div class="empty-state">', "</div>"))
    assert widen == {
        "Show trials with any status": "?age=1#results",
        "Show trials for any age": "?status=upcoming#results",
        "Show all our trials": "/trials/",
    }
    assert "Try fewer filters." in html
    # Following the first link finds trials.
    assert listed_numbers(client, "age=1") == [1, 2, 3, 4, 8]


def test_only_filters_whose_removal_finds_trials_are_offered_with_counts(client, catalogue):
    response = client.get("/trials/?status=upcoming&age=1&phase=1")
    assert listed(response) == []
    html = block(page_text(response), '<div class="empty-state">', "</div>")
    # Without the status: trial 8 (phase 1 and 2, any age); without the age: trial 5 (not
    # yet recruiting, phase 1). Without the phase, upcoming trials for a one-year-old: none,
    # so that link is not offered.
    assert links(html) == {
        "Show trials with any status": "?age=1&phase=1#results",
        "Show trials for any age": "?status=upcoming&phase=1#results",
        "Show all our trials": "/trials/",
    }
    assert "Show trials with any status</a> (1 trial)" in html
    assert "Show trials for any age</a> (1 trial)" in html
    assert "any phase" not in html
    assert listed_numbers(client, "age=1&phase=1") == [8]
    assert listed_numbers(client, "status=upcoming&phase=1") == [5]


def test_words_that_found_nothing_can_be_dropped(client, catalogue):
    html = page_text(client.get("/trials/?q=%3Cb%3Eproton%3C%2Fb%3E+nowhere&status=open"))
    widen = links(block(html, '<div class="empty-state">', "</div>"))
    # The words are shown escaped, and only the status filter is left.
    assert widen["Show trials without the words \u201c&lt;b&gt;proton&lt;/b&gt; nowhere\u201d"] \
        == "?status=open#results"
    assert "<b>proton</b>" not in html
    assert "open#results\">Show trials without the words \u201c&lt;b&gt;proton&lt;/b&gt; nowhere" \
        "\u201d</a> (2 trials)" in html


def test_a_misspelt_word_is_offered_when_its_spelling_finds_trials(client, catalogue):
    make_condition("osteosarcoma", name="Osteosarcoma")
    make_trial(nct(20), brief_title="Osteosarcoma maintenance", overall_status="RECRUITING")
    html = page_text(client.get("/trials/?q=osteosarcomma"))
    assert listed_numbers(client, "q=osteosarcomma") == []
    assert ('Did you mean <a href="?q=Osteosarcoma#results">Osteosarcoma</a>?'
            in block(html, '<div class="empty-state">', "</div>"))
    # With a filter the spelling would find nothing under, it is not offered.
    html = page_text(client.get("/trials/?q=osteosarcomma&status=closed"))
    assert "Did you mean" not in html


def test_no_match_without_a_status_filter_offers_all_trials(client, catalogue):
    html = page_text(client.get("/trials/?q=nothing-like-this"))
    assert "No trials match your search." in html
    widen = links(block(html, '<div class="empty-state">', "</div>"))
    assert widen == {"Show all our trials": "/trials/"}
    assert "Try fewer filters." not in html  # there is only one


def test_no_match_for_a_condition_points_to_the_registry(client, catalogue):
    make_condition("retinoblastoma", name="Retinoblastoma")
    html = page_text(client.get("/trials/?condition=retinoblastoma"))
    assert "No trials match your search." in html
    assert "Try fewer filters." not in html
    assert "any status" not in html
    widen = links(block(html, '<div class="empty-state">', "</div>"))
    assert widen == {
        "Search ClinicalTrials.gov for Retinoblastoma trials anywhere":
            "https://clinicaltrials.gov/search?cond=Retinoblastoma",
        "Show all our trials": "/trials/",
    }


def test_the_filter_forms_land_on_the_results(client, catalogue):
    for url in ["/trials/", "/"]:
        assert 'action="/trials/#results"' in page_text(client.get(url))
    assert 'id="results"' in page_text(client.get("/trials/?status=open"))


def test_the_empty_state_is_absent_when_trials_match(client, catalogue):
    assert "No trials match your search." not in page_text(client.get("/trials/?status=open"))


# The trial page ------------------------------------------------------------------------------

@pytest.fixture
def full_trial():
    oncology = make_site("oncology-clinic", name="Oncology Clinic")
    hidden = make_site("hidden-clinic", name="Hidden Clinic", status=CareSite.Status.DRAFT)
    trial = make_trial(
        "NCT01234567",
        brief_title="Proton therapy with bone sparing",
        official_title="Craniospinal irradiation using proton beam scanning",
        acronym="BONES",
        plain_summary="Families: a **short** version.",
        brief_summary="The registry's own summary.",
        overall_status=OverallStatus.RECRUITING,
        phases="PHASE2,PHASE3",
        minimum_age="6 Months",
        maximum_age="21 Years",
        eligibility_criteria="Inclusion Criteria:\n\n* Age under 22\n* Signed consent",
        lead_sponsor="Children's Oncology Group",
        start_date="2018-01-04",
        primary_completion_date="2027-03",
        primary_completion_date_type=Trial.DateType.ESTIMATED,
        last_update_posted="2015-08",
        last_synced_at=datetime.datetime(2026, 1, 5, 20, 0, tzinfo=datetime.UTC),
    )
    trial.care_sites.set([oncology, hidden])
    trial.primary_outcomes.create(measure="Loss of standing height", time_frame="5 years")
    trial.interventions.create(name="Proton craniospinal irradiation", type="RADIATION")
    trial.central_contacts.create(name="Trial nurse Kim", phone="617 555 0100",
                                  email="trials@example.org")
    return trial


@pytest.mark.parametrize(("low", "high", "shown"), [
    ("12 Months", "21 Years", "1 year to 21 years"),  # as other trials write it
    ("1 Year", "1 Year", "1 year to 1 year"),
    ("24 months", "", "2 years and older"),
    ("18 Months", "36 Months", "18 months to 3 years"),
    ("", "6 Months", "Up to 6 months"),
    ("1 Week", "2.5 Years", "1 week to 2.5 years"),
    ("0 Months", "", "Any age"),  # from birth
    ("0 Years", "18 Years", "Up to 18 years"),
    ("", "", "Any age"),
])
def test_ages_read_in_plain_words_and_whole_years_as_years(low, high, shown):
    assert make_trial(nct(1), minimum_age=low, maximum_age=high).age_display == shown


def test_trial_page_shows_every_part(client, full_trial):
    response = client.get("/trials/NCT01234567/")
    html = page_text(response)
    assert '<h1 id="page-title">Proton therapy with bone sparing (BONES)</h1>' in html
    assert '<span class="status-badge status-badge--open">Open to new patients</span>' in html
    assert '<span class="registry-status">Registry status: Recruiting</span>' in html
    assert "<div><dt>Phase</dt><dd>Phase 2/3</dd></div>" in html
    assert "<div><dt>Ages</dt><dd>6 months to 21 years</dd></div>" in html
    assert "<dd>January 4, 2018</dd>" in html
    assert "<dd>March 2027 (expected)</dd>" in html
    assert "Children&#x27;s Oncology Group" in html
    # The plain-language summary first, then the registry's.
    assert "<p>Families: a <strong>short</strong> version.</p>" in html
    assert "<p>The registry's own summary.</p>" in html
    assert html.index("Families: a") < html.index("own summary.")
    assert html.index("About this trial</h2>") < html.index("Summary from the registry</h2>")
    # Eligibility rendered from Markdown, outcomes and interventions.
    eligibility = block(html, '<section aria-labelledby="eligibility">')
    assert "<li>Age under 22</li>" in eligibility
    assert "<li>Signed consent</li>" in eligibility
    assert "Loss of standing height" in block(html, '<section aria-labelledby="outcomes">')
    assert "(time frame: 5 years)" in html
    assert "<strong>Proton craniospinal irradiation</strong> (Radiation)" in html
    # Where it runs here: published sites only, linked.
    here = block(html, '<section aria-labelledby="here"')
    assert '<a href="/care/oncology-clinic/">Oncology Clinic</a>' in here
    assert "Hidden Clinic" not in html
    # The registry record and dates.
    assert ('<a href="https://clinicaltrials.gov/study/NCT01234567">'
            "NCT01234567 on ClinicalTrials.gov</a>") in html
    assert "Registry last updated: August 2015" in html
    assert "We last checked the registry on January 5, 2026." in html


def test_how_to_join_is_shown_while_the_trial_is_open(client, full_trial):
    html = page_text(client.get("/trials/NCT01234567/"))
    joining = block(html, '<section class="contact-box" aria-labelledby="joining">')
    assert "How to ask about joining" in joining
    assert "Trial nurse Kim" in joining
    assert '<a href="tel:+16175550100">617 555 0100</a>' in joining
    assert '<a href="mailto:trials@example.org">trials@example.org</a>' in joining
    assert "Not taking new patients" not in html


@pytest.mark.parametrize("status", [OverallStatus.AVAILABLE])
def test_expanded_access_is_open_too(client, full_trial, status):
    full_trial.overall_status = status
    full_trial.save()
    html = page_text(client.get("/trials/NCT01234567/"))
    assert "How to ask about joining" in html
    assert '<span class="registry-status">Registry status: Available</span>' in html


@pytest.mark.parametrize(("status", "badge"), [
    (OverallStatus.COMPLETED, "Closed"),
    (OverallStatus.ACTIVE_NOT_RECRUITING, "In progress"),
    (OverallStatus.NOT_YET_RECRUITING, "Not yet recruiting"),
])
def test_how_to_join_is_absent_unless_open(client, full_trial, status, badge):
    full_trial.overall_status = status
    full_trial.save()
    html = page_text(client.get("/trials/NCT01234567/"))
    assert "How to ask about joining" not in html
    assert "Trial nurse Kim" not in html
    assert "trials@example.org" not in html
    assert "Not taking new patients" in html
    assert f">{badge}</span>" in html
    assert "Open to new patients</span>" not in html


@pytest.mark.parametrize(("status", "heading"), [
    (OverallStatus.RECRUITING, "Who can join"),
    (OverallStatus.AVAILABLE, "Who can join"),
    (OverallStatus.ACTIVE_NOT_RECRUITING, "Who could join"),
    (OverallStatus.ENROLLING_BY_INVITATION, "Who could join"),
    (OverallStatus.NOT_YET_RECRUITING, "Who could join"),
    (OverallStatus.COMPLETED, "Who could join"),
])
def test_who_can_join_is_said_only_of_trials_taking_new_patients(
        client, full_trial, status, heading):
    full_trial.overall_status = status
    full_trial.save()
    html = page_text(client.get("/trials/NCT01234567/"))
    assert f'<h2 id="eligibility">{heading}</h2>' in html


@pytest.mark.parametrize("path", ["/trials/nct01234567/", "/trials/Nct01234567/"])
def test_lower_case_nct_number_redirects_permanently(client, full_trial, path):
    response = client.get(path)
    assert response.status_code == 301
    assert response.url == "/trials/NCT01234567/"


@pytest.mark.parametrize("path", ["/trials/NCT07654321/", "/trials/nct07654321/",
                                  "/trials/NCT123/", "/trials/XYZ01234567/"])
def test_unknown_trial_is_404(client, full_trial, path):
    assert client.get(path, follow=True).status_code == 404


@pytest.mark.parametrize("fields", [
    {"status": Trial.Status.DRAFT},
    {"publish_at": timezone.now() + datetime.timedelta(days=2)},
])
def test_unpublished_trial_is_404_for_the_public(client, django_user_model, full_trial, fields):
    Trial.objects.filter(pk=full_trial.pk).update(**fields)
    assert client.get("/trials/NCT01234567/").status_code == 404

    # A content editor cannot see trials in the admin, so gets no preview either.
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.CONTENT_EDITORS))
    client.force_login(editor)
    assert client.get("/trials/NCT01234567/").status_code == 404

    # Its coordinator, signed in with the second step, previews it, with the banner.
    coordinator = django_user_model.objects.create_user("coordinator", is_staff=True)
    coordinator.groups.add(Group.objects.get(name=roles.TRIAL_COORDINATORS))
    full_trial.coordinators.add(coordinator)
    client.force_login(two_step_verified(coordinator))
    html = page_text(client.get("/trials/NCT01234567/"))
    assert "<strong>Preview.</strong>" in html
    assert f"/admin/trials/trial/{full_trial.pk}/change/" in html


def test_published_trial_page_has_no_preview_banner(client, full_trial):
    assert "Preview." not in page_text(client.get("/trials/NCT01234567/"))


def test_trial_card_shows_the_summary_as_plain_text(client, full_trial):
    """The card's summary is the rendered summary without its tags, never escaped markup."""
    html = page_text(client.get("/trials/"))
    summary = block(html, '<p class="trial-card__summary">', "</p>")
    assert "Families: a short version." in summary
    assert "&lt;" not in summary


def test_trial_page_description_is_plain_text(client, full_trial):
    html = page_text(client.get("/trials/NCT01234567/"))
    assert '<meta name="description" content="Families: a short version.">' in html


# The condition page's "Clinical trials" block ------------------------------------------------

def condition_with_trials(*statuses):
    condition = make_condition("neuroblastoma", name="Neuroblastoma")
    for number, status in enumerate(statuses, start=1):
        make_trial(nct(number), brief_title=f"Trial {number}",
                   overall_status=status).conditions.add(condition)
    draft = make_trial(nct(99), brief_title="Draft trial", status=Trial.Status.DRAFT,
                       overall_status=OverallStatus.RECRUITING)
    draft.conditions.add(condition)
    make_trial(nct(98), brief_title="Another condition's trial")
    return condition


def trials_block(client):
    html = page_text(client.get("/conditions/neuroblastoma/"))
    return html, block(
        html, '<section class="related-block" aria-labelledby="clinical-trials">'
    )


def see_all(condition_name="Neuroblastoma", slug="neuroblastoma"):
    return (f'<a href="/trials/?condition={slug}">See all {condition_name} trials</a></p>')


def test_condition_page_lists_trials_not_closed_and_counts_them_all(client):
    condition_with_trials(
        OverallStatus.COMPLETED, OverallStatus.RECRUITING, OverallStatus.COMPLETED,
        OverallStatus.ACTIVE_NOT_RECRUITING, OverallStatus.COMPLETED,
    )
    html, trials = trials_block(client)
    assert ('<p class="trial-count">5 trials: 1 open to new patients, 1 in progress, 3 closed. '
            + see_all()) in trials
    # Open first, then in progress; closed trials are counted, not listed.
    assert re.findall(r'href="/trials/(NCT\d{8})/"', trials) == [nct(2), nct(4)]
    assert "status-badge--closed" not in trials
    assert "Draft trial" not in html
    assert "Another condition" not in html
    assert links(trials)["See all Neuroblastoma trials"] == "/trials/?condition=neuroblastoma"
    assert '<a href="#clinical-trials">Clinical trials</a>' in html
    # One trial is open, so there is no "nothing open" note.
    assert "trials-empty" not in trials


def test_condition_page_count_line_adds_upcoming_trials(client):
    condition_with_trials(
        OverallStatus.RECRUITING, OverallStatus.ACTIVE_NOT_RECRUITING,
        OverallStatus.COMPLETED, OverallStatus.COMPLETED, OverallStatus.COMPLETED,
        OverallStatus.NOT_YET_RECRUITING,
    )
    _, trials = trials_block(client)
    assert ('<p class="trial-count">6 trials: 1 open to new patients, 1 in progress, '
            "1 not yet recruiting, 3 closed. " + see_all()) in trials
    assert re.findall(r'href="/trials/(NCT\d{8})/"', trials) == [nct(1), nct(2), nct(6)]


def test_condition_page_shows_six_trials_open_first_and_links_to_the_rest(client):
    condition = condition_with_trials(*[OverallStatus.COMPLETED] * 3)
    for number in range(10, 30):  # 20 open trials, titled in reverse order of their number
        make_trial(nct(number), brief_title=f"Open trial {99 - number}",
                   overall_status=OverallStatus.RECRUITING).conditions.add(condition)
    for number in range(40, 42):
        make_trial(nct(number), brief_title=f"Active trial {number}",
                   overall_status=OverallStatus.ENROLLING_BY_INVITATION).conditions.add(condition)
    html, trials = trials_block(client)
    assert trials.count('<li class="trial-card">') == 6
    assert trials.count("status-badge--open") == 6
    # The first six open ones by title: "Open trial 70" (NCT..29) to "Open trial 75" (NCT..24).
    assert re.findall(r'href="/trials/(NCT\d{8})/"', trials) == [nct(n) for n in range(29, 23, -1)]
    assert ('<p class="trial-count">25 trials: 20 open to new patients, 2 in progress, '
            "3 closed. " + see_all()) in trials
    assert "Active trial" not in html
    # The link leads to all 25, closed ones included.
    assert result_count(client.get("/trials/?condition=neuroblastoma")) == (
        "25 trials match your search (page 1 of 2)")


def test_condition_page_with_only_closed_trials_counts_them(client):
    condition_with_trials(OverallStatus.COMPLETED, OverallStatus.TERMINATED)
    html, trials = trials_block(client)
    assert '<ul class="trial-list">' not in trials
    assert ('<p class="trial-count">2 trials: 0 open to new patients, 0 in progress, '
            "2 closed. " + see_all()) in trials
    assert '<a href="#clinical-trials">Clinical trials</a>' in html
    assert "None of our Neuroblastoma trials is open to new patients right now." in trials
    assert links(trials)["Find a trial in our trial finder"] == "/trials/"


def test_condition_page_with_trials_in_progress_only_lists_them_and_says_none_is_open(client):
    condition_with_trials(OverallStatus.ACTIVE_NOT_RECRUITING, OverallStatus.COMPLETED)
    _, trials = trials_block(client)
    assert re.findall(r'href="/trials/(NCT\d{8})/"', trials) == [nct(1)]
    assert "None of our Neuroblastoma trials is open to new patients right now." in trials


def test_condition_page_link_lists_the_same_trials(client):
    condition_with_trials(OverallStatus.RECRUITING, OverallStatus.COMPLETED)
    assert listed_numbers(client, "condition=neuroblastoma") == [1, 2]


def test_condition_page_without_trials_says_so_and_where_else_to_look(client):
    condition_with_trials()
    html, trials = trials_block(client)
    assert '<a href="#clinical-trials">Clinical trials</a>' in html
    assert "No clinical trials for Neuroblastoma are listed here right now." in trials
    assert "care team" in trials
    assert '<ul class="trial-list">' not in trials
    assert "trial-count" not in trials
    assert links(trials) == {
        "what a clinical trial is": "/trials/explained/",
        "Find a trial in our trial finder": "/trials/",
        "Search ClinicalTrials.gov for Neuroblastoma trials anywhere":
            "https://clinicaltrials.gov/search?cond=Neuroblastoma",
        "Back to top": "#top",
    }


def test_condition_page_registry_search_link_encodes_the_name(client):
    condition = make_condition("wilms", name="Wilms tumor & kidney")
    html = page_text(client.get(condition.get_absolute_url()))
    assert ('href="https://clinicaltrials.gov/search?cond=Wilms%20tumor%20%26%20kidney"'
            in html)


# The demo content ----------------------------------------------------------------------------

def test_demo_finds_the_open_trial_for_a_five_year_old(client):
    call_command("load_demo", verbosity=0)
    response = client.get("/trials/?status=open&age=5&condition=neuroblastoma")
    assert listed(response) == ["NCT99990003"]
    assert result_count(response) == "1 trial matches your search"


def test_demo_neuroblastoma_page_counts_five_trials_and_lists_the_two_not_closed(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent: still five
    _, trials = trials_block(client)
    assert ('<p class="trial-count">5 trials: 1 open to new patients, 1 in progress, 3 closed. '
            + see_all()) in trials
    assert re.findall(r'href="/trials/(NCT\d{8})/"', trials) == ["NCT99990003", "NCT99990004"]


# Query counts --------------------------------------------------------------------------------

def published_trials(count, condition, sites):
    """`count` published trials, each linked to a condition and a care site."""
    trials = Trial.objects.bulk_create([
        Trial(nct_id=nct(1000 + i), brief_title=f"Bulk trial {i:04d}",
              overall_status=OverallStatus.RECRUITING if i % 2 else OverallStatus.COMPLETED,
              minimum_age="1 Year", maximum_age="21 Years", minimum_age_years=1.0,
              maximum_age_years=21.0, status=Trial.Status.PUBLISHED, publish_at=PAST)
        for i in range(count)
    ])
    Trial.conditions.through.objects.bulk_create([
        Trial.conditions.through(trial=trial, condition=condition) for trial in trials
    ])
    Trial.care_sites.through.objects.bulk_create([
        Trial.care_sites.through(trial=trial, caresite=sites[(i // 2) % len(sites)])
        for i, trial in enumerate(trials)
    ])


def count_queries(client, url):
    cache.clear()  # rendered, not served from the page cache
    schedule_known()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert listed(response), "the page lists no trial"
    return len(queries)


# The count of matching trials, the header's page links and "Call us" number, the published
# conditions and care sites offered as filter choices, the page of trials and their published
# care sites (one prefetch for the whole page).
LIST_QUERIES = 7
# The same: the condition and the care site named by their slugs are joined, not looked up.
FILTERED_QUERIES = 7
FILTERED_URL = "/trials/?condition=neuroblastoma&site=oncology-clinic&age=5&status=open"


@pytest.mark.parametrize("count", [10, 200])
def test_listing_queries_do_not_grow_with_trials(client, count):
    condition = make_condition()
    sites = [make_site("oncology-clinic"), make_site("infusion-center")]
    published_trials(count, condition, sites)
    assert count_queries(client, "/trials/") == LIST_QUERIES
    assert count_queries(client, "/trials/?page=2") == LIST_QUERIES
    assert count_queries(client, FILTERED_URL) == FILTERED_QUERIES


def condition_page_queries(client, slug):
    cache.clear()
    schedule_known()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/conditions/{slug}/")
    assert response.status_code == 200
    return len(queries)


def test_condition_page_trial_block_queries_do_not_grow_with_trials(client):
    sites = [make_site("oncology-clinic"), make_site("infusion-center")]
    few = make_condition("few")
    many = make_condition("many")
    Trial.objects.bulk_create([
        Trial(nct_id=nct(i), brief_title=f"Trial {i}", status=Trial.Status.PUBLISHED,
              publish_at=PAST, overall_status=OverallStatus.RECRUITING)
        for i in range(1, 33)
    ])
    for index, trial in enumerate(Trial.objects.order_by("nct_id")):
        trial.conditions.add(few if index < 2 else many)
        trial.care_sites.set(sites)
    none = make_condition("none")
    assert condition_page_queries(client, "few") == condition_page_queries(client, "many")
    assert condition_page_queries(client, "none") == condition_page_queries(client, "few")
    assert "No clinical trials for" in page_text(client.get(none.get_absolute_url()))
    html = page_text(client.get("/conditions/many/"))
    assert html.count('<li class="trial-card">') == 6
    assert "30 trials: 30 open to new patients, 0 in progress." in html


# Sanitising ----------------------------------------------------------------------------------

@pytest.fixture
def hostile_trial():
    trial = make_trial(
        "NCT06666666",
        brief_title=HOSTILE,
        acronym="<b onmouseover=alert(4)>",
        official_title=HOSTILE,
        plain_summary=HOSTILE,
        brief_summary=HOSTILE,
        eligibility_criteria=HOSTILE,
        overall_status=OverallStatus.RECRUITING,
    )
    trial.primary_outcomes.create(measure=HOSTILE, time_frame=HOSTILE)
    Intervention.objects.create(trial=trial, name=HOSTILE, description=HOSTILE)
    Contact.objects.create(trial=trial, name=HOSTILE, phone="<script>x</script>")
    trial.care_sites.add(make_site("oncology-clinic"))
    return trial


@pytest.mark.parametrize("url", ["/trials/", "/trials/NCT06666666/", "/trials/?q=alert"])
def test_hostile_text_renders_inert(client, hostile_trial, url):
    html = page_text(client.get(url))
    assert "NCT06666666" in html
    assert "alert(1)" in html  # the text is shown, as text
    assert active_content(html) == []


def test_hostile_text_renders_inert_on_the_condition_page(client, hostile_trial):
    hostile_trial.conditions.add(make_condition())
    html = page_text(client.get("/conditions/neuroblastoma/"))
    assert "NCT06666666" in html
    assert active_content(html) == []


def test_stored_html_is_sanitised(hostile_trial):
    for html in (hostile_trial.plain_summary_html, hostile_trial.brief_summary_html,
                 hostile_trial.eligibility_criteria_html):
        assert active_content(html) == []
        assert "<script" not in html
        assert "javascript:" not in html


def test_a_condition_published_after_start_up_can_be_filtered_on(client):
    trial = make_trial(nct(7))
    other = make_trial(nct(8))
    condition = make_condition("ewing-sarcoma", publish_at=timezone.now())
    trial.conditions.add(condition)
    response = client.get("/trials/", {"condition": "ewing-sarcoma"})
    assert listed(response) == [trial.nct_id]
    assert other.nct_id not in page_text(response)


def test_trial_page_lists_only_published_locations_of_its_sites(client):
    from care_sites.models import Location

    site = make_site("oncology-clinic")
    site.locations.add(
        Location.objects.create(name="Open campus", slug="open", street_address="1 Way",
                                city="Oakland", postal_code="94609", status="published",
                                publish_at=PAST),
        Location.objects.create(name="Secret campus", slug="secret", street_address="2 Way",
                                city="Hiddenville", postal_code="94000", status="draft"),
    )
    trial = make_trial(nct(9))
    trial.care_sites.add(site)
    html = page_text(client.get(f"/trials/{trial.nct_id}/"))
    assert "Oakland" in html
    assert "Hiddenville" not in html


# One search definition for the trial finder and site search ----------------------------------

def site_search_numbers(client, query, partial=False):
    """The trials site search leads to: its results (linked to a section or not), or the
    trial an NCT number goes straight to. Pages holding only some of the words, which it
    lists when none holds them all, count only when `partial` is asked for."""
    response = client.get("/search/", {"q": query})
    html = (f'href="{response["Location"]}"' if response.status_code == 302
            else response.content.decode())
    if ("No page has all the words" in html) != partial:
        return []
    return sorted({int(n[3:]) for n in re.findall(r'href="/trials/(NCT[0-9]{8})/[#"]', html)})


@pytest.mark.parametrize(("query", "expected"), [
    ("osteo", [2]),  # official title only
    ("BONSAI", [1]),  # acronym
    ("relapsed", [3]),  # registry conditions
    ("gentle", [4]),  # plain-language summary
    ("NCT00000003", [3]),
    ("bonsai relapsed", []),
])
def test_the_trial_finder_and_site_search_find_the_same_trials(client, query, expected):
    make_trial(nct(1), brief_title="Proton therapy", acronym="BONSAI")
    make_trial(nct(2), brief_title="Bone study", official_title="A study of osteosarcoma")
    make_trial(nct(3), brief_title="Maintenance", registry_conditions="Relapsed neuroblastoma")
    make_trial(nct(4), brief_title="Imaging", plain_summary="A gentle scan.")
    make_trial(nct(5), brief_title="Hidden osteo BONSAI", status=Trial.Status.DRAFT)
    assert listed_numbers(client, f"q={query}") == expected
    assert site_search_numbers(client, query) == expected
    if not expected:  # site search then lists the trials holding some of the words
        assert site_search_numbers(client, query, partial=True) == [1, 3]


def test_the_phase_filter_offers_every_phase_the_registry_knows(client):
    assert [label for _, label in PHASE_CHOICES] == Phase.labels
    for value, _ in PHASE_CHOICES:
        assert client.get(f"/trials/?phase={value}").status_code == 200


@pytest.mark.postgresql
def test_the_finder_counts_open_trials_for_an_age_from_an_index_alone():
    # The count of "open, age 5" reads only trial_finder_count_idx (an index-only scan):
    # every column its filter reads is in the index. Sequential and bitmap scans are turned
    # off for this one statement so that the plan does not depend on the table's size.
    from django.http import QueryDict

    from trials.filters import TrialFilter
    from trials.views import listed_trials

    make_trial(nct(1), overall_status=OverallStatus.RECRUITING, minimum_age_years=1)
    matches = TrialFilter(QueryDict("status=open&age=5"), queryset=listed_trials()).qs
    sql, params = matches.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN SELECT count(*) FROM ({sql}) matches", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using trial_finder_count_idx" in plan, plan
    assert matches.count() == 1


@pytest.mark.parametrize("status", [OverallStatus.RECRUITING, OverallStatus.COMPLETED])
def test_a_trial_page_links_to_what_its_status_means(client, status):
    trial = make_trial(nct(1), overall_status=status)
    html = client.get(trial.get_absolute_url()).content.decode()
    link = re.search(r'<a class="trial-status-help" href="([^"]+)">What this status means</a>',
                     html)
    assert link, "no link to the explanation of the status"
    page, anchor = link[1].split("#")
    assert anchor == f"status-{trial.status_group}"
    assert f'id="{anchor}"' in client.get(page).content.decode()


@pytest.mark.parametrize(("typed", "expected"), [
    ("5 years", [2]), ("5 Years old", [2]), ("18 months", [1]), ("6 weeks", []),
    ("2.5", [1]),
    # A half as families write it, and a decimal comma.
    ("2,5", [1]), ("1 1/2", [1]), ("1½", [1]), ("4 and a half", [2]), ("4½ years", [2]),
    ("2,5 years old", [1]), ("5 1/2 months", []), ("7 and a half months", [1]),
    ("\u00bd", [1]), ("1/2", [1]), ("1\u00bdyears", [1]),
    # Units shortened, and an age in two parts.
    ("2y", [1]), ("1 yr", [1]), ("6mo", [1]), ("8 wks", []), ("5 y/o", [2]),
    ("5 years 6 months", [2]), ("1 yr and 3 mos", [1]), ("4y 6m", [2]), ("2 years, 11 months", [1]),
])
def test_an_age_may_be_typed_with_its_unit(client, typed, expected):
    make_trial(nct(1), minimum_age="6 Months", maximum_age="3 Years")
    make_trial(nct(2), minimum_age="4 Years", maximum_age="10 Years")
    response = client.get("/trials/", {"age": typed})
    assert listed_numbers(client, f"age={typed}") == expected
    assert f'value="{typed}"' in page_text(response)  # shown back as typed
    assert "Enter your child" not in page_text(response)


@pytest.mark.parametrize("typed", ["five", "1,000",  # a thousand is no decimal comma
                                   "5 parsecs", "2 years months", "3 years 4"])
def test_an_age_that_cannot_be_read_says_how_to_write_it(client, typed):
    make_trial(nct(1))
    html = page_text(client.get("/trials/", {"age": typed}))
    assert ("Enter your child&#x27;s age in years as a number, for example 5, or with months "
            "or weeks, for example 18 months.") in html


def test_a_demo_trial_links_to_no_registry_record(client):
    """Its number is an example, which ClinicalTrials.gov has no record of: before, the page
    and its JSON-LD (sameAs) pointed there, to a page that does not exist."""
    call_command("load_demo", verbosity=0)
    html = client.get("/trials/NCT99990003/").content.decode()
    assert "clinicaltrials.gov/study/NCT99990003" not in html
    assert "NCT99990003 is an example number: this trial has no record on ClinicalTrials.gov." \
        in html
    trial = make_trial(nct_id="NCT01234568")
    assert trial.registry_url == "https://clinicaltrials.gov/study/NCT01234568"


def test_the_finder_reads_odd_search_words_plainly(client):
    make_trial("NCT01234567", brief_title="Naxitamab for neuroblastoma")
    # A null byte or another control character is a space, as in the site search; before,
    # it was written back into the box and refused as "Null characters are not allowed."
    response = client.get("/trials/", {"q": "naxitamab\x00neuroblastoma"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "\x00" not in html
    assert "Null characters" not in html
    assert listed(response) == ["NCT01234567"]
    # Fullwidth letters and a soft hyphen pasted in a word, read as site search reads them.
    assert listed(client.get("/trials/", {"q": "\uff4eaxitamab neuro\u00adblastoma"})) == [
        "NCT01234567"]
    # A search too long is refused in plain words (before: "Ensure this value has at most
    # 200 characters (it has 5000).").
    html = client.get("/trials/", {"q": "a" * 5000}).content.decode()
    assert "Please shorten your search to 200 characters or fewer (it has 5000)." in html
    assert "Ensure this value" not in html
