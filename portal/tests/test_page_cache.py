"""The whole-page cache: what it serves, to whom, and how every content change ends it."""

import datetime
import gzip
import re
from unittest import mock

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from care_sites.models import CareSite
from care_sites.tests.factories import hours, make_location, make_site
from conditions.models import Condition, Section
from conditions.tests.factories import make_condition, make_section
from newsletter.models import Subscriber
from newsletter.tests.factories import make_topic
from pages.models import Page
from pages.tests.factories import make_notice, make_page
from portal import cache as page_cache
from portal import roles
from portal.tests.support import staff_user
from trials.tests.factories import make_trial

pytestmark = pytest.mark.django_db


def get(client, url, **extra):
    """The response and how many queries it took (0: served from the page cache)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def html(response):
    return response.content.decode()


def cached_twice(client, url):
    """Requests the page twice and checks the second answer came from the cache."""
    first, rendered = get(client, url)
    second, again = get(client, url)
    assert first.status_code == second.status_code == 200
    assert rendered > 0
    assert again == 0
    assert second.content == first.content
    assert "Age" not in first
    assert second["Age"] == "0"
    return second


# Serving from the cache ----------------------------------------------------------------------

def test_anonymous_pages_are_served_from_the_cache_with_public_headers(client):
    make_condition(name="Neuroblastoma", slug="neuroblastoma")
    for url in ["/", "/conditions/", "/conditions/neuroblastoma/", "/trials/", "/care/",
                "/support/"]:
        response = cached_twice(client, url)
        assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300", url
        assert response.has_header("ETag"), url
        assert "Set-Cookie" not in str(response.cookies.output()), url
        assert response["Content-Security-Policy"], url  # headers survive the cache


def test_searches_are_cached_and_each_one_is_still_counted(client):
    from portal.models import SearchQueryStat

    make_condition(name="Neuroblastoma", slug="neuroblastoma")
    first, queries = get(client, "/search/?q=neuroblastoma")
    assert queries > 2
    for _ in range(3):
        again, queries = get(client, "/search/?q=neuroblastoma")
        # Only the statistics (tests write them at once: the day's number of different
        # searches, then the count): the page itself comes from the cache.
        assert queries == 2
        assert again.content == first.content
    get(client, "/search/?q=neuroblastoma&page=2")  # paging is not a new search
    assert SearchQueryStat.objects.get(query="neuroblastoma").count == 4
    _, queries = get(client, "/search/?q=neuroblastoma&page=2")
    assert queries == 0
    assert SearchQueryStat.objects.get(query="neuroblastoma").count == 4
    # A change to the content is found by the next search, and counted with it.
    make_condition(name="Neuroblastoma in adults", slug="adult-neuroblastoma")
    fresh, queries = get(client, "/search/?q=neuroblastoma")
    assert queries > 2
    assert "Neuroblastoma in adults" in html(fresh)
    stat = SearchQueryStat.objects.get(query="neuroblastoma")
    assert (stat.count, stat.results) == (5, 2)


def test_a_signed_in_editors_search_is_counted_and_never_cached(client, django_user_model):
    from portal.models import SearchQueryStat

    make_condition(name="Neuroblastoma", slug="neuroblastoma")
    client.force_login(staff_user(django_user_model, roles.CONTENT_EDITORS))
    for _ in range(2):
        response, queries = get(client, "/search/?q=neuroblastoma")
        assert queries > 2
        assert "no-store" in response["Cache-Control"]
    assert SearchQueryStat.objects.get(query="neuroblastoma").count == 2


def test_query_strings_in_any_order_share_one_cached_page(client):
    make_condition()
    cached_twice(client, "/trials/?status=open&age=5")
    _, queries = get(client, "/trials/?age=5&status=open")
    assert queries == 0
    _, queries = get(client, "/trials/?age=6&status=open")
    assert queries > 0


def test_the_hosts_spellings_share_one_cached_page(client):
    # Django checks the host without its port and in any case: so does the page's key, or
    # each port and spelling would keep its own copy of every page.
    make_condition()
    cached_twice(client, "/conditions/neuroblastoma/")
    for host in ["testserver:1", "TestServer:65000", "TESTSERVER"]:
        response, queries = get(client, "/conditions/neuroblastoma/", HTTP_HOST=host)
        assert response.status_code == 200
        assert queries == 0, host


def test_a_page_kept_a_while_reaches_browsers_as_fresh(client):
    # A hit is checked against the current content, so it goes out as a page just made:
    # the time it was kept here does not eat into a browser's or CDN's max-age.
    make_condition()
    cached_twice(client, "/conditions/neuroblastoma/")
    with later(75):
        response, queries = get(client, "/conditions/neuroblastoma/")
    assert queries == 0
    assert response["Age"] == "0"
    assert "max-age=60" in response["Cache-Control"]


def test_missing_pages_and_redirects_are_asked_for_again_each_time(client):
    make_condition()
    make_trial("NCT99990001")
    for url, status in [("/conditions/not-a-page/", 404), ("/conditions/Neuroblastoma/", 301),
                        ("/search/?q=NCT99990001", 302)]:
        response = client.get(url)
        assert response.status_code == status, url
        assert "no-cache" in response["Cache-Control"], url
        assert "public" not in response["Cache-Control"], url


def test_links_with_tracking_parameters_share_the_page(client):
    make_condition()
    cached_twice(client, "/conditions/neuroblastoma/")
    for query in ["?fbclid=IwAR0abc", "?fbclid=IwAR0def&utm_source=facebook",
                  "?utm_campaign=autumn&utm_medium=email&gclid=xyz"]:
        _, queries = get(client, "/conditions/neuroblastoma/" + query)
        assert queries == 0, query
    _, queries = get(client, "/trials/?status=open&utm_source=newsletter")
    assert queries > 0  # other parameters still make their own page


def test_a_page_asked_for_with_a_parameter_its_view_does_not_read_is_not_stored(client):
    # Else anyone could fill the cache with copies of a page: ?x=1, ?x=2, ...
    make_condition()
    make_trial("NCT00000001")
    make_location(slug="main-campus")
    for url in ["/conditions/neuroblastoma/?x=1", "/?page=2", "/trials/?status=open&x=1",
                "/search/?q=neuroblastoma&fresh=1", "/care/?location=main-campus&q=a"]:
        first, rendered = get(client, url)
        again, queries = get(client, url)
        assert first.status_code == again.status_code == 200, url
        counting = 2 if url.startswith("/search/") else 0  # a search counts itself
        assert rendered > counting, url
        assert queries > counting, url  # rendered again
        assert again.content == first.content, url
        assert again["Cache-Control"] == "no-store", url  # by a CDN in front neither
    # The parameters each view reads still make pages of their own.
    for url in ["/trials/?status=open&age=5&q=mibg&condition=&phase=&site=&page=1",
                "/care/?location=main-campus"]:
        cached_twice(client, url)
    get(client, "/search/?q=neuroblastoma&type=condition&page=2")
    _, queries = get(client, "/search/?q=neuroblastoma&type=condition&page=2")
    assert queries == 0  # from the cache (paging is not counted again)


def test_tracking_parameters_are_not_passed_on_in_the_pages_links(client):
    make_condition()
    for number in range(25):  # two pages of trials
        make_trial(f"NCT{number:08d}")
    response, _ = get(client, "/trials/?status=open&utm_source=mail&gclid=abc")
    assert 'href="?status=open&amp;page=2"' in html(response)
    assert "utm_source" not in html(response)
    assert "gclid" not in html(response)
    response, _ = get(client, "/trials/?status=upcoming&age=1&utm_campaign=x")
    assert "No trials match your search." in html(response)
    assert "utm_campaign" not in html(response)


def test_the_key_reads_the_query_string_as_the_view_does(rf):
    # WSGI gives the query string's bytes as Latin-1 text; Django reads them as UTF-8.
    raw = rf.get("/search/", QUERY_STRING="q=\u00c3\u00a9zq")  # the bytes of "\u00e9zq"
    other = rf.get("/search/", QUERY_STRING="q=%C3%83%C2%A9zq")  # "\u00c3\u00a9zq"
    assert (raw.GET["q"], other.GET["q"]) == ("\u00e9zq", "\u00c3\u00a9zq")
    assert page_cache.page_key(raw) != page_cache.page_key(other)
    same = rf.get("/search/", QUERY_STRING="q=%C3%A9zq")
    assert page_cache.page_key(raw) == page_cache.page_key(same)


def test_a_parameter_given_twice_is_read_as_django_reads_it(client):
    make_condition()
    first = cached_twice(client, "/trials/?age=9&age=5")
    assert 'name="age" value="5"' in html(first)
    other, queries = get(client, "/trials/?age=5&age=9")
    assert queries > 0
    assert 'name="age" value="9"' in html(other)


def test_a_head_request_is_not_counted_as_a_search(client):
    from portal.models import SearchQueryStat

    make_condition()
    client.head("/search/?q=neuroblastoma")
    client.head("/search/?q=neuroblastoma")
    assert not SearchQueryStat.objects.exists()
    client.get("/search/?q=neuroblastoma")
    assert SearchQueryStat.objects.get().count == 1


def test_a_head_request_has_the_headers_of_the_get(client):
    make_condition()
    url = "/conditions/neuroblastoma/"
    head = client.head(url, HTTP_ACCEPT_ENCODING="gzip")
    got = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert "Age" not in got  # the HEAD stored nothing: the GET rendered the page
    for name in ["Content-Encoding", "Content-Length", "ETag", "Vary", "Cache-Control"]:
        assert head.get(name) == got.get(name), name
    assert got["Content-Encoding"] == "gzip"


def test_a_cached_page_answers_304_to_its_etag_until_content_changes(client):
    condition = make_condition()
    first = client.get("/conditions/neuroblastoma/")
    etag = first["ETag"]
    not_modified, queries = get(client, "/conditions/neuroblastoma/", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert queries == 0
    assert not_modified.content == b""

    condition.summary = "A newer summary."
    condition.save()
    changed = client.get("/conditions/neuroblastoma/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "A newer summary." in html(changed)


def test_cached_pages_are_served_compressed_to_browsers_that_accept_gzip(client):
    make_condition()
    url = "/conditions/neuroblastoma/"
    fresh = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    plain, queries = get(client, url)
    assert queries == 0
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    assert int(plain["Content-Length"]) == len(plain.content)
    for response in [fresh, get(client, url, HTTP_ACCEPT_ENCODING="gzip")[0]]:
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert int(response["Content-Length"]) == len(response.content)
        assert len(response.content) < len(plain.content) / 3
        assert gzip.decompress(response.content) == plain.content
        assert response["ETag"] == "W/" + plain["ETag"]
    not_modified, queries = get(client, url, HTTP_ACCEPT_ENCODING="gzip",
                                HTTP_IF_NONE_MATCH=fresh["ETag"])
    assert not_modified.status_code == 304
    assert queries == 0
    # Not for a client that does not ask for it, nor for small pages.
    for refusing in ["identity", "gzip;q=0", "br, gzip; q=0.0", "*;q=0", "gzip;q=x"]:
        assert "Content-Encoding" not in get(client, url, HTTP_ACCEPT_ENCODING=refusing)[0]
    for accepting in ["x-gzip", "*", "br;q=1, gzip;q=0.5", "GZIP"]:
        response = get(client, url, HTTP_ACCEPT_ENCODING=accepting)[0]
        assert response["Content-Encoding"] == "gzip", accepting
    assert "Content-Encoding" not in client.get("/robots.txt", HTTP_ACCEPT_ENCODING="gzip")


def test_pages_answer_304_with_the_page_cache_off(client, settings):
    settings.PAGE_CACHE = False
    make_condition()
    first = client.get("/conditions/")
    again, queries = get(client, "/conditions/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert queries > 0  # rendered again: nothing is stored


def test_with_the_page_cache_off_every_request_renders(client, settings):
    settings.PAGE_CACHE = False
    make_condition()
    client.get("/conditions/")
    _, queries = get(client, "/conditions/")
    assert queries > 0


# Exact invalidation ---------------------------------------------------------------------------

def test_a_save_shows_on_the_next_request(client):
    condition = make_condition()
    cached_twice(client, "/conditions/neuroblastoma/")
    condition.summary = "Summary changed by an editor."
    condition.save()
    assert "Summary changed by an editor." in html(client.get("/conditions/neuroblastoma/"))


def test_a_delete_shows_on_the_next_request(client):
    condition = make_condition()
    section = make_section(condition, heading="Soon gone")
    assert "Soon gone" in html(cached_twice(client, "/conditions/neuroblastoma/"))
    section.delete()
    assert "Soon gone" not in html(client.get("/conditions/neuroblastoma/"))


def test_publishing_and_unpublishing_show_on_the_next_request(client):
    make_condition(name="Listed", slug="listed")
    draft = make_condition(name="Wilms tumour", slug="wilms", status=Condition.Status.DRAFT)
    assert "Wilms tumour" not in html(cached_twice(client, "/conditions/"))

    draft.status = Condition.Status.PUBLISHED
    draft.save()
    assert "Wilms tumour" in html(cached_twice(client, "/conditions/"))

    draft.status = Condition.Status.DRAFT
    draft.save(update_fields=["status"])
    assert "Wilms tumour" not in html(client.get("/conditions/"))


def test_reordering_shows_on_the_next_request(client):
    condition = make_condition()
    first = make_section(condition, order=0, heading="Alpha heading")
    second = make_section(condition, order=1, kind=Section.Kind.SYMPTOMS, heading="Beta heading")
    page = html(cached_twice(client, "/conditions/neuroblastoma/"))
    assert page.index("Alpha heading") < page.index("Beta heading")
    first.order = 2
    first.save(update_fields=["order"])
    page = html(cached_twice(client, "/conditions/neuroblastoma/"))
    assert page.index("Beta heading") < page.index("Alpha heading")
    # A bulk update sends no signals: code that uses one says so itself.
    first.order, second.order = 0, 1
    Section.objects.bulk_update([first, second], ["order"])
    page_cache.content_changed()
    page = html(client.get("/conditions/neuroblastoma/"))
    assert page.index("Alpha heading") < page.index("Beta heading")


def test_a_relation_change_shows_on_the_next_request(client):
    condition = make_condition()
    site = make_site("oncology-clinic", name="Oncology Clinic")
    assert "Oncology Clinic" not in html(cached_twice(client, "/conditions/neuroblastoma/"))
    site.conditions.add(condition)
    assert "Oncology Clinic" in html(cached_twice(client, "/conditions/neuroblastoma/"))
    condition.care_sites.remove(site)  # from the other side of the relation
    assert "Oncology Clinic" not in html(client.get("/conditions/neuroblastoma/"))


def test_every_content_model_of_every_feature_app_ends_cached_pages():
    models = page_cache.content_models()
    labels = {model._meta.label for model in models}
    assert {"conditions.Condition", "conditions.Section", "care_sites.CareSite",
            "trials.Trial", "pages.Page", "pages.PrivacyNotice", "newsletter.Topic",
            "care_sites.CareSite_conditions"} <= labels
    assert not {"newsletter.Subscriber", "newsletter.Consent",
                "newsletter.Subscriber_topics"} & labels
    for model in models:
        if not model._meta.auto_created:
            assert post_save.has_listeners(model), model


def test_a_newsletter_signup_leaves_cached_pages_alone(client):
    make_condition()
    cached_twice(client, "/conditions/neuroblastoma/")
    subscriber = Subscriber.objects.create(email="someone@example.org")
    subscriber.topics.add(make_topic(slug="other"))  # a topic is content: the page changes
    cached_twice(client, "/conditions/neuroblastoma/")
    Subscriber.objects.create(email="another@example.org").topics.add(*subscriber.topics.all())
    _, queries = get(client, "/conditions/neuroblastoma/")
    assert queries == 0


def test_a_version_lost_from_the_cache_never_brings_back_older_pages(client):
    condition = make_condition()
    cached_twice(client, "/conditions/neuroblastoma/")
    from django.core.cache import cache

    cache.delete(page_cache.VERSION_KEY)  # evicted, say
    condition.summary = "Changed after the eviction."
    condition.save()
    assert "Changed after the eviction." in html(client.get("/conditions/neuroblastoma/"))


# Scheduled publishing -------------------------------------------------------------------------

def later(seconds):
    moved = timezone.now() + datetime.timedelta(seconds=seconds)
    return mock.patch("django.utils.timezone.now", return_value=moved)


def chrome_queries(client, url):
    """The page's HTML and how many of its queries read the header's pages or phone."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return html(response), sum(1 for query in queries.captured_queries
                               if '"pages_page"."placement"' in query["sql"]
                               or '"care_sites_location"."phone"' in query["sql"])


