import datetime
import ipaddress
import re
import time

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.csrf import csrf_failure as default_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from newsletter import services, tokens
from newsletter.addresses import mailbox_key
from newsletter.forms import PreferencesForm, SignupForm
from newsletter.models import Subscriber, Topic
from portal import ratelimit

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")

def client_ip(request):
    """The visitor's address as the server saw it. Behind a proxy, REMOTE_ADDR must be set to
    the real client address by the proxy set-up (README, "Newsletter and privacy")."""
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return None


def network_of(ip_address):
    """Who an IP address's signups count for: the address itself, or for IPv6 its /64
    network, all of which one household or device is usually given (and can move between)."""
    if ip_address is None:
        return "unknown"
    address = ipaddress.ip_address(ip_address)
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:  # an IPv4 address written as IPv6
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def over_signup_limits(email, ip_address):
    """Whether a valid signup, about to send an email, goes over the hourly limits: the
    inbox's own first (every spelling, sub-address and, at Gmail, dotted form of one
    address counts once), so repeated tries for one inbox never use up the allowance of
    everyone else sharing the network."""
    return (ratelimit.limit_exceeded("signup-address", mailbox_key(email),
                                     settings.NEWSLETTER_SIGNUPS_PER_ADDRESS)
            or ratelimit.limit_exceeded("signup-ip", network_of(ip_address),
                                        settings.NEWSLETTER_SIGNUPS_PER_IP))


def link_problem(request, error, purpose="confirm"):
    """What went wrong with an emailed link, and what to do instead: for a link meant to
    stop or change the newsletter ("unsubscribe", "preferences"), how to do that, never
    "sign up again"."""
    return render(request, "newsletter/link_problem.html",
                  {"reason": error.reason, "purpose": purpose}, status=error.status)


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    if request.method == "POST":
        ip_address = client_ip(request)
        form = SignupForm(request.POST)
        if form.is_bot():
            return redirect("newsletter:thanks")
        # Only a signup that sends an email counts towards the limits; one with mistakes
        # is shown again to correct.
        if form.is_valid():
            email = form.cleaned_data["email"]
            if over_signup_limits(email, ip_address):
                again = ratelimit.window_end()
                response = render(request, "newsletter/signup.html", {
                    "form": form, "crumbs": [{"title": "Newsletter"}],
                    "limited_until": datetime.datetime.fromtimestamp(again, datetime.UTC),
                }, status=429)
                response["Retry-After"] = str(max(1, round(again - time.time())))
                return response
            services.subscription_request(
                email=email,
                topics=list(form.cleaned_data["topics"]),
                wording=form.consent_wording,
                ip_address=ip_address,
                user_agent=request.headers.get("User-Agent", ""),
            )
            return redirect("newsletter:thanks")
    else:
        topic = request.GET.get("topic", "")
        chosen = Topic.objects.active().filter(slug=topic) if SLUG.fullmatch(topic) else []
        form = SignupForm(initial={"topics": chosen})
    return render(request, "newsletter/signup.html", {
        "form": form, "crumbs": [{"title": "Newsletter"}],
    })


@never_cache
@require_safe
def csrf_token(request):
    """A CSRF token of the visitor's own for the signup form on cached pages (and its cookie)."""
    return JsonResponse({"token": get_token(request)})


def csrf_failure(request, reason=""):
    """A signup sent without a valid token (from a cached page, without JavaScript, or after
    the cookie expired) shows the form again, filled in, with a fresh token: one more press
    sends it. Every other request gets Django's own answer."""
    if request.method == "POST" and request.path == reverse("newsletter:signup"):
        form = SignupForm(request.POST)
        return render(request, "newsletter/signup.html", {
            "form": form, "csrf_retry": True, "crumbs": [{"title": "Newsletter"}],
        }, status=403)
    return default_csrf_failure(request, reason)


@require_safe
def thanks(request):
    return render(request, "newsletter/thanks.html", {
        "days": settings.NEWSLETTER_CONFIRM_DAYS,
        "crumbs": [{"title": "Newsletter", "url": reverse("newsletter:signup")},
                   {"title": "Check your email"}],
    })


@never_cache  # reached by a personal emailed link: no browser or proxy may keep it
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
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


@never_cache  # reached by a personal emailed link: no browser or proxy may keep it
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token):
    try:
        subscriber = tokens.subscriber_from_token(token)
    except tokens.LinkError as error:
        return link_problem(request, error, purpose="preferences")
    form = None
    if subscriber.state == Subscriber.State.CONFIRMED:
        data = request.POST if request.method == "POST" else None
        form = PreferencesForm(data, instance=subscriber)
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, "Thank you. Your topics are saved.")
            return redirect("newsletter:preferences", token=token)
    return render(request, "newsletter/preferences.html", {
        "subscriber": subscriber, "form": form, "token": token,
    })


def one_click(request):
    """An RFC 8058 unsubscribe request sent by a mail program."""
    return request.POST.get("List-Unsubscribe") == "One-Click"


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        subscriber = tokens.subscriber_from_token(token)
    except tokens.LinkError as error:
        return link_problem(request, error, purpose="unsubscribe")
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
