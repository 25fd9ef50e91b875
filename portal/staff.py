"""Staff sign-in: two-step verification, its enrolment, and how long a staff session lasts;
and the admin's refusal of addresses its lists cannot read.

Who must use a second step: superusers and every role that can publish (all roles except
newsletter managers). Their first sign-in leads to the enrolment page, which shows the key
for an authenticator app (django-otp's TOTP device) and, once the first code is accepted,
recovery codes (django-otp's static device) shown only that once. After that the admin login
asks for a code. Failed passwords and codes count towards django-axes' lockout.
"""

import base64

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import user_login_failed
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import BadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import roles

SETUP_URL_NAME = "staff-two-factor-setup"
VERIFY_URL_NAME = "staff-two-factor-verify"


def two_factor_required(user):
    """Superusers and staff in any role that can publish, or with any permission beyond
    those roles'; nobody with debug on (OTP_REQUIRED)."""
    if not (settings.OTP_REQUIRED and user.is_authenticated and user.is_staff):
        return False
    if not hasattr(user, "_two_factor_required"):  # asked twice a request: remember it
        user._two_factor_required = _needs_two_factor(user)
    return user._two_factor_required


def _needs_two_factor(user):
    if user.is_superuser or user.groups.exclude(name__in=roles.ROLES_WITHOUT_TWO_FACTOR).exists():
        return True
    allowed_without = Permission.objects.none()
    for role in roles.ROLES_WITHOUT_TWO_FACTOR:
        allowed_without |= roles.permissions_for(role)
    return user.user_permissions.exclude(pk__in=allowed_without.values("pk")).exists()


def has_device(user):
    return any(devices_for_user(user, confirmed=True))


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class StaffSessionMiddleware:
    """After django-otp's middleware: staff sessions end after STAFF_SESSION_IDLE_SECONDS
    without a request, and staff who need a second step and have not given it reach only
    the enrolment and verification pages; elsewhere they are treated as visitors."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff:
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
            if two_factor_required(user) and not user.is_verified():
                return self.unverified(request)
        return self.get_response(request)

    def unverified(self, request):
        allowed = {reverse(SETUP_URL_NAME), reverse(VERIFY_URL_NAME),
                   reverse("admin:login"), reverse("admin:logout")}
        if request.path in allowed:
            return self.get_response(request)
        if request.path.startswith(reverse("admin:index")):
            target = VERIFY_URL_NAME if has_device(request.user) else SETUP_URL_NAME
            return redirect(f"{reverse(target)}?next={request.path}")
        request.user = AnonymousUser()  # public pages, without previews of drafts
        return self.get_response(request)


class AdminQueryMiddleware:
    """An admin address whose query holds a NUL character (a list's filter or search, typed
    or altered by hand) is a bad request (400). PostgreSQL refuses to compare text holding
    one, so a list filtered by it would end in a server error; the public pages read their
    parameters through forms, which refuse it as a value."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if (("%00" in query or "\x00" in query)
                and request.path.startswith(reverse("admin:index"))
                and any("\x00" in key or any("\x00" in value for value in values)
                        for key, values in request.GET.lists())):
            raise BadRequest("A NUL character in the address's query.")
        return self.get_response(request)


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            max_length=20, strip=True,
            widget=forms.TextInput(attrs={
                "autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "none",
                "spellcheck": "false",
            }),
            **kwargs,
        )