def test_the_header_links_and_phone_are_kept_per_content_version(client):
    about = make_page(title="About us", slug="about", placement=Page.Placement.HEADER)
    make_location(slug="main-campus", is_main=True, phone="510-555-0100")
    url = "/newsletter/"  # never a cached page: rendered every time
    first, looked_up = chrome_queries(client, url)
    assert "About us" in first
    assert "510-555-0100" in first
    assert looked_up == 2
    again, looked_up = chrome_queries(client, url)
    header = re.compile(r"<header.*?</header>", re.S)
    assert header.search(again)[0] == header.search(first)[0]
    assert looked_up == 0
    about.title = "Who we are"
    about.save()
    changed, looked_up = chrome_queries(client, url)
    assert "Who we are" in changed
    assert "About us" not in changed
    assert looked_up == 2
    make_page(title="Visiting", slug="visiting", placement=Page.Placement.HEADER,
              publish_at=timezone.now() + datetime.timedelta(minutes=10))
    assert "Visiting" not in chrome_queries(client, url)[0]
    with later(9 * 60):
        assert chrome_queries(client, url)[1] == 0
    with later(10 * 60 + 1):
        assert ">Visiting</a>" in chrome_queries(client, url)[0]


def test_with_the_page_cache_off_the_header_is_read_every_time(client, settings):
    settings.PAGE_CACHE = False
    make_page(title="About us", slug="about", placement=Page.Placement.HEADER)
    for _ in range(2):
        assert chrome_queries(client, "/newsletter/")[1] == 2


