"""Site-wide search. Each project app says what can be found in its own `search` module
(a SEARCHES list), so adding a content type never means editing this file."""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q

from portal.apps import feature_modules

MAX_WORDS = 8
PER_TYPE = 20


@dataclass(frozen=True)
class Searchable:
    label: str
    queryset: object  # a callable returning the public queryset
    fields: tuple
    summary: str = "summary"


def searchables():
    return [searchable for module in feature_modules("search") for searchable in module.SEARCHES]


def search(query):
    """[(label, total, [objects])] for every content type with a match, in app order."""
    words = query.split()[:MAX_WORDS]
    if not words:
        return []
    results = []
    for searchable in searchables():
        queryset = searchable.queryset()
        for word in words:
            # A subquery per word: chained filters over many-valued relations would add joins
            # that multiply with every word.
            match = reduce(or_, (Q(**{f"{field}__icontains": word}) for field in searchable.fields))
            queryset = queryset.filter(pk__in=queryset.model.objects.filter(match).values("pk"))
        matches = list(queryset[: PER_TYPE + 1])
        if matches:
            results.append((searchable, matches[:PER_TYPE], len(matches) > PER_TYPE))
    return results
