import datetime
import re
import shutil
from html import unescape as htmllib_unescape
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape, strip_tags

from care_sites.models import Language, SupportService
from care_sites.tests.factories import make_location, make_service, make_site
from conditions.models import Condition
from conditions.tests.factories import make_condition, make_glossary_term, make_section
from portal import cache as page_cache
from portal import roles
from portal import search as site_search
from portal.forms import printable
from portal.models import OTHER_SEARCHES_LABEL, SearchDocument, SearchQueryStat, SearchWord
from portal.tasks import refresh_search_for_schedule
from portal.tests.support import active_content, staff_user
from trials.models import Trial
from trials.tests.factories import make_trial

pytestmark = pytest.mark.django_db
POSTGRESQL = pytest.mark.postgresql


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def page(client, q, **params):
    response = client.get("/search/", {"q": q, **params})
    assert response.status_code == 200, (q, response.status_code)
    return response.content.decode()


def result_links(html):
    return re.findall(r'<h2 class="h5 mb-1"><a href="([^"]*)">', html)


def on_postgresql():
    return connection.vendor == "postgresql"


def sql_value(sql):
    """The one value a statement reads."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


# What families type (the issue's examples) -------------------------------------------------

@pytest.mark.parametrize(("query", "link"), [
    ("MIBG", "/conditions/neuroblastoma/#treatment-mibg-therapy"),  # the part it heads
    ("MIBG scan", "/conditions/neuroblastoma/#diagnosis"),
    ("wheezing", "/conditions/neuroblastoma/#symptoms"),
    ("hereditary", "/conditions/neuroblastoma/#risk-factors"),
    ("catecholamines", "/conditions/neuroblastoma/#diagnosis"),
    ("tandem transplant", "/conditions/neuroblastoma/#treatment-bone-marrow-stem-cell-transplant"),
    ("4S", "/conditions/neuroblastoma/#staging-stage-4s-special"),
    ("stage 4", "/conditions/neuroblastoma/#staging-disseminated"),
    # A stage's number as families type it and as pages write it.
    ("stage four", "/conditions/neuroblastoma/#staging-disseminated"),
    ("wilms stage 4", "/conditions/nephroblastoma/#staging-stage-iv"),
    ("wilms tumour stage three", "/conditions/nephroblastoma/#staging-stage-iii"),
    ("stage ii wilms", "/conditions/nephroblastoma/#staging-stage-ii"),
    ("parking", "/care/locations/oakland-campus/#parking"),
    ("directions", "/care/locations/oakland-campus/#directions"),
    ("directions to oakland", "/care/locations/oakland-campus/#directions"),
    ("BART", "/care/locations/oakland-campus/#transit"),
    ("opening hours", "/care/locations/oakland-campus/#opening-hours"),
    ("saturday", "/care/locations/san-francisco-campus/#opening-hours"),
    ("hours", "/care/locations/walnut-creek-campus/#opening-hours"),
    ("interpreter Spanish", "/support/interpreter-services/"),
    ("naxitamab", "/trials/NCT99990003/"),
    # A family's words for what a service does.
    ("financial help", "/support/social-services/"),
    # Other endings of the words on the page ("look like bruises").
    ("bruising around eyes", "/conditions/neuroblastoma/#symptoms"),
    ("bruising", "/conditions/neuroblastoma/#symptoms"),
])
def test_words_inside_pages_find_their_section(client, demo, query, link):
    links = result_links(page(client, query))
    assert any(found.startswith(link) for found in links), (query, links)


def test_a_part_headed_by_the_word_ranks_above_a_mention_in_a_text(client, demo):
    """The campuses' "Parking" parts come before the story that mentions a social worker's
    help with parking, which the alphabet alone would put first."""
    links = result_links(page(client, "parking"))
    assert links[:3] == ["/care/locations/oakland-campus/#parking",
                         "/care/locations/san-francisco-campus/#parking",
                         "/care/locations/walnut-creek-campus/#parking"]
    assert "/conditions/stories/a-first-birthday-for-baby-theo/" in links[3:]
    document = SearchDocument.objects.get(url="/care/locations/oakland-campus/")
    assert document.headings.splitlines()[:4] == ["Directions", "Parking", "Public transit",
                                                  "Opening hours"]


def test_a_staging_category_is_found_by_its_definition_and_by_its_treatment_options(
        client, demo):
    """The definition links to the category's entry in the staging list; its treatment
    options (a list: each ends with a semicolon where it has no punctuation of its own,
    and options that differ by age say which age they are for) link to its heading in the
    treatment by category, where they are. Before, both linked to the staging list, about
    80 lines above the options a snippet showed."""
    html = page(client, "stage 4")
    assert "/conditions/neuroblastoma/#staging-disseminated" in result_links(html)
    parts = SearchDocument.objects.get(url="/conditions/neuroblastoma/").parts
    text = next(part[2] for part in parts if part[0] == "treatment:regional")
    assert "Younger than 1 year: Surgery; Chemotherapy; 1 year or older: Surgery alone;" in text
    assert next(part[1] for part in parts if part[0] == "treatment:regional") == \
        "Treatment: Regional"
    assert "Surgery alone" not in next(part[2] for part in parts
                                       if part[0] == "staging-regional")
    nant = page(client, "NANT consortium")
    assert result_links(nant)[0] == "/conditions/neuroblastoma/#treatment:recurrent"
    assert "In \u201cTreatment: Recurrent\u201d" in nant
    staging = client.get("/conditions/neuroblastoma/").content.decode()
    assert 'id="staging-disseminated"' in staging
    assert 'href="#staging-disseminated"' in staging
    assert '<h4 class="treatment-category__name" id="treatment:recurrent">Recurrent</h4>' \
        in staging


@pytest.mark.parametrize(("query", "link"), [
    ("neuroblastoma staging", "/conditions/neuroblastoma/#staging"),
    ("neuroblastoma causes", "/conditions/neuroblastoma/#causes"),
    ("neuroblastoma surgery", "/conditions/neuroblastoma/#treatment-surgery"),
    ("neuroblastoma radiation therapy",
     "/conditions/neuroblastoma/#treatment-radiation-therapy"),
    ("neuroblastoma questions", "/conditions/neuroblastoma/#questions-to-ask-your-care-team"),
    ("wilms tumor treatment", "/conditions/nephroblastoma/#treatment"),
    ("wilms tumour treatment", "/conditions/nephroblastoma/#treatment"),
])
def test_a_condition_and_a_topic_lead_to_the_part_about_the_topic(client, demo, query, link):
    """Not to the first part that happens to mention both (the overview names the condition
    and most topics)."""
    links = result_links(page(client, query))
    page_path = link.split("#")[0]
    assert [found for found in links if found.split("#")[0] == page_path] == [link], links


@pytest.mark.parametrize(("query", "section", "url", "snippet"), [
    ("garage", "Parking", "/care/x/#parking", "<mark>Garage</mark> on level 2."),
    ("parking", "Parking", "/care/x/#parking", "Garage on level 2."),
    ("bus", "Getting here", "/care/x/#transit",
     "The <mark>bus</mark> stops outside. Parking is limited."),
    ("campus", "", "/care/x/", "The main <mark>campus</mark>."),
    ("qwxyzzy", "", "/care/x/", "The main campus."),  # a misspelling found by similarity
    # Several words: the first part that holds them all, else the first with any.
    ("bus parking", "Getting here", "/care/x/#transit",
     "The <mark>bus</mark> stops outside. <mark>Parking</mark> is limited."),
    ("garage qwxyzzy", "Parking", "/care/x/#parking", "<mark>Garage</mark> on level 2."),
    # Common words are not marked (full-text search leaves them out) unless that is all.
    ("where is the bus", "Getting here", "/care/x/#transit",
     "The <mark>bus</mark> stops outside. Parking is limited."),
    ("the", "", "/care/x/", "<mark>The</mark> main campus."),
])
def test_a_result_links_to_the_first_part_that_matches(query, section, url, snippet):
    """The heading or text of a part, searched once over all parts: the first part that
    matches gives the section, its anchor and the snippet; no match gives the summary."""
    document = site_search.Found(
        kind="location", title="X", names="X", summary="The main campus.", url="/care/x/",
        parts=[["overview", "Overview", "Open every day."],
               ["parking", "Parking", "Garage on level 2."],
               ["transit", "Getting here", "The bus stops outside. Parking is limited."]])
    found = site_search.result(document, site_search.match_pattern(query))
    assert (found.section, found.url, str(found.snippet)) == (section, url, snippet)


@pytest.mark.parametrize(("query", "anchor"), [
    # The words the page's names do not hold lead to the part they head, not to the first
    # part that mentions every word.
    ("neuroblastoma staging", "staging"),
    ("neuroblastoma stages", "staging"),
    ("Neuroblastoma radiation therapy", "treatment-radiation-therapy"),
    ("wilms tumour treatment", "treatment"),  # through another name, in British spelling
    ("treatment", "treatment"),
    ("surgery", "treatment-surgery"),
    # No part is headed by them: the first part that holds them all, then any.
    ("neuroblastoma surgery shrink", "overview"),
    ("neuroblastoma surgery tumor", "treatment-surgery"),  # "tumor": in another name
    ("urine", "diagnosis"),
    ("neuroblastoma", ""),  # the name alone: the page itself, from its summary
])
def test_a_result_links_to_the_part_headed_by_the_words_its_names_lack(query, anchor):
    document = site_search.Found(
        kind="condition", title="Neuroblastoma", names="Neuroblastoma\nWilms tumor",
        summary="Neuroblastoma is a cancer of nerve cells in young children.",
        url="/conditions/n/",
        parts=[["overview", "Overview",
                "Neuroblastoma treatment depends on its stage: surgery, chemotherapy or "
                "radiation therapy. The tumor may shrink."],
               ["diagnosis", "Diagnosis", "A urine test and scans."],
               ["treatment", "Treatment", "Each stage has its treatment."],
               ["treatment-surgery", "Surgery", "Removing the tumor."],
               ["treatment-radiation-therapy", "Radiation therapy", "High-energy rays."],
               ["staging", "Stages and risk groups", "Neuroblastoma is staged by scans."]])
    found = site_search.result(document, site_search.match_pattern(query))
    assert found.url == "/conditions/n/" + (f"#{anchor}" if anchor else "")


def test_list_items_do_not_run_together_in_the_indexed_text():
    from portal.markdown import render_markdown

    html = render_markdown("It can cause:\n\n- Wheezing\n- Trouble breathing\n"
                           "- Eye changes.\n  - Droopy eyelid\n\nSee a doctor & ask.")
    assert site_search.html_text(html) == (
        "It can cause: Wheezing; Trouble breathing; Eye changes. Droopy eyelid; "
        "See a doctor & ask.")
    assert site_search.html_text("<p>No list here.</p>") == "No list here."


@pytest.mark.parametrize(("query", "text"), [
    ("istanbul", "Our clinic in İstanbul"),  # "İ" in lower case gains a combining dot
    ("stem", "\N{LATIN SMALL LETTER LONG S}tem cells"),  # matches "s" when case is ignored
    ("clinic", "CLİNİC hours"),
    ("tumour", "A TUMOUR of the kidney"),
    ("tumour", "Nothing about it here"),
])
def test_finding_words_in_text_agrees_with_the_pattern(query, text):
    words = site_search.match_pattern(query)
    assert bool(words.search(text)) == bool(words.pattern.search(text))


def test_a_condition_name_lists_its_page_first_and_offers_to_go_there(client, demo):
    html = page(client, "neuroblastoma")
    links = result_links(html)
    assert links[0] == "/conditions/neuroblastoma/"
    assert "/conditions/nephroblastoma/" not in links[:1]
    assert re.search(r'Go to <a href="/conditions/neuroblastoma/">Neuroblastoma</a>', html)
    assert "<mark>Neuroblastoma</mark>" in html


def test_a_synonym_offers_its_condition(client, demo):
    html = page(client, "  Wilms   TUMOR ")
    assert result_links(html)[0] == "/conditions/nephroblastoma/"
    assert 'Go to <a href="/conditions/nephroblastoma/">Nephroblastoma</a>' in html
    assert 'value="Wilms TUMOR"' in html  # the query stays in the page's own box
    # In British spelling too.
    assert 'Go to <a href="/conditions/nephroblastoma/">Nephroblastoma</a>' in page(
        client, "wilms tumour")


@pytest.mark.parametrize("query", ["What is neuroblastoma?", "neuroblastoma.",
                                   "Is it neuroblastoma"])
def test_a_question_about_a_condition_offers_to_go_there(client, demo, query):
    html = page(client, query)
    assert 'Go to <a href="/conditions/neuroblastoma/">Neuroblastoma</a>' in html


def test_a_name_with_more_words_does_not_offer_to_go_there(client, demo):
    assert "Go to <a" not in page(client, "neuroblastoma treatment")
    assert "Go to <a" not in page(client, "wilms")


def test_a_plain_words_name_ranks_its_condition_above_mentions(client, demo):
    # Neuroblastoma's symptoms mention the eyes and cancer; Retinoblastoma is the eye cancer.
    assert result_links(page(client, "eye cancer"))[0] == "/conditions/retinoblastoma/"


def test_a_body_mention_alone_does_not_offer_go_to(client, demo):
    assert "Go to <a" not in page(client, "wheezing")
    # A glossary term is an item of its own: its exact name offers it.
    assert 'Go to <a href="/glossary/#term-catecholamines">' in page(client, "catecholamines")


def test_misspelling_and_british_spelling(client, demo):
    typo, british = page(client, "neuroblastomma"), page(client, "wilms tumour")
    # British spelling finds the page through its synonym on both databases (PostgreSQL by
    # trigram similarity, the simple search by trying the American spelling too).
    assert result_links(british)[0] == "/conditions/nephroblastoma/"
    if on_postgresql():  # trigram similarity finds the page itself
        assert result_links(typo)[0] == "/conditions/neuroblastoma/"
    # Either way the close name is offered: on PostgreSQL because no result holds the word.
    assert 'Did you mean <a href="?q=Neuroblastoma">Neuroblastoma</a>?' in typo
    assert 'Did you mean <a href="?q=Wilms%20tumor">Wilms tumor</a>?' in page(client,
                                                                           "wilms tumer")
    # Results that hold every word of the search offer nothing else.
    for query in ["wilms tumour", "neuroblastoma", "tumours", "stage 4", "families", "studies"]:
        assert "Did you mean" not in page(client, query), query


def test_a_british_spelling_finds_the_pages_that_use_the_american_one(client, demo):
    # The demo's pages say "tumor": "tumours" finds them on both databases, with the
    # American spelling marked in the snippets.
    html = page(client, "tumours")
    assert "Nothing matches" not in html
    assert "/conditions/nephroblastoma/" in result_links(html)
    assert re.search(r"<mark>tumors?</mark>", html)
    # Beside another word, the section that holds both (in either spelling) is linked.
    links = result_links(page(client, "tumour kidney"))
    assert any(link.startswith("/conditions/nephroblastoma/") for link in links)


def test_another_name_of_a_glossary_term_finds_the_pages_that_use_the_term(client):
    make_glossary_term("Radiation", other_forms="radiation therapy\nradiotherapy")
    make_glossary_term("Nausea", other_forms="feeling sick", status="draft")
    condition = make_condition(name="Neuroblastoma")
    make_section(condition, heading="Overview", body="A tumor of nerve cells.")
    make_section(condition, order=1, kind="treatment", heading="Treatment",
                 body="Some children have radiation after surgery.")
    make_section(condition, order=2, kind="symptoms", heading="Symptoms", anchor="symptoms",
                 body="Children may have nausea.")
    html = page(client, "radiotherapy")
    links = result_links(html)
    # The term's own entry first (its other name), then the page that says "radiation",
    # linked at the part that says it, with the word it uses marked.
    assert links[0] == "/glossary/#term-radiation", links
    assert any(link.startswith("/conditions/neuroblastoma/#treatment") for link in links), links
    assert "<mark>radiation</mark> after surgery" in html
    # Any of the names, beside other words.
    assert any(link.startswith("/conditions/neuroblastoma/")
               for link in result_links(page(client, "radiation therapy surgery")))
    # A draft term's names mean nothing yet.
    assert result_links(page(client, "feeling sick")) == []
    # Without the term, the other name is only a word again.
    from conditions.models import GlossaryTerm

    GlossaryTerm.objects.filter(slug="radiation").delete()
    assert result_links(page(client, "radiotherapy")) == []


def test_other_names_are_searched_only_when_the_name_finds_less_than_a_page(client):
    make_glossary_term("Radiation", other_forms="radiotherapy")
    only_radiation = make_condition(name="Ewing sarcoma", slug="ewing-sarcoma")
    make_section(only_radiation, body="Radiation after surgery.")
    for i in range(site_search.PER_PAGE):
        make_section(make_condition(name=f"Sarcoma {i}", slug=f"sarcoma-{i}"),
                     body="Radiotherapy after surgery.")
    counts, found, _, _ = site_search.find("radiotherapy")
    assert sum(counts.values()) == site_search.PER_PAGE + 1  # the pages and the term
    assert "/conditions/ewing-sarcoma/" not in [item.url for item in found.object_list]
    counts, _, _, _ = site_search.find("radiation")  # two: the term and Ewing sarcoma
    assert sum(counts.values()) == 2 + site_search.PER_PAGE  # then radiotherapy's too


def test_the_other_names_of_a_name_in_a_query(client):
    make_glossary_term("Stem cell transplant", other_forms="bone marrow transplant\ntransplant")
    make_glossary_term("CT scan", other_forms="CT\ncomputed tomography")
    def phrasings(query):
        return site_search.equivalent_phrasings(query)

    # Not a shorter name whose words it holds, which would find other transplants too.
    assert phrasings("bone marrow transplant for kids") == ["stem cell transplant for kids"]
    assert phrasings("transplant") == ["stem cell transplant", "bone marrow transplant"]
    # The longest name that begins at a word: "CT scan" rather than "CT".
    assert phrasings("ct scan results") == ["computed tomography results"]
    assert phrasings("Computed  Tomography") == ["ct scan", "ct"]
    # Not after a minus, nor across the edge of a quoted phrase.
    assert phrasings('"stem cell" -transplant') == []
    assert phrasings('"stem cell" transplant') == ['"stem cell" stem cell transplant',
                                                   '"stem cell" bone marrow transplant']
    assert phrasings("scan -ct") == []
    assert phrasings("nothing here") == []


@pytest.mark.parametrize(("query", "expected"), [
    ("tumours", "tumors"),
    ("Wilms TUMOUR", "Wilms tumor"),
    ('"paediatric centre" -anaemia', '"pediatric center" -anemia'),
    ("MIBG scan", ""),
    ("", ""),
])
def test_the_american_spelling_of_a_query(query, expected):
    assert site_search.american(query) == expected


def test_a_result_links_to_the_part_that_holds_every_word_in_either_spelling():
    document = site_search.Found(
        kind="condition", title="X", names="X", summary="About it.", url="/conditions/x/",
        parts=[["overview", "Overview", "A kidney is an organ."],
               ["signs", "Signs", "A tumor in the kidney."]])
    found = site_search.result(document, site_search.match_pattern("kidney tumours"))
    assert (found.section, found.url) == ("Signs", "/conditions/x/#signs")
    assert str(found.snippet) == "A <mark>tumor</mark> in the <mark>kidney</mark>."


@pytest.mark.parametrize(("word", "expected"), [
    ("tumour", ["tumor", "tumour"]),
    ("Tumours", ["tumors", "tumours"]),
    ("anaemia", ["anaemia", "anemia"]),
    ("oesophagus", ["esophagus", "oesophagus"]),
    ("centre", ["center", "centre"]),
    ("randomised", ["randomised", "randomized"]),
    ("four", ["four"]),
    ("MIBG", ["mibg"]),
])
def test_british_spellings_are_also_tried_in_american(word, expected):
    assert site_search.spellings(word) == expected


def test_did_you_mean_when_nothing_is_found(client, demo):
    # PostgreSQL's trigram matching finds close names by itself; the simple search needs
    # a name that is close but not contained.
    query, offered = ("tumer", "tumor") if on_postgresql() else ("retinoblastomma",
                                                                 "Retinoblastoma")
    html = page(client, query)
    assert f"Nothing matches “{query}”." in html
    assert f'Did you mean <a href="?q={offered}">{offered}</a>?' in html
    nothing = page(client, "qwertyuiop")
    assert "Did you mean" not in nothing
    assert '<a href="/conditions/">Conditions A to Z</a>' in nothing


def test_when_no_page_holds_every_word_pages_with_some_of_them_are_listed(client, demo):
    """A family types a sentence: one word no page holds must not hide the page about the
    rest."""
    html = page(client, "need a spanish interpreter")
    assert "No page has all the words of “need a spanish interpreter”." in html
    assert result_links(html)[0] == "/support/interpreter-services/"
    assert "<mark>interpreters</mark>" in html
    html = page(client, "is neuroblastoma an allergy")
    assert result_links(html)[0] == "/conditions/neuroblastoma/"
    # Every word found together is the usual search, without the notice.
    assert "No page has all the words" not in page(client, "spanish interpreter")
    # One word alone is not searched again; nothing found is still said plainly.
    assert "Nothing matches “qwxyzzy”." in page(client, "qwxyzzy")
    assert "Nothing matches “qwxyzzy plorf”." in page(client, "qwxyzzy plorf")


def test_a_match_in_a_list_of_conditions_says_plainly_where_it_is(client, demo):
    html = page(client, "retinoblastoma")
    sections = re.findall(r'<p class="search-result__section mb-1">(.*?)</p>', html)
    # Support services: the page's own heading, and a link to it.
    assert "In “For families dealing with”" in sections
    support = [link for link in result_links(html) if link.startswith("/support/")]
    assert support
    assert all(link.endswith("/#conditions") for link in support)
    assert 'id="conditions">For families dealing with</h2>' in client.get(
        support[0].split("#")[0]).content.decode()
    assert "In “Conditions treated”" in sections  # clinics
    assert not {"In “For”", "In “Read about”"} & set(sections)


def test_pages_holding_more_of_the_words_come_first_and_minus_words_stay_out(client):
    both = make_condition(slug="zz-both", name="Zz both", summary="Nothing to see.")
    make_section(both, body="Quokka and wombat care is described here.")
    named = make_condition(slug="quokka-tumour", name="Quokka tumour", summary="Made up.")
    unwanted = make_condition(slug="zz-unwanted", name="Zz unwanted", summary="Made up.")
    make_section(unwanted, body="Quokka wombat platypus.")
    links = result_links(page(client, "quokka wombat numbat"))
    # Two of the words in the text come before one of them in the name.
    assert links[0].startswith(both.get_absolute_url())
    assert links.index(named.get_absolute_url()) > 0
    assert any(link.startswith(unwanted.get_absolute_url()) for link in links)
    without = result_links(page(client, "quokka wombat numbat -platypus"))
    assert not any(link.startswith(unwanted.get_absolute_url()) for link in without)
    assert without[0].startswith(both.get_absolute_url())


@POSTGRESQL
def test_among_pages_with_as_many_of_the_words_a_rarer_word_counts_for_more(client):
    for number in range(6):
        make_section(make_condition(slug=f"common-{number}", name=f"Common {number}",
                                    summary="Made up."), body="Wombats are everywhere.")
    rare = make_condition(slug="rare-one", name="Rare one", summary="Made up.")
    make_section(rare, body="A numbat lives here.")
    links = result_links(page(client, "wombat numbat"))
    assert links[0].startswith(rare.get_absolute_url())
    assert len(links) == 7


def test_a_word_is_not_found_inside_another(client):
    make_condition(slug="rare-tumor", name="Rare tumor",
                   summary="It is possible to treat it. Brothers and sisters can help.")
    make_condition(slug="family-support", name="Family support",
                   summary="Help for a sibling of a child with cancer.")
    # "sibling" is searched by its stem ("sibl"), which "possible" holds inside it.
    assert result_links(page(client, "sibling")) == ["/conditions/family-support/"]
    assert result_links(page(client, "possible")) == ["/conditions/rare-tumor/"]


def test_name_match_ranks_above_body_match(client):
    mention = make_condition(slug="aaa-mentions", name="Aaa mentions",
                             summary="Not about it.")
    make_section(mention, body="Zebrafish zebrafish zebrafish are used in research. " * 5)
    named = make_condition(slug="zebrafish-tumour", name="Zebrafish tumour",
                           summary="A made-up page.")
    links = result_links(page(client, "zebrafish"))
    assert links[0] == named.get_absolute_url()
    assert links[1].startswith(mention.get_absolute_url())


def test_trials_open_to_new_patients_come_before_closed_ones(client):
    from trials.models import OverallStatus

    # The same words, and the closed trials first by title and by age. As in the trials
    # list: open, in progress, upcoming, closed.
    make_trial("NCT00000001", brief_title="Axolotl vaccine study",
               overall_status=OverallStatus.COMPLETED)
    make_trial("NCT00000002", brief_title="Axolotl vaccine study",
               overall_status=OverallStatus.NOT_YET_RECRUITING)
    make_trial("NCT00000006", brief_title="Axolotl vaccine study",
               overall_status=OverallStatus.ACTIVE_NOT_RECRUITING)
    make_trial("NCT00000003", brief_title="Axolotl vaccine study")  # recruiting
    links = result_links(page(client, "axolotl vaccine"))
    assert links == ["/trials/NCT00000003/", "/trials/NCT00000006/", "/trials/NCT00000002/",
                     "/trials/NCT00000001/"]
    # A closed trial named like the query still comes before an open one that only
    # mentions it.
    named = make_trial("NCT00000004", brief_title="Quokka growth study",
                       overall_status=OverallStatus.TERMINATED)
    make_trial("NCT00000005", brief_title="Another growth study", keywords="quokka")
    assert result_links(page(client, "quokka")) == [
        named.get_absolute_url(), "/trials/NCT00000005/"]  # its keywords: not on the page
    # Each trial result says where it stands, as the trials list does.
    html = page(client, "axolotl vaccine")
    badges = re.findall(r'<p class="search-result__type mb-1">Clinical trial '
                        r'<span class="status-badge status-badge--(\w+)">([^<]*)</span></p>',
                        html)
    assert badges == [("open", "Open to new patients"), ("active", "In progress"),
                      ("upcoming", "Not yet recruiting"), ("closed", "Closed")]
    # A trial that closes loses its place at once.
    trial = Trial.objects.get(nct_id="NCT00000003")
    trial.overall_status = OverallStatus.COMPLETED
    trial.save()
    assert result_links(page(client, "axolotl vaccine"))[0] == "/trials/NCT00000006/"
    assert result_links(page(client, "axolotl vaccine"))[2:] == ["/trials/NCT00000001/",
                                                                 "/trials/NCT00000003/"]


def test_one_ranked_list_with_type_filters(client, demo):
    html = page(client, "neuroblastoma")
    assert re.search(r'href="\?q=neuroblastoma&amp;type=trial">Clinical trials \(\d+\)</a>', html)
    trials_only = page(client, "neuroblastoma", type="trial")
    links = result_links(trials_only)
    assert links
    assert all(link.startswith("/trials/") for link in links)
    assert '<strong aria-current="page">Clinical trials' in trials_only
    # The tab's title says which results these are, as the page does.
    assert re.search(r"<title>Search: neuroblastoma, clinical trials( \(page 1 of \d+\))? \| ",
                     trials_only)
    assert re.search(r"<title>Search: neuroblastoma( \(page 1 of \d+\))? \| ", html)
    # An unknown type is ignored rather than an error.
    assert result_links(page(client, "neuroblastoma", type="nonsense"))[0] == (
        "/conditions/neuroblastoma/")


# Only live content ---------------------------------------------------------------------------

def test_drafts_are_never_found(client, demo):
    condition = Condition.objects.get(slug="retinoblastoma")
    condition.status = Condition.Status.DRAFT
    condition.save()
    assert "/conditions/retinoblastoma/" not in page(client, "retinoblastoma")
    trial = Trial.objects.get(nct_id="NCT99990003")
    trial.status = Trial.Status.DRAFT
    trial.save()
    assert "/trials/NCT99990003/" not in page(client, "naxitamab")
    # Nor does a draft's NCT number lead anywhere.
    assert client.get("/search/", {"q": "NCT99990003"}).status_code == 200


def test_a_draft_or_scheduled_item_is_not_found_through_what_lists_it(client, monkeypatch):
    later = timezone.now() + datetime.timedelta(hours=2)
    draft = make_condition(slug="unannounced", name="Unannouncedoma",
                           status=Condition.Status.DRAFT)
    scheduled = make_condition(slug="soon", name="Soonoblastoma", publish_at=later)
    hidden = make_location(slug="hidden-campus", name="Hiddenvale campus",
                           status=Condition.Status.DRAFT)
    site = make_site("tumor-board", name="Tumor board")
    site.conditions.add(draft, scheduled)
    site.locations.add(hidden)
    service = make_service(slug="family-help", name="Family help")
    service.conditions.add(draft, scheduled)
    trial = make_trial("NCT12345678")
    trial.conditions.add(draft, scheduled)
    for words in ["unannouncedoma", "soonoblastoma", "hiddenvale"]:
        assert result_links(page(client, words)) == [], words
    # Publishing the draft (a save) lists it at once; the scheduled one once its time has
    # passed, written again by the schedule's job or by the first page asked for after that
    # time (test_what_lists_an_item_is_found_through_it_only_while_it_is_live_...).
    draft.status = Condition.Status.PUBLISHED
    draft.save()
    assert set(result_links(page(client, "unannouncedoma"))) == {
        "/conditions/unannounced/", "/care/tumor-board/#treats-title",
        "/support/family-help/#conditions", "/trials/NCT12345678/#trial-conditions"}
    # The job runs every five minutes: here a minute after the time, before any page.
    monkeypatch.setattr(timezone, "now", lambda: later + datetime.timedelta(minutes=1))
    assert refresh_search_for_schedule.call() == {"written": 3}
    assert set(result_links(page(client, "soonoblastoma"))) == {
        "/conditions/soon/", "/care/tumor-board/#treats-title",
        "/support/family-help/#conditions", "/trials/NCT12345678/#trial-conditions"}


def test_scheduled_items_are_found_when_their_time_comes(client, monkeypatch):
    later = timezone.now() + datetime.timedelta(hours=2)
    make_condition(slug="osteosarcoma", name="Osteosarcoma", publish_at=later)
    assert "/conditions/osteosarcoma/" not in page(client, "osteosarcoma")
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(hours=3))
    assert result_links(page(client, "osteosarcoma")) == ["/conditions/osteosarcoma/"]


def test_items_leave_the_results_when_their_unpublish_time_passes(client, monkeypatch):
    make_condition(slug="ewing-sarcoma", name="Ewing sarcoma",
                   unpublish_at=timezone.now() + datetime.timedelta(hours=2))
    assert result_links(page(client, "ewing")) == ["/conditions/ewing-sarcoma/"]
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(hours=3))
    assert result_links(page(client, "ewing")) == []


def test_saving_and_deleting_parts_updates_the_index(client):
    condition = make_condition(slug="hepatoblastoma", name="Hepatoblastoma")
    synonym = condition.synonyms.create(name="Liver blastoma")
    assert result_links(page(client, "liver blastoma")) == ["/conditions/hepatoblastoma/"]
    synonym.delete()
    assert result_links(page(client, "liver blastoma")) == []

    section = make_section(condition, heading="Diagnosis", body="An AFP blood test helps.")
    assert result_links(page(client, "AFP")) == ["/conditions/hepatoblastoma/#diagnosis"]
    subsection = section.subsections.create(heading="Scans", body="A PRETEXT review.")
    assert result_links(page(client, "PRETEXT"))[0].startswith("/conditions/hepatoblastoma/#")
    subsection.body = "Nothing special."
    subsection.save()
    assert result_links(page(client, "PRETEXT")) == []

    category = condition.staging_categories.create(name="Very low risk", definition="Small.")
    category.options.create(text="Surgery alone")
    assert result_links(page(client, "surgery alone")) == [
        "/conditions/hepatoblastoma/#treatment:very-low-risk"]

    condition.delete()
    assert not SearchDocument.objects.filter(kind="condition").exists()


def test_languages_and_locations_are_kept_current(client):
    service = make_service(slug="interpreters", name="Interpreters")
    tagalog = Language.objects.create(name="Tagalog")
    service.languages.add(tagalog)
    assert result_links(page(client, "tagalog")) == ["/support/interpreters/#languages"]
    # The link lands on the heading of the list of languages.
    assert '<h2 id="languages" class="h4">Languages</h2>' in client.get(
        "/support/interpreters/").content.decode()
    tagalog.name = "Filipino"
    tagalog.save()
    assert result_links(page(client, "tagalog")) == []
    assert result_links(page(client, "filipino")) == ["/support/interpreters/#languages"]
    service.languages.clear()
    assert result_links(page(client, "filipino")) == []
    location = make_location(slug="berkeley", transit="Bus line 51B stops outside.")
    assert result_links(page(client, "51B")) == ["/care/locations/berkeley/#transit"]
    location.status = location.Status.DRAFT
    location.save()
    assert result_links(page(client, "51B")) == []


def test_opening_hours_are_found_by_day_and_lead_to_the_hours(client, demo):
    html = page(client, "saturday")
    # The only demo campus open on Saturdays.
    assert result_links(html) == ["/care/locations/san-francisco-campus/#opening-hours"]
    assert "In “Opening hours”" in html
    assert "<mark>Saturday</mark> 9:00 a.m. to 1:00 p.m." in html
    assert '<h2 class="h5" id="opening-hours">Opening hours</h2>' in client.get(
        "/care/locations/san-francisco-campus/").content.decode()
    weekend = page(client, "open weekends", type="location")
    assert result_links(weekend) == ["/care/locations/san-francisco-campus/#opening-hours"]
    # Saturday morning only: not said to be open at weekends without the day.
    assert "<mark>Open</mark> on <mark>weekends</mark>: Saturday only." in weekend
    assert "/care/locations/oakland-campus/#opening-hours" in result_links(
        page(client, "oakland opening hours"))


def test_opening_hours_are_kept_current(client):
    location = make_location(slug="berkeley", name="Berkeley clinic")
    assert result_links(page(client, "saturday")) == []
    interval = location.opening_hours.create(weekday=5, opens="09:00", closes="13:00")
    assert result_links(page(client, "saturday")) == ["/care/locations/berkeley/#opening-hours"]
    assert "<mark>Saturday</mark> 9:00 a.m. to 1:00 p.m." in page(client, "saturday")
    interval.weekday = 6
    interval.save()
    assert result_links(page(client, "saturday")) == []
    assert result_links(page(client, "sunday")) == ["/care/locations/berkeley/#opening-hours"]
    interval.delete()
    assert result_links(page(client, "sunday")) == []
    assert result_links(page(client, "weekends")) == []


@POSTGRESQL
def test_postgresql_finds_opening_hours_by_other_forms_of_the_words(client, demo):
    saturdays = result_links(page(client, "saturdays"))
    assert "/care/locations/san-francisco-campus/#opening-hours" in saturdays
    assert not any(link.startswith("/care/locations/oakland-campus/") for link in saturdays)
    assert "/care/locations/oakland-campus/#opening-hours" in result_links(
        page(client, "open hour"))


def test_rebuild_command_and_load_demo_leave_a_complete_index(demo):
    # Some kinds have more than one model (pages and the privacy notice), and a version of
    # the privacy notice that is no longer in force has no document.
    expected = {}
    for searchable in site_search.searchables():
        documents = sum(searchable.document(obj) is not None
                        for obj in searchable.indexable())
        expected[searchable.kind] = expected.get(searchable.kind, 0) + documents
    counts = {kind: SearchDocument.objects.filter(kind=kind).count() for kind in expected}
    assert counts == expected
    assert all(counts.values())
    SearchDocument.objects.all().delete()
    call_command("rebuild_search_index", verbosity=0)
    assert {kind: SearchDocument.objects.filter(kind=kind).count()
            for kind in expected} == expected
    call_command("load_demo", verbosity=0)  # again: no duplicates
    assert SearchDocument.objects.count() == sum(expected.values())


def test_rebuilding_the_index_ends_cached_search_pages(client, settings):
    settings.PAGE_CACHE = True
    condition = make_condition(slug="lymphoma", name="Lymphoma")
    assert "Lymphoma" in page(client, "lymphoma")
    # Renamed past the signals: neither the index nor the page cache hears of it.
    Condition.objects.filter(pk=condition.pk).update(name="Lymphoma in children")
    assert "Lymphoma in children" not in page(client, "lymphoma")
    call_command("rebuild_search_index", verbosity=0)
    assert "Lymphoma in children" in page(client, "lymphoma")


# Results page and bad input ------------------------------------------------------------------

def test_empty_search_is_a_helpful_page(client):
    for params in [{}, {"q": ""}, {"q": "   "}]:
        response = client.get("/search/", params)
        html = response.content.decode()
        assert response.status_code == 200
        assert "This field is required" not in html
        assert "NCT03281889" in html  # explains what can be searched
        assert '<a href="/conditions/">Conditions A to Z</a>' in html
        assert "result-count" not in html


def test_highlighting_escapes_html(client):
    make_condition(slug="escaped", name="Escaped",
                   summary='Text with <b>bold</b> & "quotes" <script>x()</script> inside.')
    html = page(client, "bold")
    assert "&lt;b&gt;<mark>bold</mark>&lt;/b&gt; &amp; &quot;quotes&quot;" in html
    assert "<script>x()" not in html
    assert active_content(html) == []
    crafted = page(client, "<mark>bold</mark>")
    assert "&lt;mark&gt;" in crafted
    assert active_content(crafted) == []


def test_the_snippet_shows_the_most_of_the_words_together(client):
    filler = "Some words about something else entirely go here. " * 6
    condition = make_condition(slug="return", name="Coming back", summary="Relapse.")
    make_section(condition, heading="After treatment", anchor="after",
                 body=f"The cancer is watched with scans. {filler}Sometimes the cancer came "
                      "back a year later, and the team made a new plan.")
    html = page(client, "cancer came back")
    snippet = re.search(r'<p class="search-result__snippet">(.*?)</p>', html, re.S)[1]
    # Not the first "cancer" alone, with the rest cut off: the sentence holding all three.
    assert "<mark>cancer</mark> <mark>came</mark> <mark>back</mark>" in snippet
    assert "watched with scans" not in snippet


def test_a_result_links_to_the_part_with_the_rarer_word_and_marks_its_forms(client):
    """No part holds both words: the one holding the longer (rarer) one is shown; a word is
    marked in the forms full-text search matches ("survival": "survive")."""
    condition = make_condition(slug="outlook", name="Outlook", summary="What to expect.")
    make_section(condition, heading="Heart", anchor="heart", order=0,
                 body="The nerves set the heart rate and blood pressure.")
    make_section(condition, heading="Results", anchor="results", order=1,
                 body="Strong treatment has helped more children survive.")
    html = page(client, "survival rate")
    assert result_links(html)[0] == "/conditions/outlook/#results"
    assert "<mark>survive</mark>" in html


HOSTILE = [
    '"', "'", '"unclosed phrase', "a & b | !c :*", "!!!", "(((", "neuro:* & !", "-", "or",
    "<script>alert(1)</script>\"><img src=x onerror=alert(2)>", "\x00", "neuro\x00blastoma",
    "😀 ünïcödé 日本語 العربية", "\uff05", "\\", "%_%", "' OR 1=1 --", "x" * 10_000,
    " ".join(["word"] * 500), "\u202e\u200b\ufeff",
    "-", "--", "- -", "-neuro_blastoma", 'tumor -"bone marrow', "tumor -the -or", "-!x -:*",
    "neuro -a&b|c", "-\x00",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail(client, demo, query):
    response = client.get("/search/", {"q": query, "page": "2"})
    assert response.status_code == 200
    html = response.content.decode()
    assert active_content(html) == []
    own_box = re.search(r'<input type="search" name="q" id="search-q"[^>]*>', html)[0]
    assert "\x00" not in own_box


def test_a_word_after_a_minus_leaves_out_the_pages_that_hold_it(client, demo):
    def nephroblastoma(links):
        return [link for link in links if link.startswith("/conditions/nephroblastoma/")]

    assert nephroblastoma(result_links(page(client, "neuroblastoma")))  # its overview says it
    without = result_links(page(client, "neuroblastoma -wagr"))
    assert nephroblastoma(without) == []  # its overview names WAGR syndrome
    assert without[0] == "/conditions/neuroblastoma/"
    # The neuroblastoma page tells Wilms tumor apart from it: it holds the word too.
    assert not any(link.startswith(("/conditions/neuroblastoma/", "/conditions/nephroblastoma/"))
                   for link in result_links(page(client, "neuroblastoma -wilms")))
    # A place named like the word after the minus is not brought back as a look-alike.
    assert not any("oakland" in link for link in result_links(page(client, "parking -oakland")))
    assert any("oakland" in link for link in result_links(page(client, "parking")))


@pytest.mark.parametrize("query", ["-neuroblastoma", "- neuroblastoma", "--neuroblastoma"])
def test_a_query_of_words_after_a_minus_alone_searches_those_words(client, demo, query):
    """Pasted from a list, "-neuroblastoma" means the word: "everything but it" would list
    the whole site."""
    html = page(client, query)
    assert result_links(html)[0] == "/conditions/neuroblastoma/"
    assert result_links(html) == result_links(page(client, "neuroblastoma"))
    assert "<mark>Neuroblastoma</mark>" in html


def test_the_search_terms_keep_the_words_after_a_minus_out(client, demo):
    assert site_search.wanted('tumor -kidney -"bone marrow" e-mail') == "tumor e-mail"
    assert site_search.unwanted_words('tumor -kidney -"bone marrow"') == [
        "kidney", "bone", "marrow"]
    # The beginnings of words leave them out too, apart (see find_postgresql's WITHOUT).
    assert site_search.prefix_terms("tumor -kidney") == [("tumor", "tumor:*")]
    assert site_search.searched("-tumor --kidney") == "tumor kidney"
    assert site_search.searched("- tumor") == "tumor"
    assert site_search.searched("tumor -kidney") == "tumor -kidney"
    assert site_search.searched("tumor - kidney --liver e-mail") == "tumor -kidney -liver e-mail"


def test_a_number_typed_leads_to_the_part_that_says_it_before_one_it_only_begins(client):
    """ "stage 4" is not "stage 4S": the part that says "stage 4" is the one shown, and the
    part about 4S only when no part says the number as typed."""
    condition = make_condition(slug="spread", name="Spread", summary="How far it has gone.")
    make_section(condition, heading="Stage 4S", anchor="special",
                 body="Stage 4S is seen in babies and often shrinks on its own.")
    make_section(condition, heading="Far spread", anchor="far", order=1,
                 body="The older system calls this stage 4.")

    assert result_links(page(client, "stage 4")) == ["/conditions/spread/#far"]
    assert result_links(page(client, "stage 4s")) == ["/conditions/spread/#special"]
    assert result_links(page(client, "stage 5")) != ["/conditions/spread/#far"]


def test_beginnings_of_words_come_in_either_spelling_and_numbers_after_a_word(client):
    # "paediatric" begins no word on the page, but its American spelling begins
    # "pediatrician"; "4" begins "4S", as the SQLite search matches a word's beginning too.
    assert site_search.prefix_terms("paediatric stage 4") == [
        ("paediatric | pediatric", "paediatric:* | pediatric:*"), ("stage", "stage:*"),
        ("4", " | ".join(["4", *(f"4{letter}:*" for letter in "abcdefghijklmnopqrstuvwxyz")]))]
    assert site_search.prefix_terms("4") == []  # a number alone is not a beginning
    assert site_search.prefix_terms("the who") == []  # nor common words alone
    condition = make_condition(slug="spread", name="Spread", summary="How far it has gone.")
    make_section(condition, heading="Stages", body="Stage 4S is a kind seen in babies.")
    story = make_condition(slug="visit", name="Visit", summary="A first visit.")
    make_section(story, heading="Doctors", body="Our pediatrician came to see us.")
    assert result_links(page(client, "stage 4"))[0].startswith("/conditions/spread/")
    assert result_links(page(client, "paediatric"))[0].startswith("/conditions/visit/")
    # "5" begins no word: no page holds both words, and the page about stages is offered
    # as one holding some of them.
    five = page(client, "stage 5")
    assert "No page has all the words of “stage 5”." in five
    assert result_links(five) == ["/conditions/spread/#stages"]


def test_a_number_does_not_begin_a_longer_number(client):
    """ "phase 1" is not "I-131": a number begins a word of letters ("4S"), not more digits,
    in what is found and in what is marked."""
    therapy = make_condition(slug="mibg", name="MIBG therapy", summary="Targeted radiation.")
    make_section(therapy, heading="How it works", anchor="how",
                 body="Iodine-131 MIBG is given through a drip.")
    trial = make_condition(slug="early", name="Early studies", summary="First studies.")
    make_section(trial, heading="Phases", anchor="phases",
                 body="A phase 1 study tests the dose.")
    html = page(client, "phase 1")
    assert result_links(html) == ["/conditions/early/#phases"]
    assert "<mark>131</mark>" not in html
    assert "Iodine-<mark>" not in page(client, "iodine 1")
    assert site_search.match_pattern("phase 1").search("I-131") is None
    assert site_search.match_pattern("stage 4").search("Stage 4S")


def test_long_queries_are_shortened_with_a_notice(client):
    html = page(client, "x" * 10_000)
    assert "only its first 200 characters or 12 words were searched" in html
    own_box = re.search(r'<input type="search" name="q" id="search-q"[^>]*>', html)[0]
    assert 'value="' + "x" * 200 + '"' in own_box
    # The result line and the title repeat the start of it, not all 200 characters.
    line = re.search(r'<p class="result-count" role="status">(.*?)</p>', html)[1]
    assert line == "Nothing matches \u201c" + "x" * 79 + "\u2026\u201d."
    assert "<title>Search: " + "x" * 59 + "\u2026 | " in html
    many = page(client, " ".join(f"w{i}" for i in range(40)))
    assert 'value="w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11"' in many


def test_pagination_is_bounded(client):
    for i in range(site_search.PER_PAGE + 5):
        make_condition(slug=f"sarcoma-{i}", name=f"Sarcoma {i}")
    first = page(client, "sarcoma")
    assert first.count('href="/conditions/sarcoma-') == site_search.PER_PAGE
    assert "(page 1 of 2)" in first
    assert "<title>Search: sarcoma (page 1 of 2) | " in first
    assert "&amp;page=2\">Next</a>" in first
    # Numbered pages, as the trial list has: this one marked, the other a link.
    assert 'aria-current="page" href="?q=sarcoma&amp;page=1">1</a>' in first
    assert '<a class="page-link" href="?q=sarcoma&amp;page=2">2</a>' in first
    second = page(client, "sarcoma", page="2")
    assert second.count('href="/conditions/sarcoma-') == 5
    for bad in ["abc", "99999", "-1", "0", "1e9", ""]:
        assert client.get("/search/", {"q": "sarcoma", "page": bad}).status_code == 200
    assert page(client, "sarcoma", page="99999").count('href="/conditions/sarcoma-') == 5
    # Past the end is the last page however far past; what is not a page number is page 1.
    for far in ["3", "99999", "1234567", "9" * 40]:
        assert "(page 2 of 2)" in page(client, "sarcoma", page=far)
    for bad in ["abc", "-1", "0", "1e9", "", "٣"]:
        assert page(client, "sarcoma", page=bad) == first
    # The two pages together hold every match once, in one stable order.
    links = re.findall(r'href="(/conditions/sarcoma-\d+/)"', first + second)
    assert len(links) == len(set(links)) == site_search.PER_PAGE + 5
    # A type filter pages its own matches and keeps every type's count.
    make_trial("NCT00000001", brief_title="Sarcoma trial")
    trials_only = page(client, "sarcoma", type="trial")
    assert "/trials/NCT00000001/" in trials_only
    assert 'href="/conditions/sarcoma-' not in trials_only
    assert ">Conditions (25)</a>" in trials_only


def test_a_type_with_no_matches_points_to_the_others(client, demo):
    html = page(client, "chemotherapy", type="location")
    assert "No locations match “chemotherapy”." in html
    assert "Nothing matches" not in html
    assert "Did you mean" not in html
    everything = page(client, "chemotherapy")
    total = re.search(r"<strong aria-current=\"page\">All \((\d+)\)</strong>", everything)[1]
    assert f'<a href="?q=chemotherapy">See all {total} results for “chemotherapy”</a>' in html


def test_did_you_mean_never_offers_the_query_again(client, demo):
    for query in ["chemotherapy", "Chemotherapy", "CHEMOTHERAPY", "NCT99990009",
                  "Qwxyzzy", "QWXYZZY Plonk"]:
        assert site_search.suggestion(query).casefold() != query.casefold()


@pytest.mark.parametrize("query", ["open trials", "Open Trials", "scanning trials"])
def test_did_you_mean_never_offers_the_query_with_other_endings(client, demo, query):
    # "trial" for "trials" would search for the same words and find nothing again.
    offered = site_search.suggestion(query)
    assert site_search.stems_of(offered) != site_search.stems_of(query)
    assert f'Did you mean <a href="?q={query.lower()[:-1]}">' not in page(client, query)


def test_did_you_mean_still_corrects_a_word_beside_one_with_another_ending(client, demo):
    for query in ["neuroblastomma trials", "trials neuroblastomma"]:
        assert site_search.suggestion(query).lower() == query.replace("mm", "m")


@pytest.mark.parametrize(("query", "offered"), [
    ("parkng", "parking"),  # a word of the locations' parking notes, in no name
    ("nausia", "nausea"),  # a side effect in the condition pages' text
    ("surgury", "surgery"),
])
def test_did_you_mean_corrects_a_word_of_the_pages_text(client, demo, query, offered):
    html = page(client, query)
    assert f"Nothing matches “{query}”." in html
    assert f'Did you mean <a href="?q={offered}">{offered}</a>?' in html
    assert "Nothing matches" not in page(client, offered)


def test_did_you_mean_when_no_page_holds_every_word(client, demo):
    # One misspelt short word of two: the pages with the other are listed, and the spelling
    # that finds pages with both is offered, not searched instead (a short word the pages
    # lack is often a real word: "port line" is not "part line").
    html = page(client, "side efects")
    assert "No page has all the words of “side efects”." in html
    assert result_links(html)
    assert 'Did you mean <a href="?q=side%20effects">side effects</a>?' in html
    assert "Showing results for" not in html
    # Correctly spelt words that no page holds together: nothing to offer.
    html = page(client, "need a spanish interpreter")
    assert "No page has all the words of" in html
    assert "Did you mean" not in html


def test_a_misspelt_condition_and_trials_finds_that_conditions_trials(client, demo):
    """Before, "neuroblastomma trials" listed the glossary's trial phases first: the
    misspelt word counted for nothing, and the finder filtered by the condition was not
    offered. A long word misspelt is searched corrected, saying so."""
    html = page(client, "neuroblastomma trials")
    assert ("Showing results for <strong>neuroblastoma trials</strong>. Search instead for "
            '<a href="?q=neuroblastomma%20trials&amp;exact=1">neuroblastomma trials</a>.'
            in html)
    assert "No page has all the words" not in html
    assert "Did you mean" not in html
    links = result_links(html)
    assert links == result_links(page(client, "neuroblastoma trials"))
    assert not links[0].startswith("/glossary/")
    assert '<a href="/trials/?condition=neuroblastoma">Neuroblastoma trials</a>' in html
    # As typed, on purpose: the pages with some of the words, the correction offered, the
    # type and page links keep to the words as typed, and the search is not counted again.
    exact = client.get("/search/", {"q": "neuroblastomma trials", "exact": "1"})
    exact = exact.content.decode()
    assert "No page has all the words of “neuroblastomma trials”." in exact
    assert "Showing results for" not in exact
    assert ('Did you mean <a href="?q=neuroblastoma%20trials">neuroblastoma trials</a>?'
            in exact)
    assert "&amp;exact=1&amp;type=" in exact
    assert SearchQueryStat.objects.get(query="neuroblastomma trials").count == 1
    # The link back keeps what was typed ("near me") and the type chosen.
    near = client.get("/search/", {"q": "neuroblastomma trials near me", "type": "trial"})
    assert ('Search instead for <a href="?q=neuroblastomma%20trials%20near%20me&amp;exact=1'
            '&amp;type=trial">neuroblastomma trials near me</a>.') in near.content.decode()


@pytest.mark.parametrize("typed", ["port line", "child lost weight", "cafe hours"])
def test_a_short_word_the_pages_lack_is_never_searched_as_another(client, demo, typed):
    """A correction of a short word is only offered: "port" and "lost" are real words."""
    assert "Showing results for" not in page(client, typed)


def test_a_word_the_pages_hold_is_never_corrected(client):
    # "surgeries" is close to the name's "surgery", but the pages hold it as typed.
    make_section(make_condition(name="Surgery clinic"), body="Some surgeries are short.")
    assert site_search.close_words(["surgeries"])["surgeries"][0] == "surgeries"
    assert site_search.suggestion("surgeries") == ""
    assert site_search.suggestion("surgries") == "surgeries"


def test_punctuation_around_a_misspelt_word_is_kept(client, demo):
    html = page(client, "What is nausia?")
    # The question mark typed ends the question (not another after it).
    assert ('Did you mean <a href="?q=What%20is%20nausea%3F">What is nausea?</a></p>'
            in html)


def test_did_you_mean_offers_words_of_live_pages_only(client):
    make_condition(name="Neuroblastoma")
    future = timezone.now() + datetime.timedelta(days=3)
    hidden = make_condition(slug="hidden", name="Hidden", publish_at=future)
    make_section(hidden, body="The xylophagous beetle.")
    # A scheduled page's words are not offered, nor even looked at, before it goes live.
    assert site_search.close_words(["xylophagus"]) == {}
    assert "Did you mean" not in page(client, "xylophagus")
    # When its time comes (the scheduled job that follows publishing times), they are.
    went_live = timezone.now() - datetime.timedelta(minutes=1)
    Condition.objects.filter(pk=hidden.pk).update(publish_at=went_live)
    SearchDocument.objects.filter(url="/conditions/hidden/").update(publish_at=went_live)
    site_search.reindex_passed(went_live - datetime.timedelta(minutes=5), timezone.now())
    assert site_search.close_words(["xylophagus"]) == {"xylophagus": ["xylophagous"]}
    assert site_search.offered("xylophagus") == "xylophagous"
    # A deleted page's words are never offered (searching for them finds nothing), and the
    # nightly job forgets them.
    live = make_condition(slug="live", name="Live")
    make_section(live, body="A marimba.")
    assert site_search.offered("marimbba") == "marimba"
    live.delete()
    assert site_search.offered("marimbba") == ""
    assert site_search.close_words(["marimbba"]) == {"marimbba": ["marimba"]}
    assert site_search.rebuild_words() == SearchWord.objects.count()
    assert site_search.close_words(["marimbba"]) == {}
    assert SearchWord.objects.filter(word="xylophagous").exists()


def test_the_words_are_kept_as_pages_are_saved_and_written_again_by_a_rebuild(client):
    condition = make_condition(name="Neuroblastoma")
    section = make_section(condition, body="Children may need a glockenspiel.")
    assert "Did you mean <a href=\"?q=glockenspiel\">" in page(client, "glockenspeil")
    section.body = "Children may need a harmonica."
    section.save()
    assert "Did you mean <a href=\"?q=harmonica\">" in page(client, "harmonicca")
    assert SearchWord.objects.filter(word="glockenspiel").exists()  # until the night
    site_search.rebuild()
    assert not SearchWord.objects.filter(word="glockenspiel").exists()
    assert SearchWord.objects.filter(word="harmonica").exists()
    # Whole words only: a long one is not cut into pieces, and letters beside digits are
    # not a word.
    make_section(condition, order=1, body="Pneumonoultramicroscopicsilicovolcanoconiosis "
                                          "and covid19.")
    assert not SearchWord.objects.filter(word__startswith="pneumono").exists()
    assert not SearchWord.objects.filter(word="covid").exists()


def test_did_you_mean_reads_the_words_in_one_query_however_many_the_search_has(client):
    make_section(make_condition(name="Neuroblastoma"), body="Parking is free.")

    def lookups(query):
        with CaptureQueriesContext(connection) as captured:
            site_search.close_words(query.split())
        return len(captured.captured_queries)

    assert lookups("parkng") == 1
    assert lookups("parkng freee nausia vomitting tiredness " * 2) == 1
    assert lookups("12 a") == 0  # nothing to correct: no query


def test_a_search_with_did_you_mean_runs_the_same_queries_for_few_or_many_pages(
        client, settings):
    settings.PAGE_CACHE = False
    make_section(make_condition(name="Neuroblastoma"), body="Parking is free.")
    page(client, "parkng")  # counted once, so the next searches only update the count
    few = search_queries(client, "parkng")
    # The layout's queries and the search's five, then at most five for "Did you mean".
    assert few <= search_queries(client, "") + 5 + 5
    for i in range(1, 30):
        make_section(make_condition(slug=f"c-{i}", name=f"Condition {i}"),
                     body=f"Parking {i} and parked cars.")
    search_queries(client, "")  # the publishing schedule, looked up once per content version
    assert search_queries(client, "parkng") == few


@pytest.mark.parametrize(("typed", "says"), [
    # A long word: the corrected search is shown instead.
    ("neuroblastomma parking", "Showing results for"),
    ("parkng neuroblastoma", "Did you mean"),  # a short one: offered
    ("neuroblastoma qwxyzzyq", "No page has all the words"),  # nothing close: nothing offered
])
def test_a_search_found_by_some_of_its_words_runs_the_same_queries_for_few_or_many_pages(
        client, settings, typed, says):
    """The correction is worked out once, whether it is shown instead, offered or
    neither."""
    settings.PAGE_CACHE = False
    make_section(make_condition(name="Neuroblastoma"), body="Parking is free.")
    make_section(make_condition(slug="cars", name="Cars"), body="Parking is near.")
    html = page(client, typed)  # counted once, so the next searches only update the count
    assert says in html
    assert ("Did you mean" in html) is (says == "Did you mean")
    few = search_queries(client, typed)
    # The layout's, the search's five, at most five for the correction, and two for the
    # pages offered for the corrected words.
    assert few <= search_queries(client, "") + 5 + 5 + 2
    for i in range(1, 30):
        make_section(make_condition(slug=f"c-{i}", name=f"Condition {i}"),
                     body=f"Parking {i} and parked cars.")
    search_queries(client, "")  # the publishing schedule, looked up once per content version
    assert search_queries(client, typed) == few


def test_a_question_finds_what_its_words_without_the_common_ones_find(client, demo):
    asked = result_links(page(client, "What is a clinical trial?"))
    assert asked
    assert asked == result_links(page(client, "clinical trial"))
    assert "/glossary/#term-clinical-trial" in asked


# The site's own lists and forms ------------------------------------------------------------

def destination_links(html):
    box = re.search(r'<section class="search-destinations".*?</section>', html, re.S)
    return re.findall(r'<li><a href="([^"]*)">', box[0]) if box else []


@pytest.mark.parametrize(("query", "link", "title"), [
    ("trial for 5 year old", "/trials/?status=open&amp;age=5", "a child of 5 years"),
    ("trials for my 5-year-old", "/trials/?status=open&amp;age=5", "a child of 5 years"),
    ("studies for an 18 month old baby", "/trials/?status=open&amp;age=18+months",
     "a child of 18 months"),
    ("neuroblastoma trials age 12", "/trials/?status=open&amp;age=12", "a child of 12 years"),
    ("trial for 1 year old", "/trials/?status=open&amp;age=1", "a child of 1 year"),
])
def test_trials_for_a_childs_age_offer_the_finder_filtered(client, query, link, title):
    young = make_trial("NCT00000001", brief_title="For young children", maximum_age="6 Years")
    older = make_trial("NCT00000002", brief_title="For teenagers", minimum_age="10 Years",
                       maximum_age="21 Years")
    html = page(client, query)
    assert destination_links(html)[0] == link
    assert f">Trials open to {title}</a>" in html
    listed = client.get(htmllib_unescape(link)).content.decode()
    expected = older if "12" in link else young
    assert expected.brief_title in listed


def test_trials_for_a_grown_ups_age_do_not_call_them_a_child(client):
    html = page(client, "trials for 40 year old")
    assert destination_links(html)[0] == "/trials/?status=open&amp;age=40"
    assert ">Trials open to someone aged 40 years</a>" in html
    assert "a child of 40" not in html
    assert ">Trials open to a child of 17 years</a>" in page(client, "trials for 17 year old")


@pytest.mark.parametrize("query", ["trials", "5 year old", "trial 200 years", "trial phase 2"])
def test_no_age_no_filtered_finder(client, query):
    assert not any("age=" in link for link in destination_links(page(client, query)))


@pytest.mark.parametrize(("query", "links"), [
    ("newsletter", ["/newsletter/"]),
    ("Unsubscribe", ["/newsletter/"]),
    ("email updates", ["/newsletter/"]),
    ("What is a clinical trial?", ["/trials/explained/", "/trials/"]),
    ("trial phases", ["/trials/explained/"]),
    # What the explainer explains, which its text says.
    ("informed consent", ["/trials/explained/"]),
    ("protocol", ["/trials/explained/"]),
    ("ethics board", ["/trials/explained/"]),
    ("glossary", ["/glossary/"]),
    ("conditions a to z", ["/conditions/"]),
    ("find a doctor", ["/care/"]),
    ("support services", ["/support/"]),
])
def test_the_sites_own_pages_are_offered_above_the_results(client, demo, query, links):
    assert destination_links(page(client, query)) == links
    if links == ["/trials/explained/"]:
        text = client.get("/trials/explained/").content.decode().lower()
        assert all(word in text for word in query.lower().split()), query


def test_a_page_of_the_site_counts_as_found(client, demo):
    html = page(client, "email updates")
    assert destination_links(html) == ["/newsletter/"]
    assert "No other results for “email updates”." in html
    assert "Nothing matches" not in html
    assert "Try fewer or simpler words" not in html
    assert "Did you mean" not in html
    assert SearchQueryStat.objects.get(query="email updates").results == 1
    html = page(client, "newsletter")  # the privacy notice says what the newsletter keeps
    assert destination_links(html) == ["/newsletter/"]
    assert '<a href="/privacy/">Privacy notice</a>' in html
    assert "No other results" not in html


@pytest.mark.parametrize(("query", "params"), [
    ("newsletter neuroblastoma", {}),  # a word that does not name the page
    ("what is it", {}),  # question words only
    ("neuroblastoma", {}),
    ("newsletter", {"type": "condition"}),  # a filtered search is for content
])
def test_the_sites_own_pages_only_when_every_word_names_them(client, demo, query, params):
    assert destination_links(page(client, query, **params)) == []


def test_every_page_the_site_offers_opens(client):
    for destination in site_search.destinations():
        assert client.get(destination.url).status_code == 200, destination.url


# NCT numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["NCT99990003", "nct99990003", "  Nct99990003  ",
                                   "NCT 99990003", "nct-99990003"])
def test_nct_number_goes_straight_to_the_trial(client, demo, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 302
    assert response["Location"] == "/trials/NCT99990003/"


@pytest.mark.parametrize("query", [
    "NCT" + "".join(chr(0xFF10 + int(d)) for d in "99990003"),  # full-width digits
    "NCT" + "".join(chr(0x0660 + int(d)) for d in "99990003"),  # Arabic-Indic digits
    "NCT9999000",  # too short
    "NCT99990003 extra",
    "NCT  99990003", "NCT - 99990003", "NCT_99990003",  # not how the number is written
    "NCT12345678",  # not on the site
])
def test_only_an_exact_ascii_nct_number_of_a_published_trial_redirects(client, demo, query):
    assert client.get("/search/", {"q": query}).status_code == 200


def test_an_nct_number_not_on_the_site_points_to_the_registry(client, demo):
    html = page(client, " nct03281889 ")
    assert "NCT03281889 is not one of the trials listed on this site." in html
    assert "NCT03281889 is not one of the trials" in page(client, "NCT-03281889")
    assert '<a href="https://clinicaltrials.gov/study/NCT03281889">' in html
    assert "Did you mean" not in html
    assert "ClinicalTrials.gov" not in page(client, "qwertyuiop")


# Statistics --------------------------------------------------------------------------------

def test_each_search_is_counted_without_anything_personal(client, demo):
    page(client, "Neuroblastoma")
    page(client, "  neuroblastoma ")
    page(client, "neuroblastoma", page="2")  # paging is not a new search
    # Nor is choosing a type of result, which would count only that type's results.
    page(client, "neuroblastoma", type="location")
    page(client, "qwertyuiop")
    client.get("/search/", {"q": ""})
    client.get("/search/")
    client.get("/search/", {"q": "nct99990003"})
    stats = {stat.query: stat for stat in SearchQueryStat.objects.all()}
    assert set(stats) == {"neuroblastoma", "qwertyuiop", "nct99990003"}
    assert stats["neuroblastoma"].count == 2
    assert stats["neuroblastoma"].results == site_search.find("neuroblastoma")[1].paginator.count
    assert stats["qwertyuiop"].results == 0
    assert stats["neuroblastoma"].day == timezone.localdate()
    field_names = {field.name for field in SearchQueryStat._meta.get_fields()}
    assert field_names == {"id", "query", "day", "count", "results"}


def test_personal_details_typed_into_the_search_box_are_not_kept(client, demo):
    personal = ["maya.lee@example.org", "call (415) 555-0110", "MRN 00123456",
                "born 2024-03-05", "maya lee @ example.org", "maya(at)example.org",
                "maya at example dot org", "dob 03/14/2019", "born 14.3.19", "mrn 1234567",
                "555 0110", "mrn00123456", "dob03142019", "born 14 march 2019",
                "born march 14th, 2019", "maya at example dot de", "maya\uff20example.org",
                "mrn 123456", "account #4521", "maya dot smith at gmail", "patient id 12345",
                "member ID: 8842"]
    for words in personal:
        page(client, words)
    kept = ["NCT99990003 results", "nct 99990003 eligibility", "stage 4", "neuroblastoma 2024",
            "ch14.18 antibody", "1/2 dose", "covid-19", "what to expect at diagnosis",
            "phase 1/2/3", "grades 1-2-3", "section 3.2.1", "3-6-9 months",
            "march 2025 trials", "trials 2024-2025", "record of treatment",
            "trials at 18 months", "growth chart 2024"]
    for words in kept:
        page(client, words)
    stats = {stat.query: stat.count for stat in SearchQueryStat.objects.all()}
    assert stats == {site_search.PERSONAL_SEARCH: len(personal),
                     **{words.casefold(): 1 for words in kept}}


def test_searches_are_counted_together_and_written_in_one_statement(client, settings):
    settings.SEARCH_STATS_FLUSH_SECONDS = 3600
    make_condition(slug="lymphoma", name="Lymphoma")
    try:
        for _ in range(3):
            page(client, "lymphoma")
        page(client, "MIBG")
        assert not SearchQueryStat.objects.exists()  # kept in this process for now
        with CaptureQueriesContext(connection) as written:
            site_search.tally.flush()
        # The day's number of different searches is read, then all counts written at once.
        statements = [query["sql"].split()[0].upper() for query in written.captured_queries]
        assert statements == ["SELECT", "INSERT"]
        counted = {stat.query: (stat.count, stat.results)
                   for stat in SearchQueryStat.objects.all()}
        assert counted == {"lymphoma": (3, 1), "mibg": (1, 0)}
        page(client, "lymphoma")
        site_search.tally.flush()
        assert SearchQueryStat.objects.get(query="lymphoma").count == 4
        # Counts are written once the time is up, after the next request.
        page(client, "lymphoma")
        settings.SEARCH_STATS_FLUSH_SECONDS = 0
        client.get("/")
        assert SearchQueryStat.objects.get(query="lymphoma").count == 5
    finally:
        site_search.tally.flush()


def test_many_different_searches_are_written_before_they_pile_up(client, settings):
    settings.SEARCH_STATS_FLUSH_SECONDS = 3600
    try:
        for i in range(site_search.MAX_PENDING):
            site_search.record(f"word{i}", 0)
        assert SearchQueryStat.objects.count() == site_search.MAX_PENDING
        assert not site_search.tally.pending
    finally:
        site_search.tally.flush()


def test_a_day_counts_its_searches_past_the_limit_together(monkeypatch, settings):
    settings.SEARCH_STATS_FLUSH_SECONDS = 3600
    monkeypatch.setattr(site_search, "MAX_DAILY_SEARCHES", 3)
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    for query in ["a", "b", "c", "d"]:  # another day's searches take none of today's room
        SearchQueryStat.objects.create(query=query, day=yesterday, count=1, results=1)
    SearchQueryStat.objects.create(query="known", day=today, count=5, results=2)
    try:
        for query, times in [("known", 1), ("rare", 1), ("often", 3), ("twice", 2)]:
            for _ in range(times):
                site_search.record(query, 4)
        site_search.tally.flush()
        counted = {stat.query: (stat.count, stat.results)
                   for stat in SearchQueryStat.objects.filter(day=today)}
        # Room for two new searches: the most frequent ones; the last is counted as other.
        assert counted == {"known": (6, 4), "often": (3, 4), "twice": (2, 4),
                           site_search.OTHER_SEARCHES: (1, 0)}
        for query in ["known", "new one", "another", "often"]:
            site_search.record(query, 4)
        site_search.tally.flush()
        counted = {stat.query: stat.count
                   for stat in SearchQueryStat.objects.filter(day=today)}
        assert counted == {"known": 7, "often": 4, "twice": 2, site_search.OTHER_SEARCHES: 3}
        assert SearchQueryStat.objects.filter(day=yesterday).count() == 4
    finally:
        site_search.tally.flush()


def test_stored_queries_are_capped(client):
    page(client, "y" * 190)
    assert SearchQueryStat.objects.get().query == "y" * site_search.MAX_STAT_LENGTH


def test_editors_see_frequent_and_zero_result_searches_read_only(client, django_user_model):
    for query, count, results in [("parking", 7, 3), ("mibg", 2, 1), ("hotel", 4, 0),
                                  ("wifi", 1, 0)]:
        SearchQueryStat.objects.create(query=query, day=timezone.localdate(), count=count,
                                       results=results)
    client.force_login(staff_user(django_user_model, roles.CONTENT_EDITORS))
    url = "/admin/portal/searchquerystat/"
    html = client.get(url).content.decode()
    frequent = html[html.index('id="most-frequent"'):html.index('id="found-nothing"')]
    assert frequent.index("parking") < frequent.index("hotel") < frequent.index("mibg")
    nothing = html[html.index('id="found-nothing"'):]
    nothing = nothing[:nothing.index("</table>")]
    assert "hotel" in nothing
    assert "wifi" in nothing
    assert "parking" not in nothing
    filtered = client.get(url, {"found": "nothing"}).content.decode()
    listed = filtered[filtered.index('id="result_list"'):]
    assert "hotel" in listed
    assert "parking" not in listed
    stat = SearchQueryStat.objects.get(query="parking")
    assert client.get(f"{url}add/").status_code == 403
    assert client.post(f"{url}{stat.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SearchQueryStat.objects.filter(pk=stat.pk).exists()
    assert client.get(f"{url}{stat.pk}/change/").status_code == 200  # view only


def test_editors_see_the_searches_past_a_days_limit_as_other_searches(client,
                                                                   django_user_model):
    today = timezone.localdate()
    SearchQueryStat.objects.create(query="hotel", day=today, count=2, results=0)
    SearchQueryStat.objects.create(query=site_search.OTHER_SEARCHES, day=today, count=9,
                                   results=0)
    client.force_login(staff_user(django_user_model, roles.CONTENT_EDITORS))
    url = "/admin/portal/searchquerystat/"
    html = client.get(url).content.decode()
    label = escape(OTHER_SEARCHES_LABEL)
    frequent = html[html.index('id="most-frequent"'):html.index('id="other-searches"')]
    assert "hotel" in frequent
    assert label not in frequent  # not a search of its own: said apart, with its number
    other = html[html.index('id="other-searches"'):html.index('id="found-nothing"')]
    assert "9 more searches came on days that already had 10,000 different searches" in (
        " ".join(strip_tags(other).split()))
    nothing = html[html.index('id="found-nothing"'):]
    nothing = nothing[:nothing.index("</table>")]
    assert "hotel" in nothing
    assert label not in nothing
    assert label in html[html.index('id="result_list"'):]
    filtered = client.get(url, {"found": "nothing"}).content.decode()
    assert label not in filtered[filtered.index('id="result_list"'):]


def test_other_roles_do_not_see_search_statistics(client, django_user_model):
    client.force_login(staff_user(django_user_model, roles.TRIAL_COORDINATORS))
    assert client.get("/admin/portal/searchquerystat/").status_code == 403


# Query count --------------------------------------------------------------------------------

def search_queries(client, q):
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/search/", {"q": q}).status_code == 200
    return len(captured.captured_queries)


def test_a_search_runs_the_same_queries_for_few_or_many_documents(
        client, django_assert_num_queries, settings):
    settings.PAGE_CACHE = False  # the search itself, not a page served from the cache
    make_condition(slug="lymphoma-0", name="Lymphoma 0")
    page(client, "lymphoma")  # counted once, so the next searches only update the count
    # The page's own queries (the layout's), then the pages editors offer for the words,
    # the names that mean the same as others (glossary terms), the search (one statement;
    # on SQLite two: counts by type, then the page) and the statistics (the day's number of
    # different searches, then the count written).
    expected = search_queries(client, "") + (5 if on_postgresql() else 6)
    with django_assert_num_queries(expected):
        page(client, "lymphoma")
    for i in range(1, 60):
        condition = make_condition(slug=f"lymphoma-{i}", name=f"Lymphoma {i}")
        make_section(condition, body="Lymphoma lymphoma.")
        make_trial(f"NCT{i:08d}", brief_title=f"Lymphoma trial {i}")
    search_queries(client, "")  # the publishing schedule, looked up once per content version
    with django_assert_num_queries(expected):
        page(client, "lymphoma")
    assert search_queries(client, "lymphoma trial " * 6) == search_queries(
        client, "lymphoma trial")  # more words, no more queries


# PostgreSQL: full text and trigram ---------------------------------------------------------

def test_a_whole_word_name_ranks_above_a_name_that_only_begins_with_it(client):
    # "camp" begins "campus": both names match, the whole word first, then the others
    # still above a page that only mentions the word.
    for slug in ["oakland-campus", "san-francisco-campus"]:
        make_location(slug=slug, name=slug.replace("-", " ").title(),
                      transit="The campus shuttle stops at the main entrance.")
    make_service(slug="summer-camp", name="Summer camp for kids with cancer")
    mention = make_condition(slug="mentions", name="Mentions", summary="Not about it.")
    make_section(mention, body="Some families go to a camp in summer.")
    links = result_links(page(client, "camp"))
    assert links[0] == "/support/summer-camp/"
    assert {link.split("#")[0] for link in links[1:3]} == {
        "/care/locations/oakland-campus/", "/care/locations/san-francisco-campus/"}
    assert links[3].startswith("/conditions/mentions/")


@POSTGRESQL
def test_postgresql_stems_words(client, demo):
    assert "/conditions/neuroblastoma/" in " ".join(result_links(page(client, "transplants")))
    assert result_links(page(client, "diagnosed"))


@POSTGRESQL
def test_postgresql_has_the_indexes_and_stored_vectors(demo):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = "
                       "'portal_searchdocument'")
        indexes = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
    assert "pg_trgm" in extensions
    assert "USING gin (search_vector)" in indexes
    assert "USING gin (fuzzy_names gin_trgm_ops)" in indexes
    # Written at once, never to a pending list that every search would read in full.
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname IN "
                       "('portal_searchdoc_vector_gin', 'portal_searchdoc_fuzzy_trgm')")
        options = dict(cursor.fetchall())
    assert options == {"portal_searchdoc_vector_gin": ["fastupdate=off"],
                       "portal_searchdoc_fuzzy_trgm": ["fastupdate=off"]}
    assert not SearchDocument.objects.filter(search_vector__isnull=True).exists()


# The search statement among the prepared ones (not the query that lists them).
SEARCH_STATEMENT = ("position('WITH terms AS' in statement) > 0 "
                    "AND position('pg_prepared_statements' in statement) = 0")


@POSTGRESQL
def test_postgresql_plans_the_search_statement_once_per_connection(client, demo):
    def prepared():
        return sql_value(f"SELECT count(*) FROM pg_prepared_statements WHERE {SEARCH_STATEMENT}")

    before = prepared()
    page(client, "neuroblastoma")  # prepared on its second run (settings.py)
    page(client, "neuroblastoma", page=2)
    assert prepared() == before + 1
    for query in ["parking", "wilms", "transplant"]:  # the same statement, prepared
        page(client, query)
    assert prepared() == before + 1
    page(client, "wilms tumour")  # two words' beginnings: another statement, prepared
    page(client, "bone marrow")  # on its second run
    assert prepared() == before + 2
    page(client, "ct")  # words too short to be beginnings of words: the plain statement
    page(client, "4s")
    assert prepared() == before + 3


@POSTGRESQL
def test_postgresql_uses_the_search_statements_one_plan_from_its_first_run(client, demo):
    # One statement for searches of as many words (each word's beginnings are its own
    # terms), prepared on its second run.
    page(client, "stem cell transplant")
    page(client, "bone marrow biopsy")
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                       f"WHERE {SEARCH_STATEMENT}")
        plans = cursor.fetchall()
    assert plans
    assert all(generic >= 1 and custom == 0 for generic, custom in plans)


@POSTGRESQL
@pytest.mark.parametrize("query", ["a & b | !c :*", "neuro:*", "!neuroblastoma", "'\"neuro",
                                   "neuro -the", "neuro -_", "the who -a",
                                   "(neuroblastoma", "neuroblastoma <-> surgery"])
def test_postgresql_treats_operators_as_words(client, demo, query):
    assert client.get("/search/", {"q": query}).status_code == 200


@POSTGRESQL
def test_postgresql_adds_look_alike_names_only_when_no_name_matches(client):
    make_condition(slug="neuroblastoma", name="Neuroblastoma", summary="Nerve cells.")
    make_condition(slug="nephroblastoma", name="Nephroblastoma", summary="The kidney.")
    mentions = make_condition(slug="ganglioneuroblastoma", name="Ganglioneuroblastoma",
                              summary="Nerve tissue.")
    # The name as the site spells it finds its page; a name that only looks like it
    # (word similarity 0.64) is not added.
    assert result_links(page(client, "neuroblastoma")) == ["/conditions/neuroblastoma/"]
    # A page that mentions the name is found by the mention.
    make_section(mentions, body="It has features of neuroblastoma and of a benign tumor.")
    assert result_links(page(client, "neuroblastoma")) == [
        "/conditions/neuroblastoma/", "/conditions/ganglioneuroblastoma/#overview"]
    # A misspelling names no page: the names like it are the results, the closest first.
    assert result_links(page(client, "neuroblastomma"))[0] == "/conditions/neuroblastoma/"
    assert "/conditions/nephroblastoma/" in result_links(page(client, "nephroblastomma"))
    # Typos that share as many of their three-letter pieces with both names: the name the
    # whole word is closest to first, not the first in the alphabet.
    for typo in ["nueroblastoma", "neroblastoma", "neuroblastomma"]:
        links = result_links(page(client, typo))
        assert links[0] == "/conditions/neuroblastoma/", (typo, links)


@POSTGRESQL
def test_a_misspelled_name_is_corrected_without_queries_of_its_own(client, demo):
    """The results found by look-alike names already hold the closest name: offering it
    costs no query (the search of "neuroblastomma" runs as many as that of a real name)."""
    page(client, "wilms")  # the layout's lists are read once per content version
    counts = {}
    for query in ["neuroblastoma", "neuroblastomma"]:
        with CaptureQueriesContext(connection) as captured:
            html = page(client, query)
        counts[query] = len(captured)
    assert 'Did you mean <a href="?q=Neuroblastoma">Neuroblastoma</a>?' in html
    assert counts["neuroblastomma"] == counts["neuroblastoma"]


@POSTGRESQL
def test_postgresql_did_you_mean_leaves_the_similarity_threshold_as_it_was(client, demo):
    def threshold():
        return sql_value(f"SELECT current_setting('{site_search.SIMILARITY_THRESHOLD}')")

    page(client, "neuroblastomma")  # the trigram functions are loaded
    assert threshold() == "0.6"
    assert 'Did you mean <a href="?q=tumor">tumor</a>?' in page(client, "tumer")
    assert threshold() == "0.6"
    # Names less alike than the usual threshold (0.56 here) are still not results.
    assert "Nothing matches “neurozzzz”." in page(client, "neurozzzz")


# Registry -----------------------------------------------------------------------------------

def test_only_the_portals_feature_apps_are_asked_for_search_and_demo_modules(settings,
                                                                              monkeypatch):
    """An installed third-party app with `search` and `demo` modules is never picked up, even
    when it is installed inside the project's folder (as in .venv)."""
    import tempfile

    (settings.BASE_DIR / ".test-media").mkdir(exist_ok=True)
    tmp_path = Path(tempfile.mkdtemp(dir=settings.BASE_DIR / ".test-media"))
    package = tmp_path / "outside_app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "search.py").write_text("SEARCHES = ['not the portal']\n")
    (package / "demo.py").write_text("def load():\n    raise AssertionError('not ours')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from django.apps import apps

    from portal.apps import feature_modules

    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "outside_app"]
    assert apps.is_installed("outside_app")
    for name in ["search", "demo"]:
        found = [module.__name__ for module in feature_modules(name)]
        assert "outside_app." + name not in found
        assert all(module.split(".")[0] in settings.FEATURE_APPS for module in found)
    assert [module.__name__ for module in feature_modules("search")] == [
        "conditions.search", "care_sites.search", "trials.search", "pages.search",
        "newsletter.search",
    ]
    shutil.rmtree(tmp_path)