def test_scheduled_content_appears_on_time_from_a_cached_page(client):
    make_condition(name="Listed", slug="listed")
    make_condition(name="Ewing sarcoma", slug="ewing",
                   publish_at=timezone.now() + datetime.timedelta(minutes=10))
    first = client.get("/conditions/")
    assert "Ewing sarcoma" not in html(first)
    assert int(re.search(r"max-age=(\d+)", first["Cache-Control"])[1]) <= 60

    with later(9 * 60):
        _, queries = get(client, "/conditions/")
        assert queries == 0  # still before the scheduled time: cached
    with later(10 * 60 + 1):
        assert "Ewing sarcoma" in html(client.get("/conditions/"))


def test_scheduled_unpublishing_takes_effect_on_time_from_a_cached_page(client):
    make_condition(name="Listed", slug="listed")
    make_condition(name="Leaving soon", slug="leaving",
                   unpublish_at=timezone.now() + datetime.timedelta(minutes=5))
    assert "Leaving soon" in html(cached_twice(client, "/conditions/"))
    with later(4 * 60):
        _, queries = get(client, "/conditions/")
        assert queries == 0
    with later(5 * 60 + 1):
        assert "Leaving soon" not in html(client.get("/conditions/"))


def cache_seconds(response):
    control = response["Cache-Control"]
    return (int(re.search(r"max-age=(\d+)", control)[1]),
            int(re.search(r"stale-while-revalidate=(\d+)", control)[1]))


