"""Related rows fetched inside their parent's query are the rows a prefetch would give."""

import datetime

import pytest
from django.utils import timezone

from conditions.models import Condition, Story
from conditions.tests.factories import make_condition
from portal.related import Rows, attach_rows, with_rows

pytestmark = pytest.mark.django_db


def test_rows_match_a_prefetch_in_order_and_values():
    condition = make_condition()
    for name in ["Zeta name", "Alpha name", "Mid name"]:
        condition.synonyms.create(name=name)
    condition.references.create(order=2, title="Second", year=2020)
    condition.references.create(order=1, title="First", year=None)
    now = timezone.now()
    stories = [
        Story.objects.create(title=title, slug=title.lower(), summary="S.", status=status,
                             publish_at=now + datetime.timedelta(days=days))
        for title, status, days in [("Older", "published", -9), ("Newer", "published", -1),
                                    ("Draft", "draft", -2), ("Later", "published", 3)]
    ]
    condition.stories.add(*stories)
    lists = ["synonyms", "references",
             Rows("stories", Story.objects.published(), to_attr="published_stories")]
    fetched = attach_rows(with_rows(Condition.objects.all(), *lists).get(), *lists)
    prefetched = Condition.objects.prefetch_related("synonyms", "references").get()

    assert [s.name for s in fetched.synonyms.all()] == [
        s.name for s in prefetched.synonyms.all()] == ["Alpha name", "Mid name", "Zeta name"]
    assert [(r.pk, r.title, r.year) for r in fetched.references.all()] == [
        (r.pk, r.title, r.year) for r in prefetched.references.all()]
    assert [s.title for s in fetched.published_stories] == ["Newer", "Older"]
    assert [s.publish_at for s in fetched.published_stories] == [
        Story.objects.get(slug=slug).publish_at for slug in ["newer", "older"]]
