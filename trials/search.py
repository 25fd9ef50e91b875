"""How trials are found by words: the trial finder's `q` (SEARCH_FIELDS) and the site
search document, which holds every one of those fields plus interventions and the linked
condition pages."""

from functools import reduce
from operator import or_

from django.db.models import Q

from conditions.models import Condition
from portal.search import MAX_WORDS, Document, Part, Searchable, html_text
from trials.models import Intervention, Trial


def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def trial_document(trial):
    interventions = [f"{item.name}. {item.description}" for item in trial.interventions.all()]
    conditions = [*lines(trial.registry_conditions),
                  *(condition.name for condition in trial.conditions.all())]
    return Document(
        title=trial.brief_title, url=trial.get_absolute_url(),
        names=tuple(name for name in (trial.acronym, trial.nct_id) if name),
        code=trial.nct_id,
        summary=html_text(trial.plain_summary_html) or trial.official_title,
        parts=(
            Part("", "", trial.official_title),
            Part("registry-summary", "Registry summary", html_text(trial.brief_summary_html)),
            Part("interventions", "Interventions", " ".join(interventions)),
            Part("trial-conditions", "Conditions", ", ".join(conditions)),
            Part("trial-conditions", "Keywords", ", ".join(lines(trial.keywords))),
        ),
    )


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
    Searchable(
        Trial, "trial", "Clinical trial", "Clinical trials", trial_document,
        prefetch=("interventions", "conditions"),
        depends_on=((Intervention, "interventions"), (Condition, "conditions")),
        suggest=False,
    ),
]
