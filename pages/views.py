from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from pages.models import Page, PrivacyNotice
from portal.cache import mark_private
from portal.preview import can_preview, draft_preview, get_public_or_preview
from portal.structured_data import web_page


@draft_preview(Page)
def page_detail(request, slug):
    page = get_public_or_preview(request, Page.objects.all(), slug=slug)
    crumbs = [{"title": page.title}]
    return render(request, "pages/page_detail.html", {
        "page": page, "crumbs": crumbs,
        "structured_data": [web_page(page.title, page.get_absolute_url(),
                                     page.meta_description or page.summary)],
    })


def privacy_notice(request, version=None):
    versions = list(PrivacyNotice.objects.effective())
    current = versions[0] if versions else None
    if version is None:
        notice = current
    else:
        notice = next((v for v in versions if v.version == version), None)
        if notice is None:
            notice = get_object_or_404(PrivacyNotice, version=version)
            if not can_preview(request.user, notice):
                raise Http404("No privacy notice of that version is in force yet.")
            mark_private(request)
    later = [v.effective_date for v in versions
             if notice and v.effective_date > notice.effective_date]
    crumbs = [{"title": "Privacy notice"}]
    if notice and notice != current:
        crumbs = [{"title": "Privacy notice", "url": reverse("pages:privacy")},
                  {"title": f"Version {notice.version}"}]
    context = {
        "notice": notice,
        "current": current,
        "versions": versions,
        "in_force_until": min(later, default=None),
        "is_preview": notice is not None and notice not in versions,
        "crumbs": crumbs,
        # The version in force has two addresses: /privacy/ is its canonical one.
        "canonical_path": reverse("pages:privacy") if notice and notice == current else "",
    }
    return render(request, "pages/privacy_notice.html", context)