def test_every_public_model_of_the_index_is_a_searchable(demo):
    kinds = {searchable.kind for searchable in site_search.searchables()}
    assert kinds == {"condition", "story", "glossary", "care_site", "support", "location",
                     "trial", "page"}
    assert SupportService.objects.published().count() == SearchDocument.objects.filter(
        kind="support").count()


def test_indexing_many_objects_at_once_goes_in_batches(monkeypatch):
    # One query names at most 65,535 values on PostgreSQL: index() writes in batches.
    monkeypatch.setattr(site_search, "INDEX_BATCH", 2)
    conditions = [make_condition(slug=f"batch-{n}", name=f"Batch condition {n}")
                  for n in range(5)]
    SearchDocument.objects.all().delete()
    searchable = next(searchable for searchable in site_search.searchables()
                      if searchable.model is Condition)
    with CaptureQueriesContext(connection) as queries:
        site_search.index(searchable, [condition.pk for condition in conditions])
    assert sorted(SearchDocument.objects.values_list("title", flat=True)) == [
        f"Batch condition {n}" for n in range(5)]
    id_lists = [found.split(",") for query in queries.captured_queries
                for found in re.findall(r'"(?:id|object_id)" IN \(([^)]*)\)', query["sql"])]
    assert len(id_lists) >= 2 * 3  # objects read, old documents deleted: in each batch
    assert max(len(ids) for ids in id_lists) == 2


