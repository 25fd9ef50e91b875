import re

from django.conf import settings
from django.contrib import admin
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from care_sites.models import Location
from conditions.models import Condition
from portal import search as site_search
from portal.cache import on_every_request, reads_parameters
from portal.forms import Choices, PlainSelect, published_choices
from portal.querysets import built_once
from portal.structured_data import organization, website
from trials.filters import AGE_HELP
from trials.models import StatusGroup, Trial


@built_once
def home_conditions():
    return Condition.objects.for_home()


@built_once
def home_locations():
    return Location.objects.published()


@built_once
def open_trials():
    return Trial.objects.published().in_group(StatusGroup.OPEN)


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "conditions": home_conditions(),
            # The trial finder offers every published condition (a thousand options are
            # written in Python, not each through a template).
            "condition_select": PlainSelect(
                attrs={"id": "home-condition", "class": "form-select"},
                choices=Choices([("", "Any condition"), *published_choices(Condition)]),
            ).render("condition", None),
            "locations": home_locations(),
            "open_trials": open_trials().count(),
            "age_help": AGE_HELP,
            "structured_data": [organization(), website()],
        }


def page_number(value):
    """A page number from the query string: 1 unless it is a positive whole number."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return 1
    # Past the last page means the last page, however far past.
    return max(1, int(value[:9]) if len(value) <= 9 else 10**9)


SHOWN_QUERY_LENGTH = 80


@require_safe
@reads_parameters("q", "type", "page", "exact")
def search(request):
    raw = request.GET.get("q", "")
    query, shortened = site_search.normalise(raw)
    typed = query
    if not re.search(r"[^\W_]", query):  # punctuation alone ("(", "&", "_"): nothing to find
        query = ""
    # What is searched: the query but "near me" (the typed query is kept in the box and
    # counted for the statistics).
    words = site_search.without_place(query)
    kinds = site_search.searchable_kinds()
    kind = request.GET.get("type", "")
    kind = kind if kind in kinds else ""
    number = site_search.nct_number(raw[: site_search.MAX_QUERY_LENGTH])
    if number:
        document = site_search.find_code(number)
        if document is not None:
            site_search.record(number, 1)
            return redirect(document.url)  # redirects are not cached: counted here
    # Pages offered above the results (editors' picks, the site's own lists and forms): a
    # search they answer, or for an NCT number, is not widened to pages holding only some
    # of its words.
    named = site_search.on_this_site(words)
    wanted_page = page_number(request.GET.get("page"))
    counts, page, partial, alike_only = site_search.find(
        words, kind, wanted_page, widen=not named and not number)
    # Found only by some of its words, one of them surely misspelt (a long word): the
    # corrected search's results instead, saying so, with a link to the words as typed
    # ("exact"). A correction that is less sure is offered below ("Did you mean").
    place_left_out = words != query
    exact = request.GET.get("exact") == "1"
    typed_words, correction = "", None  # None: not worked out yet
    if partial and not named and not exact:
        correction = site_search.suggestion(words)
        if correction:
            fixed_counts, fixed_page, _, _ = site_search.find(correction, kind, wanted_page,
                                                              widen=False)
            if not fixed_counts:  # its words are not all on any page: nothing to offer
                correction = ""
            elif site_search.sure_correction(words, correction):
                typed_words, words = words, correction
                counts, page, partial = fixed_counts, fixed_page, False
                named = site_search.on_this_site(words)
    paginator = page.paginator
    found = site_search.results(page.object_list, words, page.phrasings)
    all_count = sum(counts.values())
    destinations = named if not kind and page.number == 1 else []
    # "Did you mean" for a search that found nothing, or only pages with some of its words;
    # or, for one that found only names that look like it (a misspelling of a name), the
    # closest of them, which costs no query.
    suggestion = ""
    if query and not destinations and not typed_words:
        if alike_only:
            suggestion = (site_search.closest_name(page.object_list, words)
                          if page.number == 1 else "")
        elif not all_count or partial:
            suggestion = correction if correction is not None else site_search.offered(words)
    # Paging, choosing a type of result, or asking for the words as typed after a corrected
    # search is not a new search (and would count it again, or only that type's results).
    if query and not kind and not exact and request.GET.get("page", "1") in ("", "1"):
        # Counted after this request and each time the page is served from the cache.
        on_every_request(request, "portal.search.record", query,
                         all_count + len(destinations))
    return render(request, "portal/search.html", {
        "query": query,
        # The words as the results repeat them: a long search is not said again in full.
        "shown_query": Truncator(words).chars(SHOWN_QUERY_LENGTH),
        # "near me" left out of what was searched.
        "place_left_out": place_left_out,
        # Searched as corrected: what was typed, to search for instead.
        "typed_words": typed_words,
        "corrected_words": words if typed_words else "",
        # Searched as typed on purpose: kept in the type and page links.
        "exact": exact,
        # Typed, but with no letter or number to search for ("???").
        "unsearchable": "" if query else Truncator(typed).chars(40),
        "shortened": shortened,
        "kind": kind,
        "types": [(searchable.kind, searchable.plural, counts.get(searchable.kind, 0))
                  for searchable in kinds.values()],
        "all_count": all_count,
        # No page holds every word: these hold some of them.
        "partial": partial,
        "kind_label": kinds[kind].label if kind else "",
        "kind_plural": kinds[kind].plural if kind else "",
        # An NCT number that is not one of ours: the registry still has it.
        "registry_number": number if number and not paginator.count else "",
        "page_obj": page,
        "paginator": paginator,
        # As the trial list numbers its pages: first and last, two either side, "…" between.
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2,
                                                        on_ends=1),
        "found": found,
        "go_to": site_search.go_to(found, words) if page.number == 1 else None,
        "suggestion": suggestion,
        "destinations": destinations,
        "max_length": site_search.MAX_QUERY_LENGTH,
        "crumbs": [{"title": "Search"}],
    })


@require_safe
def robots_txt(request):
    body = render_to_string("robots.txt", {"site_url": settings.SITE_URL})
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    return redirect(static("img/favicon.svg"), permanent=True)


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok"})


def permission_denied(request, exception=None):
    """A refusal inside the admin, for staff, in the admin's own layout (its menu and the way
    back); elsewhere in the site's."""
    user = getattr(request, "user", None)
    if (request.path.startswith(reverse("admin:index")) and user is not None
            and user.is_active and user.is_staff):
        return render(request, "admin/403.html", admin.site.each_context(request), status=403)
    return render(request, "403.html", status=403)
