"""Querysets built once per process (portal.querysets.built_once) stay right: publishing
filters read the time each time a query runs, and every call gets its own copy."""

import datetime
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from care_sites.tests.factories import make_site
from conditions.models import Condition
from pages.models import Page
from portal.querysets import built_once
from trials.tests.factories import make_trial
from trials.views import trial_page_trials

HOUR = datetime.timedelta(hours=1)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@built_once
def live_pages():
    return Page.objects.published()


@pytest.mark.django_db
def test_a_kept_queryset_reads_the_time_when_it_runs():
    now = timezone.now()
    live_pages()  # built before the page exists, and before the clock moves
    page = Page.objects.create(title="Visiting", slug="visiting", status=Page.Status.PUBLISHED,
                               publish_at=now + HOUR, unpublish_at=now + 3 * HOUR)
    with at(now):
        assert list(live_pages()) == []
    with at(now + 2 * HOUR):
        assert list(live_pages()) == [page]
    with at(now + 4 * HOUR):
        assert list(live_pages()) == []


@pytest.mark.django_db
def test_each_call_gets_its_own_copy_and_the_kept_one_is_never_run():
    Page.objects.create(title="Visiting", slug="visiting", status=Page.Status.PUBLISHED)
    first, second = live_pages(), live_pages()
    assert first is not second
    assert len(first) == 1
    assert second._result_cache is None
    assert live_pages.built()._result_cache is None


@built_once
def published(model):
    return model.objects.published()


@pytest.mark.django_db
def test_one_queryset_is_kept_for_each_argument():
    Page.objects.create(title="Visiting", slug="visiting", status=Page.Status.PUBLISHED)
    assert published(Page).model is Page
    assert published(Condition).model is Condition
    assert published.built(Page) is published.built(Page)
    assert [page.slug for page in published(Page)] == ["visiting"]
    assert list(published(Condition)) == []


@pytest.mark.django_db
@override_settings(PAGE_CACHE=False)
def test_a_page_built_from_kept_querysets_follows_the_publishing_schedule(client):
    """The trial page's queryset, with its prefetches of live care sites, is kept from the
    first request on; a trial and a care site scheduled later appear on time."""
    now = timezone.now()
    trial = make_trial("NCT09990001")
    trial_page_trials.built()  # kept from now on
    site = make_site("later-clinic", name="Later clinic", publish_at=now + HOUR)
    trial.care_sites.add(site)
    scheduled = make_trial("NCT09990002", publish_at=now + HOUR)
    with at(now):
        assert "Later clinic" not in client.get(trial.get_absolute_url()).text
        assert client.get(scheduled.get_absolute_url()).status_code == 404
    with at(now + 2 * HOUR):
        assert "Later clinic" in client.get(trial.get_absolute_url()).text
        assert client.get(scheduled.get_absolute_url()).status_code == 200