def test_a_stages_number_is_searched_in_each_way_of_writing_it():
    from portal.search import match_pattern, other_spellings

    assert other_spellings("stage four") == "stage 4 or stage iv"
    # With British words in American spelling too, that one always searched first.
    assert other_spellings("Stage IV tumour") == ("Stage IV tumor or Stage 4 tumour or "
                                                  "Stage four tumour or Stage 4 tumor or "
                                                  "Stage four tumor")
    assert other_spellings("wilms tumour stage 3 and stage 4").startswith(
        "wilms tumor stage 3 and stage 4 or ")
    # An odd quotation mark does not run on over the "or" between the spellings.
    assert '"' not in other_spellings('stage 4 "wilms tumour')
    assert other_spellings("stage 1") == "stage one"  # "I" is a stop word: never searched
    # 27 ways to write three stages, of which 8 are searched.
    assert other_spellings("stage 2 stage 3 stage 4").count(" or ") == 8 - 1
    assert other_spellings("4 stages") == other_spellings("four years") == ""
    # Highlighted and found in a page's text in any of them.
    pattern = match_pattern("stage four")
    assert pattern.all_in("Stage IV: the cancer has spread.")
    assert pattern.all_in("stage 4 (disseminated)")


def test_a_snippet_shows_a_short_text_whole_and_a_long_one_from_the_matchs_sentence():
    pattern = site_search.match_pattern("MIBG")
    definition = ("A substance that most neuroblastoma cells soak up. With a little "
                  "radioactivity attached, it shows tumors on a scan. With much more, it is "
                  "used as a treatment (MIBG therapy).")
    # Before, it began "… attached, it shows tumors", a third of the width before the match.
    assert site_search.highlight(definition, pattern) == definition.replace(
        "MIBG", "<mark>MIBG</mark>")
    long_text = "Words before it. " * 20 + "The MIBG scan comes next. " + "More after. " * 40
    snippet = site_search.highlight(long_text, pattern)
    assert snippet.startswith("… The <mark>MIBG</mark> scan comes next.")
    # A match in a short last sentence: the excerpt still fills the width, ending the text.
    ending = "word " * 60 + "End. MIBG at last."
    snippet = site_search.highlight(ending, pattern)
    assert snippet.endswith("End. <mark>MIBG</mark> at last.")
    assert len(snippet) > 200
    # Or in a text without spaces (a long code): still shown.
    assert "<mark>MIBG</mark>" in site_search.highlight("x" * 400 + " MIBG " + "y" * 300,
                                                        pattern)
    # A match far into a long sentence: the excerpt starts a third of the width before it.
    run_on = "word " * 200 + "MIBG " + "word " * 100
    assert site_search.highlight(run_on, pattern).startswith("… word word")
    assert "<mark>MIBG</mark>" in site_search.highlight(run_on, pattern)


