"""How trials are found by words: the trial finder's `q` (SEARCH_FIELDS) and the site
search document, which holds every one of those fields plus interventions and the linked
condition pages."""

import re
from functools import reduce
from operator import or_

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from conditions.models import Condition
from portal.search import (
    MAX_WORDS,
    STOP_WORDS,
    Destination,
    Document,
    Offer,
    Part,
    Searchable,
    american,
    html_text,
    live,
    spellings,
    without_stop_words,
)
from trials.models import Intervention, Phase, StatusGroup, Trial, age_in_years

# Among trials that match a search as well, those open to new patients come first: what a
# family looks for; then, as in the trial list, those in progress and upcoming, and closed
# ones last. Small beside a name match, so a closed trial named like the query still comes
# before an open one that only mentions it.
OPEN_BOOST = 0.2
GROUP_BOOST = {StatusGroup.OPEN: OPEN_BOOST, StatusGroup.ACTIVE: 0.1,
               StatusGroup.UPCOMING: 0.05, StatusGroup.CLOSED: 0.0}


def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def trial_document(trial):
    interventions = [f"{item.name}. {item.description}" for item in trial.interventions.all()]
    # The condition pages the trial page links to (under "Conditions studied"); the registry's own
    # condition names, which the page does not show, lead to the top of the page, once each.
    linked = [condition.name for condition in live(trial.conditions.all())]
    shown = {name.casefold() for name in linked}
    studied = [name for name in dict.fromkeys(lines(trial.registry_conditions))
               if name.casefold() not in shown]
    return Document(
        title=trial.brief_title, url=trial.get_absolute_url(),
        names=tuple(name for name in (trial.acronym, trial.nct_id) if name),
        code=trial.nct_id,
        summary=html_text(trial.plain_summary_html) or trial.official_title,
        parts=(
            Part("", "", trial.official_title),
            Part("registry-summary", "Registry summary", html_text(trial.brief_summary_html)),
            Part("interventions", "Interventions", " ".join(interventions)),
            Part("trial-conditions", "Conditions studied", ", ".join(linked)),
            Part("", "Conditions", ", ".join(studied)),
            Part("", "Keywords", ", ".join(lines(trial.keywords))),
            # Written out ("Phase 2, Phase 3"), as families search for it ("phase 3").
            Part("", "Phase", ", ".join(Phase(phase).label for phase in trial.phase_list
                                        if phase in Phase.values and phase != Phase.NA)),
        ),
        boost=GROUP_BOOST[trial.status_group],
        badge=trial.status_group.label, badge_style=trial.status_group.value,
    )


SEARCH_FIELDS = ("nct_id", "brief_title", "acronym", "official_title", "plain_summary",
                 "brief_summary", "registry_conditions", "keywords")


# Words shorter than this must begin a word of the trial's text.
WHOLE_WORD_BELOW = 5


def trials_matching(queryset, query):
    """Trials of `queryset` in which every word of `query`, as typed or in its American
    spelling ("tumours", "tumors"), appears in one of SEARCH_FIELDS. A short word must begin
    a word there ("hi" does not find "children", nor "all" "small"), save digits in the NCT
    number ("0328"); a longer one may sit inside a word ("blastoma" finds "neuroblastoma").
    Common words ("the", "for") are left out, as site search does, unless that is all.
    Words are runs of letters and digits: quotes, "*" or "!" around a word, or a hyphen in
    "NCT-03281889", are not looked for."""
    for word in without_stop_words(re.findall(r"\w+", query)[:MAX_WORDS]):
        queryset = queryset.filter(reduce(or_, (
            word_in(field, spelling,
                    inside=len(word) >= WHOLE_WORD_BELOW or (field == "nct_id"
                                                             and word.isdigit()))
            for field in SEARCH_FIELDS for spelling in spellings(word)
        )))
    return queryset


def word_in(field, word, inside=False):
    """`word` anywhere in `field` (`inside`), or at the start of one of its words: after its
    start or a character that is no letter or digit, a pattern that SQLite's and
    PostgreSQL's regular expressions read alike. The cheap `icontains` comes first, so that
    the pattern is only tried where the letters are."""
    anywhere = Q(**{f"{field}__icontains": word})
    if inside:
        return anywhere
    return anywhere & Q(**{f"{field}__iregex": rf"(^|\W){re.escape(word)}"})


SEARCHES = [
    Searchable(
        Trial, "trial", "Clinical trial", "Clinical trials", trial_document,
        prefetch=("interventions", "conditions"),
        depends_on=((Intervention, "interventions"), (Condition, "conditions")),
        suggest=False, kind_words="clinical trial study",
    ),
]