def test_a_cdn_may_serve_a_page_stale_only_until_its_next_change(client):
    make_condition(name="Listed", slug="listed")
    make_condition(name="Soon", slug="soon",
                   publish_at=timezone.now() + datetime.timedelta(seconds=200))
    max_age, stale = cache_seconds(client.get("/conditions/"))
    assert max_age == 60
    assert 135 <= stale <= 140  # 200 s to the change, less the minute it is fresh
    # From the page cache, the same bound, nearer the change.
    with later(150):
        response = client.get("/conditions/")
        assert "Age" in response
        max_age, stale = cache_seconds(response)
        assert max_age <= 50
        assert stale == 0


def test_browsers_are_told_to_keep_a_page_no_longer_than_the_next_scheduled_change(client):
    make_condition(publish_at=timezone.now() - datetime.timedelta(days=1))
    make_condition(name="Soon", slug="soon",
                   publish_at=timezone.now() + datetime.timedelta(seconds=20))
    max_age = int(re.search(r"max-age=(\d+)", client.get("/")["Cache-Control"])[1])
    assert 0 < max_age <= 20


def test_a_privacy_notice_taking_effect_at_midnight_ends_cached_pages(client):
    today = timezone.localdate()
    make_notice("2025-01", today - datetime.timedelta(days=30), body="The old notice.")
    make_notice("2026-01", today + datetime.timedelta(days=1), body="The new notice.")
    assert "The old notice." in html(cached_twice(client, "/privacy/"))
    midnight = timezone.make_aware(datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time()))
    with mock.patch("django.utils.timezone.now", return_value=midnight):
        assert "The new notice." in html(client.get("/privacy/"))