def test_an_invisible_character_pasted_inside_a_word_keeps_it_one_word(client, demo):
    """A soft hyphen or zero-width space copied with the words is dropped; a null byte or
    a tab still separates words."""
    assert printable("neuro\u00adblast\u200boma\x00stage\t4") == "neuroblastoma stage 4"
    for typed in ["neuro\u00adblastoma", "neuroblas\u200btoma"]:
        html = page(client, typed)
        # Searched as one word: before, "neuro blastoma" found pages with either half.
        assert "results for “neuroblastoma”" in html, typed
        assert "/conditions/neuroblastoma/" in result_links(html)[0], typed


def test_the_header_box_holds_the_query_as_searched_and_its_icon_keeps_the_results(
        client, demo):
    html = page(client, "neuro\x00blastoma\x01 " + "x" * 300)
    header = re.search(r'<input type="search" id="site-search-q"[^>]*>', html)[0]
    box = re.search(r'<input type="search" name="q" id="search-q"[^>]*>', html)[0]
    value = re.search(r'value="([^"]*)"', header)[1]
    assert value == re.search(r'value="([^"]*)"', box)[1]
    assert value.startswith("neuro blastoma x")
    assert len(value) <= site_search.MAX_QUERY_LENGTH
    assert "\x00" not in html
    assert "\x01" not in html
    # On phones the header's box is behind an icon: on the results page it leads to the
    # page's own box, with the query and the results, not to an empty search.
    assert '<a class="site-action site-action--search" href="#search-q">' in html
    assert ('<a class="site-action site-action--search" href="/search/">'
            in client.get("/conditions/").content.decode())


