from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import Truncator

from care_sites.models import CareSite, Location
from conditions.models import Condition
from portal.cache import reads_parameters
from portal.links import query_changed
from portal.preview import draft_preview, get_public_or_preview, redirect_keeping_query
from portal.querysets import built_once
from portal.related import attach_rows, with_rows
from portal.search import nct_number, suggestion
from trials.filters import TrialFilter
from trials.models import GROUP_ORDER, STATUS_GROUPS, OverallStatus, StatusGroup, Trial
from trials.structured_data import trial_page

PAGE_SIZE = 20
# Short lists fetched with the trial itself (portal.related).
TRIAL_LISTS = ["primary_outcomes", "interventions", "central_contacts"]
# A registry may list thousands of sites for one trial: the page shows this many and a count.
REGISTRY_SITES_SHOWN = 50


# On a search that found nothing: what each filter's link says when the search is run
# without that filter, in the order the form shows them.
WIDER = {
    "q": "Show trials without the words \u201c{value}\u201d",
    "condition": "Show trials for any condition",
    "status": "Show trials with any status",
    "phase": "Show trials in any phase",
    "age": "Show trials for any age",
    "site": "Show trials at any of our sites",
}


def trials_found(filterset, **changes):
    """How many trials the filter set's (valid) search finds with some of its values
    changed (None drops a filter): one count, without validating the form again."""
    queryset = filterset.queryset
    values = {**filterset.form.cleaned_data, **changes}
    for name, value in values.items():
        queryset = filterset.filters[name].filter(queryset, value)
    return queryset.count()


def address(request, **changes):
    """The list's address with some parameters changed (None removes one), on the results."""
    return f"{query_changed(request, page=None, **changes)}#results"


def ways_to_widen(request, filterset, chosen):
    """For a search with several filters that found nothing: a link for each filter whose
    removal finds trials, with how many (one count query per filter, six at most)."""
    if len(chosen) < 2:
        return []
    links = []
    for name, text in WIDER.items():
        if name in chosen and (count := trials_found(filterset, **{name: None})):
            value = Truncator(chosen[name]).chars(60) if name == "q" else ""
            links.append({"text": text.format(value=value), "count": count,
                          "url": address(request, **{name: None})})
    return links


def spelling_suggestion(request, filterset, chosen):
    """For words that found nothing: a close name from the site's pages, when searching for
    it instead (with the same filters) finds trials."""
    words = chosen.get("q")
    if not words:
        return None
    suggested = suggestion(words)
    if not suggested or not trials_found(filterset, q=suggested):
        return None
    return {"text": suggested, "url": address(request, q=suggested)}


def unlisted_number(chosen):
    """The NCT number searched for, when no live trial here has it ("" otherwise): the
    registry lists every trial. One that is here but left out by the other filters is
    offered by ways_to_widen instead."""
    number = nct_number(chosen.get("q", ""))
    if not number or Trial.objects.published().filter(nct_id=number).exists():
        return ""
    return number


@built_once
def listed_trials():
    """Live trials, open ones first, with their live care sites."""
    return Trial.objects.published().by_group().prefetch_related(
        Prefetch("care_sites", queryset=CareSite.objects.published())
    )


@reads_parameters(*TrialFilter.base_filters, "page")
def trial_list(request):
    filterset = TrialFilter(request.GET or None, queryset=listed_trials())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = {name: value for name, value in (filterset.form.cleaned_data.items()
                                              if filterset.is_bound else ())
              if value not in (None, "")}
    condition = chosen.get("condition")
    found_nothing = not page.paginator.count
    return render(request, "trials/trial_list.html", {
        "filter": filterset,
        "page_obj": page,
        # The first and last pages and two either side of this one, "…" between: the
        # links do not grow with the number of pages.
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2,
                                                             on_ends=1),
        "trials": page.object_list,
        "filtered": bool(chosen),
        "filter_count": len(chosen),
        # The condition's name, from the choices the form already holds (no query).
        "chosen_condition": dict(filterset.form.fields["condition"].choices).get(condition, "")
        if condition else "",
        "widen": ways_to_widen(request, filterset, chosen) if found_nothing else [],
        "did_you_mean": spelling_suggestion(request, filterset, chosen) if found_nothing
        else None,
        "registry_number": unlisted_number(chosen) if found_nothing else "",
        "crumbs": [{"title": "Clinical trials"}],
    })


@built_once
def trial_page_trials():
    """Trials with what their page shows (lists, live care sites and their locations, live
    conditions)."""
    return with_rows(Trial.objects.all(), *TRIAL_LISTS).prefetch_related(
        Prefetch("care_sites", queryset=CareSite.objects.published().prefetch_related(
            Prefetch("locations", queryset=Location.objects.published()))),
        Prefetch("conditions", queryset=Condition.objects.published()),
    )


@draft_preview(Trial, lookup="nct_id")
def trial_detail(request, nct_id):
    if nct_id != nct_id.upper():
        return redirect_keeping_query(
            request, reverse("trials:trial-detail", kwargs={"nct_id": nct_id.upper()}))
    trial = get_public_or_preview(request, trial_page_trials(), nct_id=nct_id)
    attach_rows(trial, *TRIAL_LISTS)
    registry_sites = list(trial.registry_sites.all()[:REGISTRY_SITES_SHOWN + 1])
    registry_site_count = (
        trial.registry_sites.count() if len(registry_sites) > REGISTRY_SITES_SHOWN
        else len(registry_sites)
    )
    return render(request, "trials/trial_detail.html", {
        "trial": trial,
        "structured_data": [trial_page(trial)],
        "registry_sites": registry_sites[:REGISTRY_SITES_SHOWN],
        "registry_site_count": registry_site_count,
        "registry_sites_more": registry_site_count - min(registry_site_count,
                                                         REGISTRY_SITES_SHOWN),
        "crumbs": [
            {"title": "Clinical trials", "url": reverse("trials:trial-list")},
            {"title": trial.nct_id},
        ],
    })


STATUS_MEANINGS = {
    StatusGroup.OPEN: "The trial is looking for patients now. If your child fits the rules for "
                      "joining, you can ask about taking part.",
    StatusGroup.ACTIVE: "The trial is still going on: children already in it are being treated "
                        "or followed up, but it is not taking new patients (or takes only "
                        "people it invites).",
    StatusGroup.UPCOMING: "The trial has been planned and approved but has not started to "
                          "take patients yet. Ask the care team when it is expected to open.",
    StatusGroup.CLOSED: "The trial is not taking patients: it has finished, was stopped "
                        "early, or is paused. A paused trial (suspended, or for now not "
                        "available) may take patients again later; the others will not. Their "
                        "results may help doctors choose treatment for children in the future.",
}


def trial_explained(request):
    grouped = {status for statuses in STATUS_GROUPS.values() for status in statuses}
    groups = [
        {
            "group": group,
            "meaning": STATUS_MEANINGS[group],
            "registry_statuses": [
                status.label for status in OverallStatus
                if status in STATUS_GROUPS.get(group, [])
                or (group == StatusGroup.CLOSED and status not in grouped)
            ],
        }
        for group in GROUP_ORDER
    ]
    return render(request, "trials/trial_explained.html", {
        "status_groups": groups,
        "crumbs": [
            {"title": "Clinical trials", "url": reverse("trials:trial-list")},
            {"title": "What is a clinical trial?"},
        ],
    })
