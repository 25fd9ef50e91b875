from itertools import groupby

from django.db.models import Count, Prefetch
from django.shortcuts import render
from django.urls import reverse

from care_sites.models import CareSite, Location, SupportService
from care_sites.structured_data import care_site_page, location_page, support_service_page
from conditions.models import Condition
from portal import cache as page_cache
from portal.preview import draft_preview, get_public_or_preview
from portal.structured_data import share_image
from trials.models import GROUP_ORDER, Trial

# A care site's page lists this many of its trials that are not closed (open ones first);
# a count and a link to the trial finder lead to the rest.
TRIALS_SHOWN = 6


def published_locations():
    return Prefetch("locations", queryset=Location.objects.published())


@page_cache.reads_parameters("location")
def care_site_list(request):
    locations = list(Location.objects.published())
    selected = None
    care_sites = CareSite.objects.published().prefetch_related(published_locations())
    slug = request.GET.get("location", "")
    if slug:
        selected = next((loc for loc in locations if loc.slug == slug), None)
        care_sites = care_sites.filter(locations=selected) if selected else care_sites.none()
    return render(request, "care_sites/caresite_list.html", {
        "care_sites": care_sites,
        "locations": locations,
        "selected": selected,
        "location_filter": slug,
        "crumbs": [{"title": "Where to get care"}],
    })


@draft_preview(CareSite)
def care_site_detail(request, slug):
    care_site = get_public_or_preview(
        request,
        CareSite.objects.prefetch_related(
            Prefetch("locations",
                     queryset=Location.objects.published().prefetch_related("opening_hours")),
            Prefetch("conditions", queryset=Condition.objects.published()),
            Prefetch("support_services", queryset=SupportService.objects.published()),
        ),
        slug=slug,
    )
    trials = Trial.objects.published().filter(care_sites=care_site)
    counts = {GROUP_ORDER[row["group_rank"]]: row["count"] for row in
              trials.order_by().values("group_rank").annotate(count=Count("pk"))}
    return render(request, "care_sites/caresite_detail.html", {
        "care_site": care_site,
        "trials": list(trials.not_closed().by_group()[:TRIALS_SHOWN]),
        "trial_counts": counts,
        "trial_count": sum(counts.values()),
        "structured_data": [care_site_page(care_site)],
        "share_image": share_image(care_site.image, care_site.image_alt),
        "crumbs": [
            {"title": "Where to get care", "url": reverse("care_sites:care-site-list")},
            {"title": care_site.name},
        ],
    })


@draft_preview(Location)
def location_detail(request, slug):
    location = get_public_or_preview(
        request,
        Location.objects.prefetch_related(
            "opening_hours",
            "closures",
            Prefetch("care_sites", queryset=CareSite.objects.published()),
        ),
        slug=slug,
    )
    page_cache.expires_by(request, location.next_open_change())
    closures = [day for day in location.closures.all() if day.is_upcoming][:5]
    return render(request, "care_sites/location_detail.html", {
        "location": location,
        "structured_data": [location_page(location, closures)],
        "open_now": location.is_open(),
        "upcoming_closures": closures,
        "crumbs": [
            {"title": "Where to get care", "url": reverse("care_sites:care-site-list")},
            {"title": location.name},
        ],
    })


def service_list(request):
    services = SupportService.objects.published().order_by("category", "order", "name")
    groups = [
        {"category": services_in[0].get_category_display(), "services": services_in}
        for _, items in groupby(services, key=lambda service: service.category)
        for services_in in [list(items)]
    ]
    return render(request, "care_sites/supportservice_list.html", {
        "groups": groups,
        "crumbs": [{"title": "Support services"}],
    })


@draft_preview(SupportService)
def service_detail(request, slug):
    service = get_public_or_preview(
        request,
        SupportService.objects.prefetch_related(
            "languages",
            Prefetch("care_sites", queryset=CareSite.objects.published()),
            Prefetch("conditions", queryset=Condition.objects.published()),
        ),
        slug=slug,
    )
    return render(request, "care_sites/supportservice_detail.html", {
        "service": service,
        "structured_data": [support_service_page(service)],
        "crumbs": [
            {"title": "Support services", "url": reverse("support:service-list")},
            {"title": service.name},
        ],
    })
