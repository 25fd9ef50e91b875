from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from care_sites.models import Location
from conditions.models import Condition
from portal import search as site_search
from portal.forms import SearchForm
from trials.models import StatusGroup, Trial


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "conditions": Condition.objects.published(),
            "locations": Location.objects.published(),
            "open_trials": Trial.objects.published().in_group(StatusGroup.OPEN).count(),
        }


@require_safe
def search(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = site_search.search(query)
    return render(request, "portal/search.html", {
        "form": form,
        "query": query,
        "results": results,
        "total": sum(len(matches) for _, matches, _ in results),
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
