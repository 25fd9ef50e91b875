from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse

from care_sites.models import CareSite, Location
from conditions.models import Condition
from portal.preview import get_public_or_preview
from trials.filters import TrialFilter
from trials.models import Trial

PAGE_SIZE = 20


def trial_list(request):
    trials = Trial.objects.published().by_group().prefetch_related(
        Prefetch("care_sites", queryset=CareSite.objects.published())
    )
    filterset = TrialFilter(request.GET or None, queryset=trials)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = bool(filterset.is_bound and any(
        value not in (None, "") for value in filterset.form.cleaned_data.values()
    ))
    return render(request, "trials/trial_list.html", {
        "filter": filterset,
        "page_obj": page,
        "trials": page.object_list,
        "filtered": filtered,
        "crumbs": [{"title": "Clinical trials"}],
    })


def trial_detail(request, nct_id):
    if nct_id != nct_id.upper():
        return redirect("trials:trial-detail", nct_id=nct_id.upper(), permanent=True)
    trial = get_public_or_preview(
        request,
        Trial.objects.prefetch_related(
            "primary_outcomes", "interventions", "central_contacts", "registry_sites",
            Prefetch("care_sites", queryset=CareSite.objects.published().prefetch_related(
                Prefetch("locations", queryset=Location.objects.published()))),
            Prefetch("conditions", queryset=Condition.objects.published()),
        ),
        nct_id=nct_id,
    )
    return render(request, "trials/trial_detail.html", {
        "trial": trial,
        "crumbs": [
            {"title": "Clinical trials", "url": reverse("trials:trial-list")},
            {"title": trial.nct_id},
        ],
    })
