import ipaddress
import re

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import TemplateView

from care_sites.models import Location
from conditions.models import Condition
from portal import ratelimit, services, tokens
from portal import search as site_search
from portal.forms import PreferencesForm, SearchForm, SignupForm
from portal.models import Page, PrivacyNotice, Subscriber, Topic
from portal.preview import can_preview, get_public_or_preview
from trials.models import StatusGroup, Trial

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "conditions": Condition.objects.published(),
            "locations": Location.objects.published(),
            "open_trials": Trial.objects.published().in_group(StatusGroup.OPEN).count(),
        }


@require_GET
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


@require_GET
def robots_txt(request):
    body = render_to_string("robots.txt", {"site_url": settings.SITE_URL})
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request):
    return redirect(static("img/favicon.svg"), permanent=True)


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok"})


def page_detail(request, slug):
    page = get_public_or_preview(request, Page.objects.all(), slug=slug)
    crumbs = [{"title": page.title}]
    return render(request, "portal/page_detail.html", {"page": page, "crumbs": crumbs})


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
    later = [v.effective_date for v in versions
             if notice and v.effective_date > notice.effective_date]
    crumbs = [{"title": "Privacy notice"}]
    if notice and notice != current:
        crumbs = [{"title": "Privacy notice", "url": reverse("privacy")},
                  {"title": f"Version {notice.version}"}]
    context = {
        "notice": notice,
        "current": current,
        "versions": versions,
        "in_force_until": min(later, default=None),
        "is_preview": notice is not None and notice not in versions,
        "crumbs": crumbs,
    }
    return render(request, "portal/privacy_notice.html", context)


# Newsletter ----------------------------------------------------------------------------------

def client_ip(request):
    """The visitor's address as the server saw it. Behind a proxy, REMOTE_ADDR must be set to
    the real client address by the proxy set-up (README, "Newsletter and privacy")."""
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return None


def too_many_requests(request):
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(ratelimit.WINDOW_SECONDS)
    return response


def link_problem(request, error):
    return render(request, "newsletter/link_problem.html", {"reason": error.reason},
                  status=error.status)


@require_http_methods(["GET", "POST"])
def newsletter_signup(request):
    if request.method == "POST":
        ip_address = client_ip(request)
        if ratelimit.limit_exceeded("signup-ip", ip_address or "unknown",
                                    settings.NEWSLETTER_SIGNUPS_PER_IP):
            return too_many_requests(request)
        form = SignupForm(request.POST)
        if form.is_bot():
            return redirect("newsletter-thanks")
        if form.is_valid():
            email = form.cleaned_data["email"]
            if ratelimit.limit_exceeded("signup-address", email.lower(),
                                        settings.NEWSLETTER_SIGNUPS_PER_ADDRESS):
                return too_many_requests(request)
            try:
                services.subscription_request(
                    email=email,
                    topics=list(form.cleaned_data["topics"]),
                    wording=form.consent_wording,
                    ip_address=ip_address,
                    user_agent=request.headers.get("User-Agent", ""),
                )
            except services.EmailNotSent:
                form.add_error(None, "We could not send the confirmation email just now. "
                                     "Please try again in a few minutes.")
                return render(request, "newsletter/signup.html", {
                    "form": form, "crumbs": [{"title": "Newsletter"}],
                }, status=503)
            return redirect("newsletter-thanks")
    else:
        topic = request.GET.get("topic", "")
        chosen = Topic.objects.active().filter(slug=topic) if SLUG.fullmatch(topic) else []
        form = SignupForm(initial={"topics": chosen})
    return render(request, "newsletter/signup.html", {
        "form": form, "crumbs": [{"title": "Newsletter"}],
    })


@require_GET
def newsletter_thanks(request):
    return render(request, "newsletter/thanks.html", {
        "days": settings.NEWSLETTER_CONFIRM_DAYS,
        "crumbs": [{"title": "Newsletter", "url": reverse("newsletter")},
                   {"title": "Check your email"}],
    })


@require_http_methods(["GET", "POST"])
def newsletter_confirm(request, token):
    try:
        consent = tokens.consent_from_token(token)
        subscriber = consent.subscriber
        if subscriber.state == Subscriber.State.CONFIRMED:
            newly_confirmed = False
        elif request.method == "POST":
            newly_confirmed = services.subscription_confirm(consent=consent)
        elif services.is_confirmable(consent, subscriber):
            return render(request, "newsletter/confirm.html", {"consent": consent})
        else:
            raise tokens.LinkError("replaced")
    except tokens.LinkError as error:
        return link_problem(request, error)
    subscriber.refresh_from_db()
    return render(request, "newsletter/confirmed.html", {
        "subscriber": subscriber,
        "newly_confirmed": newly_confirmed,
        "manage_token": tokens.manage_token(subscriber),
    })


@require_http_methods(["GET", "POST"])
def newsletter_preferences(request, token):
    try:
        subscriber = tokens.subscriber_from_token(token)
    except tokens.LinkError as error:
        return link_problem(request, error)
    form = None
    if subscriber.state == Subscriber.State.CONFIRMED:
        data = request.POST if request.method == "POST" else None
        form = PreferencesForm(data, instance=subscriber)
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, "Thank you. Your topics are saved.")
            return redirect("newsletter-preferences", token=token)
    return render(request, "newsletter/preferences.html", {
        "subscriber": subscriber, "form": form, "token": token,
    })


def one_click(request):
    """An RFC 8058 unsubscribe request sent by a mail program."""
    return request.POST.get("List-Unsubscribe") == "One-Click"


@csrf_exempt
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request, token):
    try:
        subscriber = tokens.subscriber_from_token(token)
    except tokens.LinkError as error:
        return link_problem(request, error)
    if request.method == "POST":
        # Mail programs post without a CSRF token: the signed link alone authorises them.
        if not one_click(request):
            rejected = CsrfViewMiddleware(lambda request: None).process_view(
                request, None, (), {}
            )
            if rejected:
                return rejected
        services.subscription_unsubscribe(subscriber=subscriber)
        return render(request, "newsletter/unsubscribed.html")
    return render(request, "newsletter/unsubscribe.html", {
        "subscriber": subscriber, "token": token,
    })