def test_result_counts_read_as_sentences(client, demo):
    html = page(client, "second opinion", type="glossary")
    assert "No page has all the words of “second opinion”." in html
    assert "(1 word explained)" in html
    html = page(client, "spanish sunday")
    assert "1 page has some of them." in html


def test_a_word_finds_its_own_forms_not_every_word_its_stem_begins(client, demo):
    # "hearing" is stemmed "hear", which begins "heart": the words as typed begin words,
    # the stems only take their own endings.
    html = page(client, "hearing")
    assert not re.search(r"<mark>heart", html, re.IGNORECASE)
    assert result_links(html)[0] == "/conditions/neuroblastoma/#complications"
    assert "<mark>hearing</mark>" in html
    assert "/support/interpreter-services/" in result_links(html)  # "hard of hearing"
    # A letter is a word of its own, not the beginning of every word.
    html = page(client, "T cells")
    assert not re.search(r"<mark>(the|to|tumor)", html, re.IGNORECASE)
    # Beginnings still find longer words, in the results and the marks; beside a word
    # that stemming changes ("services": servic) too.
    for query in ["interp", "interp services"]:
        html = page(client, query)
        assert result_links(html)[0].startswith("/support/interpreter-services/"), query
        assert "<mark>interpreter" in html
        assert "No page has all the words" not in html
    # A short word's stem takes back its "e", as PostgreSQL's stemmer does: "caring" is
    # "care", not "car".
    pattern = site_search.match_pattern("caring")
    assert pattern.search("Car park") is None
    assert pattern.search("Cares for children")[0] == "Cares"