def test_a_location_page_is_kept_only_until_it_opens_or_closes(client):
    # Published yesterday: today's noon, below, may be earlier than the moment it is made.
    location = make_location(slug="oakland",
                             publish_at=timezone.now() - datetime.timedelta(days=1))
    for weekday in range(7):
        hours(location, weekday, datetime.time(8), datetime.time(17))
    local = timezone.localtime()
    noon = timezone.make_aware(datetime.datetime.combine(local.date(), datetime.time(12)))
    five = noon + datetime.timedelta(hours=5)
    with mock.patch("django.utils.timezone.now", return_value=noon):
        assert "Open now" in html(client.get("/care/locations/oakland/"))
        _, queries = get(client, "/care/locations/oakland/")
        assert queries == 0
    with mock.patch("django.utils.timezone.now", return_value=five):
        assert "Closed now" in html(client.get("/care/locations/oakland/"))


def test_a_location_page_without_opening_hours_drops_a_passed_closure_at_midnight(client):
    """Before, a campus with no opening hours had no such limit: its page kept showing the
    day that had just passed as an upcoming closure for up to an hour."""
    location = make_location(slug="walnut", publish_at=timezone.now() - datetime.timedelta(days=1))
    today = timezone.localdate()
    location.closures.create(date=today, note="Staff day")
    evening = timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 59)))
    with mock.patch("django.utils.timezone.now", return_value=evening):
        assert "Staff day" in html(client.get("/care/locations/walnut/"))
        assert get(client, "/care/locations/walnut/")[1] == 0  # served from the cache
    with mock.patch("django.utils.timezone.now",
                    return_value=evening + datetime.timedelta(minutes=2)):
        assert "Staff day" not in html(client.get("/care/locations/walnut/"))


