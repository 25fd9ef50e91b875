"""Pages editors offer above the results of a search, for what families type that the pages
do not say in their words ("prognosis")."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conditions.models import Condition
from portal import roles
from portal import search as site_search
from portal.models import SearchDocument, SearchPromotion, SearchQueryStat
from portal.tests.support import form_data, staff_user

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/portal/searchpromotion/add/"


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


@pytest.fixture
def public():
    """A family's browser, beside the editor's."""
    return Client()


def search(client, q, **params):
    response = client.get("/search/", {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


def offered(html):
    """(address, text) of each link in the "On this site" box."""
    box = re.search(r'<section class="search-destinations".*?</section>', html, re.S)
    return re.findall(r'<li><a href="([^"]*)">([^<]*)</a>', box[0]) if box else []


def add(client, **fields):
    data = {"query": "prognosis", "url": "/conditions/neuroblastoma/#overview", "title": "",
            "summary": "", "order": "0", **fields}
    return client.post(ADD_URL, data)


def errors(response):
    assert response.status_code == 200, "saved when it should have been refused"
    form = response.context["adminform"].form
    return {name: [str(error) for error in errs] for name, errs in form.errors.items()}


def test_an_editor_offers_a_page_for_words_the_pages_do_not_hold(public, editor_client, demo):
    assert "Nothing matches “prognosis”." in search(public, "prognosis")
    response = add(editor_client, summary="How children with neuroblastoma do over time.")
    assert response.status_code == 302, errors(response)
    saved = re.sub(r"<[^>]+>", "", editor_client.get(response["Location"]).content.decode())
    assert ("The page offered for a search “prognosis: /conditions/neuroblastoma/#overview” "
            "was added successfully.") in saved
    assert SearchPromotion.objects.get().title == ""  # the page's own is shown
    # Found however families type it: capitals, punctuation, common words.
    for typed in ["prognosis", "What is the PROGNOSIS?", "prognosis."]:
        html = search(public, typed)
        assert offered(html) == [("/conditions/neuroblastoma/#overview", "Neuroblastoma")]
        assert "How children with neuroblastoma do over time." in html
        assert "Nothing matches" not in html
        assert "Try fewer or simpler words" not in html
    # Counted as a search that found something.
    assert SearchQueryStat.objects.get(query="prognosis").results == 1
    # Other words are other searches.
    assert offered(search(public, "neuroblastoma prognosis")) == []


def test_a_promoted_page_comes_before_the_sites_own_lists(public, editor_client, demo):
    assert offered(search(public, "newsletter")) == [("/newsletter/", "Newsletter")]
    response = add(editor_client, query="newsletter", url="/privacy/", title="What we keep")
    assert response.status_code == 302, errors(response)
    assert [url for url, _ in offered(search(public, "newsletter"))] == ["/privacy/",
                                                                        "/newsletter/"]


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"url": "https://example.org/"}, "url", "Use the address of a page of this site"),
    ({"url": "//example.org/conditions/neuroblastoma/"}, "url",
     "Use the address of a page of this site"),
    ({"url": "javascript:alert(1)"}, "url", "Use the address of a page of this site"),
    ({"url": "/trials/?status=open"}, "url", "or anything after “?”"),
    ({"url": "/conditions/no-such-page/"}, "url",
     "No published page of this site has the address /conditions/no-such-page/."),
    ({"url": "/conditions/neuroblastoma/#outlook"}, "url",
     "The page has no part “#outlook”. Its parts: #key-facts, #overview, #symptoms"),
    ({"query": "?!"}, "query", "Type the words of the search"),
])
def test_a_promotion_that_would_not_work_is_refused_and_nothing_saved(
        editor_client, demo, fields, field, message):
    response = add(editor_client, **fields)
    assert any(message in text for text in errors(response)[field]), errors(response)
    assert not SearchPromotion.objects.exists()


def test_a_draft_page_cannot_be_offered(editor_client, demo):
    Condition.objects.filter(slug="neuroblastoma").update(status=Condition.Status.DRAFT)
    site_search.rebuild()
    response = add(editor_client)
    assert "No published page of this site has the address" in errors(response)["url"][0]


def test_one_search_offers_a_page_once_and_three_pages_at_most(editor_client, demo):
    assert add(editor_client).status_code == 302
    assert errors(add(editor_client, query="Prognosis?"))["url"] == [
        "This search already offers this page."]
    assert errors(add(editor_client, url="/conditions/neuroblastoma/#causes"))["url"] == [
        "This search already offers this page."]  # another part of it is the same page
    for url in ["/conditions/nephroblastoma/", "/trials/"]:
        response = add(editor_client, url=url)
        assert response.status_code == 302, errors(response)
    assert "offers 3 pages already" in errors(
        add(editor_client, url="/care/"))["query"][0]
    assert SearchPromotion.objects.count() == 3


def test_a_page_that_leaves_the_site_is_no_longer_offered(public, editor_client, demo):
    assert add(editor_client).status_code == 302
    assert offered(search(public, "prognosis"))
    condition = Condition.objects.get(slug="neuroblastoma")
    condition.unpublish_at = timezone.now() - datetime.timedelta(minutes=1)
    condition.save()
    assert offered(search(public, "prognosis")) == []
    changelist = editor_client.get(reverse("admin:portal_searchpromotion_changelist"))
    assert 'alt="False"' in changelist.content.decode()  # "shown now": no


def test_what_editors_type_is_escaped_on_the_search_page(public, editor_client, demo):
    response = add(editor_client, title="<b>Outlook</b>", summary='<img src=x onerror="1">')
    assert response.status_code == 302, errors(response)
    html = search(public, "prognosis")
    assert "<b>Outlook</b>" not in html
    assert "&lt;b&gt;Outlook&lt;/b&gt;" in html
    assert "<img src=x" not in html


def test_a_new_promotion_shows_on_a_search_page_served_from_the_cache(
        public, editor_client, demo, settings):
    settings.PAGE_CACHE = True
    first = public.get("/search/", {"q": "prognosis"})
    assert "Nothing matches" in first.content.decode()
    again = public.get("/search/", {"q": "prognosis"})
    assert again.content == first.content
    assert again["Age"] == "0"  # served from the page cache
    assert add(editor_client).status_code == 302
    assert offered(search(public, "prognosis"))


def test_the_searches_that_found_nothing_lead_editors_to_offer_a_page(
        public, editor_client, django_user_model, demo):
    search(public, "prognosis")
    report = editor_client.get(reverse("admin:portal_searchquerystat_changelist"))
    html = report.content.decode()
    assert f'<a href="{ADD_URL}?query=prognosis">Offer a page for “prognosis”</a>' in html
    form = editor_client.get(ADD_URL, {"query": "prognosis"})
    assert form_data(form, "searchpromotion_form")["query"] == "prognosis"
    # Searches counted without their words have nothing to offer a page for.
    SearchQueryStat.objects.create(query=site_search.PERSONAL_SEARCH,
                                   day=timezone.localdate(), count=2, results=0)
    html = editor_client.get(reverse("admin:portal_searchquerystat_changelist")).content.decode()
    nothing = html[html.index('id="found-nothing"'):]
    assert "(words not kept" in nothing
    assert nothing.count("Offer a page for") == 1
    # A role that may read the report but not offer pages sees no such link.
    reviewer = staff_user(django_user_model, roles.MEDICAL_REVIEWERS)
    reviewer.user_permissions.add(Permission.objects.get(codename="view_searchquerystat"))
    public.force_login(reviewer)
    assert "Offer a page" not in public.get(
        reverse("admin:portal_searchquerystat_changelist")).content.decode()


def test_promotions_are_read_in_one_query_or_two_when_there_are_some(
        demo, editor_client, django_assert_num_queries):
    assert site_search.promotion_key("What is the prognosis?") == "prognosi"
    assert site_search.promotion_key("the") == "the"  # common words alone are kept
    with django_assert_num_queries(1):
        assert site_search.promoted("prognosis") == []
    with django_assert_num_queries(0):
        assert site_search.promoted("?!") == []
    for url in ["/conditions/neuroblastoma/", "/conditions/nephroblastoma/", "/trials/"]:
        assert add(editor_client, url=url).status_code == 302
    with django_assert_num_queries(2):
        assert len(site_search.promoted("prognosis")) == 3


def test_a_page_offered_for_a_search_near_me_is_offered_as_it_was_typed(
        public, editor_client, demo):
    """The statistics keep "support group near me" as typed, and the editor offers a page
    for that: the search, which leaves "near me" out, finds it, and so does the search
    without it."""
    response = add(editor_client, query="support group near me", url="/support/")
    assert response.status_code == 302, errors(response)
    assert SearchPromotion.objects.get().words == site_search.promotion_key("support group")
    for typed in ["support group near me", "Support groups in my area", "support group"]:
        assert ("/support/", "Support services") in offered(search(public, typed)), typed
    # "near me" and common words alone are what was asked: searched as typed.
    assert site_search.without_place("what is near me") == "what is near me"
    assert site_search.without_place("near me") == "near me"


def test_a_search_that_leaves_words_out_is_offered_nothing(public, editor_client, demo):
    assert add(editor_client).status_code == 302
    assert offered(search(public, "prognosis -neuroblastoma")) == []
    assert errors(add(editor_client, query="prognosis -wilms"))["query"] == [
        "Type the words of the search, e.g. “prognosis”, without words to leave out (a "
        "minus before them)."]


def test_a_list_of_the_site_offered_for_its_own_words_is_listed_once(public, editor_client,
                                                                    demo):
    response = add(editor_client, query="newsletter", url="/newsletter/",
                   summary="News from the program, by email.")
    assert response.status_code == 302, errors(response)
    html = search(public, "newsletter")
    assert offered(html) == [("/newsletter/", "Newsletter")]
    assert "News from the program, by email." in html
    # Counted once among what the search found.
    results = html.count('<h2 class="h5 mb-1">')
    assert SearchQueryStat.objects.get(query="newsletter").results == results + 1


def test_a_scheduled_page_is_offered_from_its_publishing_time(public, editor_client, demo,
                                                             settings):
    settings.PAGE_CACHE = False  # the search itself (pages cached expire on time: elsewhere)
    later = timezone.now() + datetime.timedelta(days=2)
    Condition.objects.filter(slug="nephroblastoma").update(publish_at=later)
    site_search.rebuild()
    response = add(editor_client, query="wilms outlook", url="/conditions/nephroblastoma/")
    assert response.status_code == 302, errors(response)
    assert offered(search(public, "wilms outlook")) == []
    # Its time comes (nothing is saved then: the search reads the publishing time).
    came = timezone.now() - datetime.timedelta(minutes=1)
    SearchDocument.objects.filter(url="/conditions/nephroblastoma/").update(publish_at=came)
    assert offered(search(public, "wilms outlook")) == [
        ("/conditions/nephroblastoma/", "Nephroblastoma")]


def test_a_glossary_term_can_be_offered(public, editor_client, demo):
    response = add(editor_client, query="radioactive scan", url="/glossary/#term-mibg")
    assert response.status_code == 302, errors(response)
    assert offered(search(public, "radioactive scan")) == [("/glossary/#term-mibg", "MIBG")]
    assert errors(add(editor_client, query="scan", url="/glossary/#term-no-such-term"))[
        "url"] == ["The page has no part “#term-no-such-term”. It has no parts to link to."]
