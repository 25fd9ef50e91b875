"""Every public page runs a fixed number of queries when rendered (not from the page cache),
however much content there is."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from care_sites.models import Location
from care_sites.tests.factories import (
    hours,
    make_interpreters,
    make_location,
    make_service,
    make_site,
)
from conditions.models import Story
from conditions.tests.factories import make_condition, make_section
from newsletter.tests.factories import make_topic
from pages.models import Page
from pages.tests.factories import make_notice, make_page
from portal.tests.support import schedule_known
from trials.tests.factories import make_trial

pytestmark = pytest.mark.django_db

# page -> (URL, queries). On every page, the header and footer page links are one query and
# the header's "Call us" number another.
PAGES = {
    # the conditions listed (at most 12), the names of all for the trial finder, locations,
    # the open-trials count, page links
    "home": ("/", 6),
    # conditions, their synonyms, page links
    "conditions A-Z": ("/conditions/", 4),
    # conditions/tests/test_views.py lists them (with the glossary terms)
    "condition": ("/conditions/c-0/", 12),
    # the story, its published conditions, page links
    "story": ("/conditions/stories/story-0/", 4),
    # count, page links, filter choices (conditions, care sites), the page, its care sites
    "trials": ("/trials/", 7),
    "trials, filtered": ("/trials/?status=open&age=5", 7),
    # count, page links, filter choices (no page of trials): then, as the search found
    # nothing, a count without each of its six filters, the names "Did you mean" may offer
    # ("condtion" -> "condition") and a count with the one offered
    "trials, nothing found": ("/trials/?q=condtion+0&condition=c-0&status=upcoming&phase=2"
                              "&age=5&site=site-0", 13),
    # the trial with its short lists, registry sites, care sites, their locations,
    # conditions, page links
    "trial": ("/trials/NCT00000000/", 7),
    # locations, care sites, their locations, page links
    "care sites": ("/care/", 5),
    # the site, its locations, their opening hours (for the structured data), conditions,
    # support services, its trials by status group, its first few trials, page links
    "care site": ("/care/site-0/", 9),
    # the location, opening hours, closures, care sites, page links
    "location": ("/care/locations/location-0/", 6),
    # services, page links
    "support services": ("/support/", 3),
    # the service, languages, care sites, conditions, page links
    "support service": ("/support/service-0/", 6),
    # the page, page links
    "page": ("/page-0/", 3),
    # the notices in force, page links
    "privacy": ("/privacy/", 3),
}
# On PostgreSQL "Did you mean" sets the names' trigram index threshold for its query and
# resets it after: two statements more.
POSTGRESQL_MORE = {"trials, nothing found": 2}


def build(size):
    """`size` of everything, all linked to one another."""
    past = timezone.now() - datetime.timedelta(days=1)
    locations = [make_location(slug=f"location-{i}") for i in range(size)]
    for location in locations:
        for weekday in range(5):
            hours(location, weekday, datetime.time(8), datetime.time(17))
        location.closures.create(date=timezone.localdate() + datetime.timedelta(days=3))
    sites = [make_site(f"site-{i}") for i in range(size)]
    services = [make_service(slug=f"service-{i}") for i in range(size)]
    for site in sites:
        site.locations.add(*locations)
    for service in services:
        service.care_sites.add(*sites)
    make_interpreters(languages=[f"Language {i}" for i in range(size)])
    for i in range(size):
        condition = make_condition(slug=f"c-{i}", name=f"Condition {i}")
        for order in range(size):
            section = make_section(condition, order=order, heading=f"Section {order}")
            section.subsections.create(order=0, heading=f"Part {order}", body="Text.")
            condition.synonyms.create(name=f"Synonym {i}-{order}")
            condition.key_facts.create(order=order, text=f"Fact {order}")
            condition.references.create(order=order, title=f"Reference {order}")
            category = condition.staging_categories.create(order=order, name=f"Stage {order}",
                                                           definition="Defined.")
            category.options.create(order=0, text="Watch and wait")
        make_topic(name=f"Topic {i}", condition=condition)
        story = Story.objects.create(title=f"Story {i}", slug=f"story-{i}", summary="S.",
                                     status=Story.Status.PUBLISHED, publish_at=past)
        trial = make_trial(f"NCT{i:08d}", minimum_age="1 Year", maximum_age="18 Years")
        trial.primary_outcomes.create(order=0, measure="Survival")
        trial.interventions.create(order=0, name="Medicine")
        trial.central_contacts.create(order=0, name="Study nurse")
        trial.registry_sites.create(facility="A hospital")
        for related in [story.conditions, trial.conditions]:
            related.add(condition)
        condition.care_sites.add(*sites)
        condition.support_services.add(*services)
        trial.care_sites.add(*sites)
        make_page(title=f"Page {i}", slug=f"page-{i}",
                  placement=[Page.Placement.HEADER, Page.Placement.FOOTER][i % 2])
    make_notice("2024-01", timezone.localdate() - datetime.timedelta(days=400))
    make_notice("2025-01", timezone.localdate() - datetime.timedelta(days=30))
    assert Location.objects.count() == size


@pytest.mark.parametrize("size", [1, 6])
@pytest.mark.parametrize("name", PAGES)
def test_page_queries_do_not_grow_with_content(client, django_assert_num_queries, name, size):
    build(size)
    url, expected = PAGES[name]
    if connection.vendor == "postgresql":
        expected += POSTGRESQL_MORE.get(name, 0)
    cache.clear()  # rendered, not served from the page cache
    schedule_known()
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_num_queries(0):  # and then from the page cache
        assert client.get(url).content == response.content


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE from_sql = false")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.postgresql
@pytest.mark.parametrize("name", PAGES)
def test_postgresql_plans_each_pages_queries_once_per_connection(client, name, settings):
    """Every query is prepared on its second run (settings.py): rendering a page again runs
    the statements prepared before, with nothing new to plan."""
    settings.PAGE_CACHE = False
    build(2)
    url = PAGES[name][0]
    before = prepared_statements()
    for _ in range(2):  # prepared on the second run
        assert client.get(url).status_code == 200
    prepared = prepared_statements()
    assert any('"pages_page"' in statement for statement in prepared - before)
    assert client.get(url).status_code == 200
    assert prepared_statements() == prepared