@POSTGRESQL
def test_a_misspelling_that_a_stem_would_have_begun_is_corrected(client, demo):
    # "remision" is stemmed "remis", which begins "remiss" (remission): found only as a
    # look-alike name now, so the search offers the word.
    assert 'Did you mean <a href="?q=Remission">Remission</a>?' in page(client, "remision")


def test_a_short_word_in_ing_finds_and_marks_its_other_forms(client, demo):
    # "eating" is "eat" to PostgreSQL's stemmer: the page that says "eats" is found on
    # both databases, linked at that part, with the word marked.
    html = page(client, "eating")
    assert "/conditions/neuroblastoma/#when-to-see-a-doctor" in result_links(html)
    assert "<mark>eats</mark>" in html


def test_punctuation_alone_is_an_empty_search_and_not_counted(client, demo):
    for query in ["(", "&", "' \"", "?!", "_", "__"]:
        html = page(client, query)
        assert "Type a word or two" in html
        assert "Nothing matches" not in html
        # Said, rather than the box emptied without a word.
        assert f"“{escape(query)}” has no letters or numbers to search for." in html
    assert not SearchQueryStat.objects.exists()
    assert "has no letters or numbers" not in page(client, "")


def test_near_me_is_left_out_of_what_is_searched(client, demo):
    html = page(client, "clinical trial near me")
    # As "clinical trial": the trial finder and the explainer are offered, and the results
    # are not narrowed to pages that happen to say "nearby".
    assert destination_links(html) == destination_links(page(client, "clinical trial"))
    assert "/trials/" in destination_links(html)
    assert result_links(html) == result_links(page(client, "clinical trial"))
    assert "Searched for “clinical trial” (this site does not know where you are)." in html
    assert '<a href="/care/">Where to get care</a>' in html
    assert 'value="clinical trial near me"' in html  # the box keeps what was typed
    assert "<mark>near" not in html
    # Counted as typed, for editors to see what families ask.
    assert SearchQueryStat.objects.filter(query="clinical trial near me").exists()
    for query, searched in [("parking close to me", "parking"),
                            ("Support groups in my area", "Support groups")]:
        assert f"Searched for “{searched}”" in page(client, query)
    # Alone, or inside other words, it is what was asked.
    assert "Searched for" not in page(client, "near me")
    assert "Searched for" not in page(client, "nearby lymph nodes")