# Never cached --------------------------------------------------------------------------------

def test_staff_are_never_served_from_or_stored_in_the_cache(client, django_user_model):
    make_condition()
    cached_twice(client, "/conditions/")
    client.force_login(staff_user(django_user_model, "Content editors"))
    response, queries = get(client, "/conditions/")
    assert queries > 0
    assert response["Cache-Control"] == "private, no-store"
    _, queries = get(client, "/conditions/")
    assert queries > 0


def test_a_page_first_seen_by_staff_is_not_stored_for_anonymous_visitors(
        client, django_user_model):
    make_condition()
    staff = staff_user(django_user_model, "Content editors")
    client.force_login(staff)
    client.get("/conditions/neuroblastoma/")
    client.logout()
    _, queries = get(client, "/conditions/neuroblastoma/")
    assert queries > 0


def test_previews_are_never_cached(client, django_user_model):
    make_condition(name="Draft condition", slug="draft", status=Condition.Status.DRAFT)
    client.force_login(staff_user(django_user_model, "Content editors"))
    preview = client.get("/conditions/draft/")
    assert preview.status_code == 200
    assert "Draft condition" in html(preview)
    assert preview["Cache-Control"] == "private, no-store"
    client.logout()
    assert client.get("/conditions/draft/").status_code == 404