class StaffLoginForm(AdminAuthenticationForm):
    """The admin login with a code: required once the user has set up a second step."""

    otp_token = CodeField(
        label="Code", required=False,
        help_text="The 6-digit code from your authenticator app, or one of your recovery "
                  "codes. Leave it empty only if you have not set up two-step sign-in yet.",
    )
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "code_required": "Please enter the code from your authenticator app or a recovery "
                         "code.",
        "code_wrong": "That code did not work. Codes change every 30 seconds; please try the "
                      "current one, or a recovery code.",
    }

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None or not has_device(user):
            return cleaned
        token = self.cleaned_data.get("otp_token")
        if not token:
            raise forms.ValidationError(self.error_messages["code_required"],
                                        code="code_required")
        device = match_token(user, token)
        if device is None:
            # A wrong code counts as a failed login (django-axes), like a wrong password.
            user_login_failed.send(
                sender=__name__, credentials={"username": user.get_username()},
                request=self.request,
            )
            raise forms.ValidationError(self.error_messages["code_wrong"], code="code_wrong")
        user.otp_device = device  # django-otp marks the session verified on login
        return cleaned


class CodeForm(forms.Form):
    otp_token = CodeField(label="Code")


def new_recovery_codes(user):
    """Replace the user's recovery codes with new ones; returns them (shown only once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.confirmed = True
    device.save()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.STAFF_RECOVERY_CODES)]
    device.token_set.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def page(request, template, context, status=200):
    return render(request, template, {
        **admin.site.each_context(request),
        **context,
    }, status=status)


def staff_only(view):
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff):
            return redirect(f"{reverse('admin:login')}?next={request.path}")
        return view(request, *args, **kwargs)
    return wrapped


@never_cache
@sensitive_post_parameters("otp_token")
@staff_only
def two_factor_setup(request):
    """Enrolment: a new authenticator key, confirmed by its first code; then recovery codes.
    Someone already verified may start again (a new phone) or ask for new recovery codes."""
    user = request.user
    if has_device(user) and not user.is_verified():
        return redirect(VERIFY_URL_NAME)
    if request.method == "POST" and request.POST.get("action") == "recovery-codes" \
            and user.is_verified():
        return page(request, "admin/two_factor_codes.html", {
            "title": "New recovery codes", "codes": new_recovery_codes(user),
            "next": reverse("admin:index"),
        })
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or (request.method == "GET" and request.GET.get("restart")):
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app",
                                           confirmed=False)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            TOTPDevice.objects.filter(user=user, confirmed=True).delete()  # one app at a time
            device.confirmed = True
            device.save()
            otp_login(request, device)
            return page(request, "admin/two_factor_codes.html", {
                "title": "Two-step sign-in is on", "codes": new_recovery_codes(user),
                "next": safe_next(request, reverse("admin:index")), "enrolled": True,
            })
        form.add_error("otp_token", "That code did not match. Please type the code your app "
                                    "shows now (it changes every 30 seconds).")
    return page(request, "admin/two_factor_setup.html", {
        "title": "Set up two-step sign-in",
        "form": form,
        "secret": base64.b32encode(device.bin_key).decode(),
        "config_url": device.config_url,
        "next": safe_next(request, ""),
        "verified": user.is_verified(),
    })


@never_cache
@sensitive_post_parameters("otp_token")
@staff_only
def two_factor_verify(request):
    """The second step for a signed-in user whose session has not given it yet."""
    user = request.user
    if not has_device(user):
        return redirect(SETUP_URL_NAME)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device = match_token(user, form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            return redirect(safe_next(request, reverse("admin:index")))
        user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                               request=request)
        form.add_error("otp_token", StaffLoginForm.error_messages["code_wrong"])
    return page(request, "admin/two_factor_verify.html", {
        "title": "Enter your code", "form": form, "next": safe_next(request, ""),
    })


def secure_admin_site(site):
    """The admin asks for the code at login and lets in only staff who gave it (when
    required); the middleware sends them to enrolment first."""
    site.login_form = StaffLoginForm
    plain_has_permission = site.has_permission

    def has_permission(request):
        user = request.user
        return plain_has_permission(request) and (
            not two_factor_required(user) or user.is_verified()
        )

    site.has_permission = has_permission


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login while locked out: a page in the admin's style."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return page(request, "admin/locked_out.html", {
        "title": "Sign-in paused", "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": minutes,
    }, status=429)