DESTINATIONS = [
    Destination(
        "What is a clinical trial?", "trials:explained",
        "Clinical trials explained for families: phases, consent, randomization, and what "
        "“open to new patients” means.",
        # With the words for what the page explains, which its text is not indexed for.
        words="clinical trials explained research study studies phase phases consent assent "
              "informed protocol ethics board eligibility eligible randomisation "
              "randomization randomised randomized placebo join joining status",
    ),
    Destination(
        "Clinical trials", "trials:trial-list",
        "Find a trial by condition, age or status, and see which are open to new patients.",
        words="find trials list all open recruiting research studies",
    ),
]


# A search for trials for a child of some age ("trials for a 5 year old", "study for my
# 18-month-old", "trials age 5"): the trial finder, filtered.
TRIAL_WORDS = frozenset({"trial", "trials", "study", "studies"})
OPEN_WORDS = frozenset({"open", "recruiting", "enrolling", "join", "joining"})
AGE_IN_QUERY = re.compile(
    r"\bage[sd]?\s+(?P<bare>\d{1,3})\b"
    r"|\b(?P<number>\d{1,3}(?:\.\d)?)[\s-]*(?P<unit>year|yr|month|week)s?\b",
    re.IGNORECASE)
UNIT_NAMES = {"yr": "year"}
ADULT_FROM = 18  # years: the offer speaks of a child below it


# Words of a search for trials besides a condition's name ("clinical trials for my child").
FINDER_WORDS = TRIAL_WORDS | OPEN_WORDS | frozenset({
    "clinical", "research", "new", "patients", "patient", "child", "children", "kid", "kids",
    "baby", "babies", "now", "currently", "list", "find", "any", "old", "aged"})


def named_condition(query):
    """(slug, name) of the published condition whose name or other name is what a search
    for trials says besides its trial words ("neuroblastoma trials open", "trials for
    wilms tumour"); None if it names none. One query, for searches for trials only."""
    words = [word for word in re.findall(r"\w+", AGE_IN_QUERY.sub(" ", query))
             if word.lower() not in FINDER_WORDS]
    phrase = " ".join(without_stop_words(words)) if words else ""
    if not phrase or phrase.lower() in STOP_WORDS:
        return None
    spelled = {phrase, american(phrase) or phrase}
    named = reduce(or_, (Q(name__iexact=name) | Q(synonyms__name__iexact=name)
                         for name in spelled))
    return (Condition.objects.published().filter(named).order_by("pk")
            .values_list("slug", "name").first())


def finder_url(**filters):
    return reverse("trials:trial-list") + "?" + urlencode(
        {name: value for name, value in filters.items() if value})


def offers_for(query):
    """[Offer] of the trial finder filtered as a search for trials says: the trials open to
    new patients for the child's age it names, or all those open for a search for open
    trials, and of the condition it names; [] for any other search."""
    words = {word.lower() for word in re.findall(r"\w+", query)}
    if not TRIAL_WORDS & words and "recruiting" not in words:
        return []
    condition = named_condition(query)
    slug, name = condition or ("", "")
    match = AGE_IN_QUERY.search(query)
    if match is None:
        # "open trials", "recruiting": the finder showing the trials open to new patients.
        if OPEN_WORDS & words and not {"not", "closed"} & words:
            return [Offer(title=f"{name} trials open to new patients" if name
                          else "Trials open to new patients",
                          url=finder_url(status=StatusGroup.OPEN.value, condition=slug),
                          summary="The trial finder, showing the trials that are taking new "
                                  "patients now.")]
        # "neuroblastoma trials": the condition's trials, those open to new patients first.
        if condition:
            return [Offer(title=f"{name} trials", url=finder_url(condition=slug),
                          summary=f"The trial finder, showing every trial listed here for "
                                  f"{name}, those open to new patients first.")]
        return []
    number = match["bare"] or match["number"]
    unit = UNIT_NAMES.get((match["unit"] or "year").lower(), (match["unit"] or "year").lower())
    years = age_in_years(f"{number} {unit}")
    if years is None or years > 120:
        return []
    # The finder reads an age in years, or with its unit when it is not years.
    age = number if unit == "year" else f"{number} {unit}s"
    shown = f"{number} {unit}{'' if number == '1' else 's'}"
    url = finder_url(status=StatusGroup.OPEN.value, age=age, condition=slug)
    # A grown-up asking for themselves is no child ("trials for a 40 year old").
    child = years < ADULT_FROM
    who = f"a child of {shown}" if child else f"someone aged {shown}"
    return [Offer(title=f"{name} trials open to {who}" if name else f"Trials open to {who}",
                  url=url,
                  summary="The trial finder, showing the trials open to new patients that "
                          f"take {'a child' if child else 'someone'} of this age.")]
