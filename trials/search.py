"""How trials are found by words: one definition for site search and the trial finder's `q`."""

from functools import reduce
from operator import or_

from django.db.models import Q

from portal.search import MAX_WORDS, Searchable
from trials.models import Trial

SEARCH_FIELDS = ("nct_id", "brief_title", "acronym", "official_title", "plain_summary",
                 "brief_summary", "registry_conditions", "keywords")


def trials_matching(queryset, query):
    """Trials of `queryset` in which every word of `query` appears in one of SEARCH_FIELDS."""
    for word in query.split()[:MAX_WORDS]:
        queryset = queryset.filter(
            reduce(or_, (Q(**{f"{field}__icontains": word}) for field in SEARCH_FIELDS))
        )
    return queryset


SEARCHES = [
    Searchable("Clinical trials", Trial.objects.published, SEARCH_FIELDS,
               summary="plain_summary_html"),
]