def test_posts_errors_and_pages_with_messages_are_never_cached(client):
    make_condition()
    assert client.post("/conditions/").status_code in (200, 405)
    assert client.get("/no-such-page/").status_code == 404
    _, queries = get(client, "/no-such-page/")
    assert queries > 0
    client.cookies["messages"] = "anything"
    cached_twice_without_messages = client.get("/conditions/")
    assert cached_twice_without_messages.status_code == 200
    _, queries = get(client, "/conditions/")
    assert queries > 0


def test_the_newsletter_form_page_carries_a_token_and_is_private(client):
    response = client.get("/newsletter/")
    assert "csrfmiddlewaretoken" in html(response)
    assert response["Cache-Control"] == "private, no-store"


def test_answers_to_a_post_and_pages_for_a_visitor_with_a_message_are_kept_by_no_one(client):
    make_topic()
    # A signup form sent back with its errors holds the address typed and a token.
    response = client.post("/newsletter/", {"email": "maya@example.org"})
    assert response["Cache-Control"] == "private, no-store"
    assert client.get("/newsletter/thanks/")["Cache-Control"] == "private, no-store"
    make_condition()
    client.cookies["messages"] = "anything"
    response = client.get("/conditions/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


# Tokens on cached pages ------------------------------------------------------------------------

def test_a_cached_condition_page_carries_no_token_and_sets_no_cookie(client):
    make_condition()
    make_topic(condition=Condition.objects.get())
    response = cached_twice(client, "/conditions/neuroblastoma/")
    assert 'name="csrfmiddlewaretoken" value=""' in html(response)
    assert not response.cookies


def test_the_token_address_gives_each_visitor_a_token_of_their_own(client):
    response = client.get("/newsletter/token/")
    assert response["Cache-Control"].startswith("max-age=0")
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert response.json()["token"]
    assert response.cookies["csrftoken"].value


def test_without_javascript_a_signup_from_a_cached_page_takes_one_more_press(
        client, mailoutbox):
    from django.test import Client

    condition = make_condition()
    topic = make_topic(condition=condition)
    browser = Client(enforce_csrf_checks=True)
    page = html(browser.get("/conditions/neuroblastoma/"))
    assert 'name="csrfmiddlewaretoken" value=""' in page
    data = {"email": "family@example.org", "topics": [topic.pk], "consent": "on",
            "csrfmiddlewaretoken": ""}
    retry = browser.post("/newsletter/", data)
    assert retry.status_code == 403
    assert "One more step" in html(retry)
    assert 'value="family@example.org"' in html(retry)
    assert not Subscriber.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html(retry))[1]
    sent = browser.post("/newsletter/", {**data, "csrfmiddlewaretoken": token})
    assert sent.status_code == 302
    assert Subscriber.objects.get().email == "family@example.org"


def test_other_csrf_failures_get_djangos_answer(client):
    from django.test import Client

    make_condition()
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/newsletter/preferences/not-a-token/", {})
    assert response.status_code == 403
    assert "One more step" not in html(response)


def test_care_site_list_shows_a_new_site(client):
    make_location(slug="campus")
    cached_twice(client, "/care/")
    CareSite.objects.create(name="New clinic", slug="new-clinic", status="published")
    assert "New clinic" in html(client.get("/care/"))


def test_the_version_moves_again_when_the_transaction_commits(
        django_capture_on_commit_callbacks):
    before = page_cache.content_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        condition = make_condition()
        for summary in ["One.", "Two.", "Three."]:
            condition.summary = summary
            condition.save()
        during = page_cache.content_version()
    assert during > before
    # However many saves, one more move at the commit.
    assert [callback.__name__ for callback in callbacks].count("_bump_after_commit") == 1
    assert page_cache.content_version() > during


def test_a_page_kept_in_process_memory_follows_a_change_made_by_another_process(client):
    from django.core.cache import cache

    make_condition()
    cached_twice(client, "/conditions/")
    cache.incr(page_cache.VERSION_KEY)  # what a save in another server process does
    _, queries = get(client, "/conditions/")
    assert queries > 0