def test_a_search_with_a_quoted_phrase_is_not_widened(client, demo):
    html = page(client, '"stem cell" -transplant')
    assert "No page has all the words" not in html
    assert result_links(html) == []
    html = page(client, '"stem cell" qwxyzzy')
    assert "No page has all the words" not in html
    assert result_links(html) == []
    # Without the quotation marks, the same words are widened as usual.
    assert "No page has all the words" in page(client, "stem cell qwxyzzy")


def test_families_find_trials_by_calling_them_trials(client, demo):
    # "clinical trial", "trial" or "study" beside a condition finds its trials, though their
    # own text seldom says so.
    trials = set(Trial.objects.values_list("nct_id", flat=True))
    for query in ["clinical trials neuroblastoma", "neuroblastoma study"]:
        html = page(client, query)
        found = {link.split("/")[2] for link in result_links(html)
                 if link.startswith("/trials/")}
        assert found == trials, (query, found)
        # The words that find them are never shown as a snippet.
        assert "clinical trial study" not in html


def test_trials_are_found_by_their_phase_and_open_trials_by_asking(client, demo):
    trial = Trial.objects.get(nct_id="NCT99990005")
    assert "PHASE1" in trial.phases
    assert "/trials/NCT99990005/" in result_links(page(client, "phase 1"))
    for query in ["open trials", "recruiting", "how to join a study"]:
        html = page(client, query)
        assert '<a href="/trials/?status=open">Trials open to new patients</a>' in html, query
    assert "Trials open to new patients" not in page(client, "open heart")
    assert "Trials open to new patients" not in page(client, "trials not open")
    assert "Trials open to new patients" not in page(client, "closed recruiting trials")