def test_an_uncached_page_asks_the_shared_cache_for_the_version_once(client):
    """The layout's kept values use the version the request read when it began, and the
    publishing schedule of that version is kept in the process too."""
    from django.core.cache import cache

    make_page(title="About us", slug="about", placement=Page.Placement.HEADER)
    make_location(slug="main-campus", is_main=True, phone="510-555-0100")
    client.get("/conditions/?first=1")  # the header and schedule of this version, kept
    asked = []
    real_get = cache.get

    def counting_get(key, *args, **kwargs):
        asked.append(key)
        return real_get(key, *args, **kwargs)

    with mock.patch.object(cache, "get", counting_get):
        response = client.get("/conditions/?second=1")  # not cached yet: rendered
    assert "510-555-0100" in html(response)
    assert asked.count(page_cache.VERSION_KEY) == 1
    assert not [key for key in asked if "schedule" in key]


def test_a_change_during_a_request_is_seen_by_the_rest_of_it():
    start = page_cache.content_version()
    token = page_cache._request_version.set(start)
    try:
        assert page_cache.content_version() == start
        make_condition()  # content changed by this request
        assert page_cache.content_version() > start
    finally:
        page_cache._request_version.reset(token)


def test_process_memory_holds_at_most_its_budget_of_pages(client, settings):
    make_condition()
    client.get("/conditions/")
    stored = next(reversed(page_cache.local_pages.entries.values()))  # body and gzip copy
    settings.PAGE_CACHE_LOCAL_BYTES = page_cache.entry_size(stored) + 10
    client.get("/conditions/neuroblastoma/")
    assert page_cache.local_pages.size <= settings.PAGE_CACHE_LOCAL_BYTES
    assert len(page_cache.local_pages.entries) == 1
    _, queries = get(client, "/conditions/")  # dropped here, still in the shared cache
    assert queries == 0


# Previews of drafts --------------------------------------------------------------------------

def keep_draft(obj, user, **changes):
    """A pending draft of the live `obj` with the given fields changed."""
    from portal.publishing import draft_save, serialize

    data = serialize(obj)
    data[0]["fields"].update(changes)
    draft_save(obj=obj, user=user, data=data)


def previewed(client, user, url):
    client.force_login(user)
    response = client.get(url + "?preview=draft")
    client.logout()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return html(response)


def test_previewing_a_draft_leaves_the_public_header_and_cached_pages_alone(
        client, django_user_model):
    editor = staff_user(django_user_model, "Content editors")
    about = make_page(title="About us", slug="about", placement=Page.Placement.HEADER)
    location = make_location(slug="main-campus", is_main=True, phone="510-555-0100")
    cached_twice(client, "/conditions/")
    keep_draft(about, editor, title="Secret draft title")
    keep_draft(location, editor, phone="510-555-0199")

    assert "Secret draft title" in previewed(client, editor, "/about/")
    assert "510-555-0199" in previewed(client, editor, "/care/locations/main-campus/")

    # The live pages cached before the previews are still current, and every page, cached
    # or rendered afresh, shows the live header.
    _, queries = get(client, "/conditions/")
    assert queries == 0
    for url in ["/conditions/", "/newsletter/", "/about/"]:
        page = html(client.get(url))
        assert ">About us</a>" in page
        assert "Secret draft title" not in page
        assert "510-555-0100" in page
        assert "510-555-0199" not in page


def test_previewing_a_draft_leaves_the_publishing_schedule_alone(client, django_user_model):
    editor = staff_user(django_user_model, "Content editors")
    ending = timezone.now() + datetime.timedelta(minutes=10)
    page = make_page(title="Flu clinic", slug="flu-clinic", unpublish_at=ending)
    keep_draft(page, editor, unpublish_at=None)
    assert "Flu clinic" in previewed(client, editor, "/flu-clinic/")
    cached_twice(client, "/flu-clinic/")
    with later(10 * 60 + 1):
        assert client.get("/flu-clinic/").status_code == 404