# Other tumours' names are not misspellings --------------------------------------------------

@pytest.mark.parametrize(("query", "not_offered"), [
    ("hepatoblastoma", "Retinoblastoma"),
    ("medulloblastoma", "Neuroblastoma"),
    ("ganglioneuroblastoma", "Neuroblastoma"),
    ("neuroma", "Neuroblastoma"),
    ("nephroma", "Nephroblastoma"),
    ("lymphoma", "lymph"),
])
def test_a_tumour_the_site_has_no_page_about_is_not_offered_another(client, demo, query,
                                                                    not_offered):
    html = page(client, query)
    assert "Did you mean" not in html
    assert f">{not_offered}</" not in html  # neither offered nor listed as a result


@pytest.mark.parametrize(("query", "offered"), [
    ("parkng", "parking"), ("nueroblastoma", "Neuroblastoma"),
    ("imunotherapy", "Immunotherapy"), ("wilms tumer", "Wilms tumor"),
])
def test_did_you_mean_still_corrects_misspellings(client, demo, query, offered):
    assert f'Did you mean <a href="?q={offered.replace(" ", "%20")}">{offered}</a>?' in page(
        client, query)


def test_what_an_apostrophe_leaves_is_not_a_word_of_the_search(client, demo):
    html = page(client, "child's")
    assert "<mark>child</mark>" in html
    assert "<mark>s</mark>" not in html
    assert "Nothing matches" not in page(client, "don't know what to ask")


def test_a_spelling_that_sounds_like_a_name_is_offered_that_name(client, demo):
    html = page(client, "nefroblastoma")  # in Spanish
    assert 'Did you mean <a href="?q=Nephroblastoma">Nephroblastoma</a>?' in html
    if on_postgresql():  # the look-alike names, as they sound, the closest first
        assert result_links(html)[0] == "/conditions/nephroblastoma/"


def test_a_phrase_of_everyday_words_is_not_searched_as_another(client, demo):
    # "throwing" is two letters, the first one of them, from "growing": not a slip of it.
    html = page(client, "throwing up")
    assert "growing up" not in html


@pytest.mark.parametrize(("typed", "word", "expected"), [
    ("parkng", "parking", True), ("nueroblastoma", "Neuroblastoma", True),
    ("tumer", "tumor", True), ("tumor", "tumor", True),
    ("opinion", "option", False), ("neuroma", "neuroblastoma", False),
    ("hepatoblastoma", "retinoblastoma", False), ("lymphoma", "lymph", False),
    ("cat", "car", False),  # a word this short is not corrected
    # A short word keeps its first letter: not "drash" (of Denys-Drash) for "rash".
    ("rash", "drash", False), ("nurse", "purse", False), ("neuroblastoma", "euroblastoma", True),
    # A longer one with another first letter has one letter wrong at most.
    ("throwing", "growing", False), ("ephroblastoma", "nephroblastoma", True),
    ("seuroblastomma", "neuroblastoma", False),
])
def test_what_counts_as_a_misspelling(typed, word, expected):
    assert site_search.misspelling(typed, word) is expected


@pytest.mark.parametrize(("typed", "words", "expected"), [
    # The most alike of the words it may misspell: not "parks", further from "parkng".
    ("parkng", {"parks", "parking", "packing"}, "parking"),
    # A closer word it cannot be a misspelling of is passed over ("drash": another first
    # letter).
    ("rash", {"drash", "rush"}, "rush"),
    ("hepatoblastoma", {"retinoblastoma"}, ""),
    ("parkng", set(), ""),
    # Equally alike: always the same one, whatever order the words come in.
    ("tumer", {"tumor", "tuber"}, "tumor"),
    ("tumer", ["tuber", "tumor"], "tumor"),
    # As they sound: the Spanish "nefroblastoma" is nephroblastoma, though "neuroblastoma"
    # is as few letters away.
    ("nefroblastoma", {"neuroblastoma", "nephroblastoma"}, "nephroblastoma"),
    ("neuroblastomma", {"neuroblastoma", "nephroblastoma"}, "neuroblastoma"),
])
def test_the_closest_word_a_search_word_misspells(typed, words, expected):
    assert site_search.closest_misspelt(typed, words) == expected


@POSTGRESQL
def test_postgresql_adds_no_look_alike_names_when_a_page_holds_the_word(client):
    make_condition(slug="nephroblastoma", name="Nephroblastoma", summary="The kidney.")
    make_condition(slug="retinoblastoma", name="Retinoblastoma", summary="The eye.")
    mentions = make_condition(slug="neuroblastoma", name="Neuroblastoma",
                              summary="Nerve cells.")
    make_section(mentions, body="It is not a glioblastoma, which starts in the brain.")
    # Before, the two look-alike names came first (similarity above a body's rank).
    assert result_links(page(client, "glioblastoma")) == ["/conditions/neuroblastoma/#overview"]
    # A word like no word of any name finds no look-alike either.
    assert result_links(page(client, "nephroma")) == []
    assert result_links(page(client, "nephroblastomma")) == ["/conditions/nephroblastoma/"]


@POSTGRESQL
def test_a_correctly_spelled_word_is_not_offered_as_part_of_another_name(client, demo):
    """Before, "rash" was offered "drash" (a piece of Denys-Drash syndrome)."""
    assert "Did you mean" not in page(client, "rash")


@POSTGRESQL
def test_a_look_alike_name_of_more_words_offers_only_the_misspelt_word(client):
    """Before, "scar" was offered "CT scan", a name of two words for a one-word search."""
    make_glossary_term("CT scan", definition="Pictures of the inside of the body.")
    html = page(client, "scar")
    assert 'Did you mean <a href="?q=scan">scan</a>?' in html
    assert "Did you mean <a href=\"?q=CT" not in html


def test_a_trial_found_by_a_condition_it_links_names_the_heading_the_page_shows(client, demo):
    condition = Condition.objects.get(slug="neuroblastoma")
    make_trial("NCT99991001", brief_title="An antibody after transplant",
               plain_summary="Whether an antibody keeps the cancer away.").conditions.add(
                   condition)
    named = make_trial("NCT99991002", brief_title="Neuroblastoma antibody study",
                       plain_summary="Whether an antibody helps.")
    named.conditions.add(condition)
    html = page(client, "neuroblastoma", type="trial")
    assert "/trials/NCT99991001/#trial-conditions" in result_links(html)
    sections = re.findall(r'<p class="search-result__section mb-1">(.*?)</p>', html)
    assert "In “Conditions studied”" in sections
    # A trial whose title says the condition already: its summary, not the bare name.
    assert "/trials/NCT99991002/" in result_links(html)
    assert "Whether an antibody helps." in html
    trial = client.get("/trials/NCT99990004/").content.decode()
    assert '<h2 id="trial-conditions" class="h5">Conditions studied</h2>' in trial


def test_a_phase_is_found_however_its_number_is_written(client, demo):
    """Before, "phase II" found only a glossary entry, while "phase 2" found the trials."""
    trials = result_links(page(client, "phase 2", type="trial"))
    assert trials
    for query in ["phase II", "Phase two"]:
        assert result_links(page(client, query, type="trial")) == trials, query
    assert "<mark>Phase</mark> <mark>2</mark>" in page(client, "phase II", type="trial")


def test_what_lists_an_item_is_found_through_it_only_while_it_is_live_without_a_worker(
        client, monkeypatch, settings):
    """The first search after a scheduled time writes again the documents listing what
    passed it (as the schedule's task does every five minutes): before, a care site was
    still found through a campus taken down, until the task ran."""
    settings.PAGE_CACHE = True
    ends = timezone.now() + datetime.timedelta(hours=2)
    starts = ends + datetime.timedelta(hours=1)
    leaving = make_location(slug="walnutvale", name="Walnutvale campus", unpublish_at=ends)
    coming = make_condition(slug="soon", name="Soonoblastoma", publish_at=starts)
    site = make_site("tumor-board", name="Tumor board")
    site.locations.add(leaving)
    site.conditions.add(coming)
    assert "/care/tumor-board/#where-title" in result_links(page(client, "walnutvale"))
    assert result_links(page(client, "soonoblastoma")) == []
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(hours=2,
                                                                                 minutes=1))
    assert result_links(page(client, "walnutvale")) == []
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(hours=3,
                                                                                 minutes=1))
    assert set(result_links(page(client, "soonoblastoma"))) == {
        "/conditions/soon/", "/care/tumor-board/#treats-title"}


def forget_the_schedule():
    """As an hour without a content change does: the schedule kept with the content version
    expires (PAGE_CACHE_TIMEOUT)."""
    cache.delete(f"{page_cache.KEY_PREFIX}schedule:{page_cache.content_version()}")


def change_something_else():
    """An edit elsewhere: a new content version, whose schedule nobody has looked up."""
    Language.objects.create(name=f"Language {Language.objects.count()}")


@pytest.mark.parametrize("meanwhile", [forget_the_schedule, change_something_else])
def test_a_time_passed_unseen_is_still_caught_up_in_search(client, monkeypatch, settings,
                                                            meanwhile):
    """Before, the first page after a scheduled time caught up the documents listing what
    passed it only while the schedule kept with the content version was still known: not
    after an hour without a change, nor once a change had come after the time."""
    settings.PAGE_CACHE = True
    ends = timezone.now() + datetime.timedelta(hours=2)
    leaving = make_location(slug="walnutvale", name="Walnutvale campus", unpublish_at=ends)
    make_site("tumor-board", name="Tumor board").locations.add(leaving)
    assert "/care/tumor-board/#where-title" in result_links(page(client, "walnutvale"))
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(hours=2,
                                                                                 minutes=1))
    meanwhile()
    assert result_links(page(client, "walnutvale")) == []
    # Caught up once: the next page after another change finds nothing more to write.
    change_something_else()
    assert site_search.passed_in(ends + datetime.timedelta(seconds=1), timezone.now()) is False
    assert result_links(page(client, "walnutvale")) == []


def test_the_schedules_task_catches_up_from_where_it_or_a_page_left_off(monkeypatch):
    ends = timezone.now() + datetime.timedelta(hours=2)
    leaving = make_location(slug="walnutvale", name="Walnutvale campus", unpublish_at=ends)
    make_site("tumor-board", name="Tumor board").locations.add(leaving)
    refresh_search_for_schedule.call()  # catches up what was published in the last hour
    assert refresh_search_for_schedule.call() == {"written": 0}
    # The worker was down for a day: the task still writes the care site again, once.
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(days=1))
    assert refresh_search_for_schedule.call() == {"written": 1}
    assert refresh_search_for_schedule.call() == {"written": 0}
    assert "Walnutvale" not in SearchDocument.objects.get(kind="care_site").body


@pytest.mark.parametrize(("query", "link", "title"), [
    # Before, only "/trials/?status=open", which lists every condition's open trials.
    ("neuroblastoma trials open", "/trials/?status=open&amp;condition=neuroblastoma",
     "Neuroblastoma trials open to new patients"),
    ("clinical trials for wilms tumour", "/trials/?condition=nephroblastoma",
     "Nephroblastoma trials"),
    ("neuroblastoma trials for a 5 year old",
     "/trials/?status=open&amp;age=5&amp;condition=neuroblastoma",
     "Neuroblastoma trials open to a child of 5 years"),
    ("open trials", "/trials/?status=open", "Trials open to new patients"),
])
def test_trials_for_a_condition_offer_the_finder_filtered_by_it(client, demo, query, link,
                                                                 title):
    html = page(client, query)
    assert destination_links(html)[0] == link
    assert f'<a href="{link}">{title}</a>' in html
    if "neuroblastoma" in link:
        assert "NCT99990003" in client.get(htmllib_unescape(link)).content.decode()
