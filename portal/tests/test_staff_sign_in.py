"""Staff sign-in: throttled failures, a second step for everyone who can publish, enrolment
with recovery codes, and sessions that end after a working day without use."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import roles
from portal.tests.support import totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def plain_user(django_user_model, role=None, username="pat", superuser=False):
    """A staff login without a second step set up (password "pw")."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username, password="pw", is_staff=True,
                                                 is_superuser=superuser)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def log_in(client, username="pat", password="pw", code="", ip="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password, "otp_token": code},
                       REMOTE_ADDR=ip)


def enrol(client):
    """Set up the authenticator app from the enrolment page; returns (key, recovery codes)."""
    page = client.get("/admin/two-step/")
    assert page.status_code == 200
    html = page.content.decode()
    secret = re.search(r'<code id="otp-secret">([A-Z2-7=]+)</code>', html)[1]
    assert "otpauth://totp/" in html
    device = TOTPDevice.objects.get(confirmed=False)
    code = f"{TOTP(device.bin_key).token():06d}"
    done = client.post("/admin/two-step/", {"otp_token": code, "next": "/admin/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    return secret, codes


def wait_out_the_code_throttle():
    """django-otp makes each wrong code wait longer for the next try (a second, then two,
    ...); the tests skip the wait instead of sleeping."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)


# Throttling ----------------------------------------------------------------------------------

def test_five_wrong_passwords_lock_the_account_with_a_clear_page(django_user_model):
    plain_user(django_user_model, roles.NEWSLETTER_MANAGERS)
    for attempt in range(4):
        response = log_in(Client(), password=f"wrong{attempt}", ip=f"198.51.100.{attempt}")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    locked = log_in(Client(), password="wrong4", ip="198.51.100.9")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "signing in is paused for 15 minutes" in html
    assert "administration" in html  # the admin's own layout
    # The right password from yet another address is refused too: the account is locked.
    assert log_in(Client(), ip="198.51.100.20").status_code == 429


def test_one_address_trying_many_accounts_is_locked(django_user_model):
    for name in ["a", "b", "c", "d", "e", "f"]:
        plain_user(django_user_model, roles.NEWSLETTER_MANAGERS, username=name)
    for name in ["a", "b", "c", "d"]:
        assert log_in(Client(), username=name, password="nope").status_code == 200
    assert log_in(Client(), username="e", password="nope").status_code == 429
    assert log_in(Client(), username="f").status_code == 429
    # Another address still signs in.
    assert log_in(Client(), username="f", ip="192.0.2.1").status_code == 302


def test_the_lock_lifts_after_the_cool_off(django_user_model, settings):
    from axes.models import AccessAttempt

    plain_user(django_user_model, roles.NEWSLETTER_MANAGERS)
    for _ in range(5):
        log_in(Client(), password="nope")
    assert log_in(Client()).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    assert log_in(Client()).status_code == 302


def test_wrong_codes_count_towards_the_lock(django_user_model):
    user = plain_user(django_user_model, roles.CONTENT_EDITORS)
    TOTPDevice.objects.create(user=user, name="app")
    for _ in range(4):
        response = log_in(Client(), code="000000")
        assert "That code did not work" in response.content.decode()
    assert log_in(Client(), code="000000").status_code == 429


# The second step -----------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "superuser"), [
    (roles.CONTENT_EDITORS, False), (roles.TRIAL_COORDINATORS, False), (None, True),
])
def test_publishing_staff_must_enrol_before_using_the_admin(django_user_model, role, superuser):
    plain_user(django_user_model, role, superuser=superuser)
    client = Client()
    assert log_in(client).status_code == 302
    for url in ["/admin/", "/admin/trials/trial/", "/admin/auth/user/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/two-step/?next="), url


def test_enrolment_shows_the_key_and_recovery_codes_once_then_login_asks_for_a_code(
        django_user_model):
    user = plain_user(django_user_model, roles.CONTENT_EDITORS)
    client = Client()
    log_in(client)
    secret, codes = enrol(client)
    assert len(secret) >= 16
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200  # verified by the enrolment itself
    assert codes[0] not in client.get("/admin/two-step/").content.decode()

    without_code = log_in(Client())
    assert without_code.status_code == 200
    assert "Please enter the code from your authenticator app" in without_code.content.decode()
    wrong = log_in(Client(), code="123456")
    assert "That code did not work" in wrong.content.decode()
    wait_out_the_code_throttle()

    fresh = Client()
    assert log_in(fresh, code=totp_code(user)).status_code == 302
    assert fresh.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(django_user_model):
    plain_user(django_user_model, roles.TRIAL_COORDINATORS)
    client = Client()
    log_in(client)
    _, codes = enrol(client)
    first = Client()
    assert log_in(first, code=codes[0]).status_code == 302
    assert first.get("/admin/").status_code == 200
    again = log_in(Client(), code=codes[0])
    assert again.status_code == 200
    assert StaticToken.objects.count() == 9


def test_new_recovery_codes_replace_the_old_ones(django_user_model):
    plain_user(django_user_model, roles.CONTENT_EDITORS)
    client = Client()
    log_in(client)
    _, old = enrol(client)
    response = client.post("/admin/two-step/", {"action": "recovery-codes"})
    new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(new) == 10
    assert not set(old) & set(new)
    assert log_in(Client(), code=old[1]).status_code == 200
    wait_out_the_code_throttle()
    assert log_in(Client(), code=new[1]).status_code == 302


def test_a_session_without_the_second_step_is_sent_to_verify(client, django_user_model):
    user = plain_user(django_user_model, roles.CONTENT_EDITORS)
    TOTPDevice.objects.create(user=user, name="app")
    client.force_login(user)  # a password-only session, as from before enrolment
    response = client.get("/admin/conditions/condition/")
    assert response["Location"] == "/admin/two-step/verify/?next=/admin/conditions/condition/"
    assert client.post("/admin/two-step/verify/", {"otp_token": "000000"}).status_code == 200
    wait_out_the_code_throttle()
    done = client.post("/admin/two-step/verify/",
                       {"otp_token": totp_code(user), "next": "/admin/conditions/condition/"})
    assert done["Location"] == "/admin/conditions/condition/"
    assert client.get("/admin/conditions/condition/").status_code == 200


def test_unverified_staff_see_public_pages_without_drafts(client, django_user_model):
    from conditions.models import Condition
    from conditions.tests.factories import make_condition

    make_condition(slug="secret", status=Condition.Status.DRAFT)
    client.force_login(plain_user(django_user_model, roles.CONTENT_EDITORS))
    assert client.get("/conditions/secret/").status_code == 404
    assert client.get("/").status_code == 200


def test_newsletter_managers_need_no_second_step(client, django_user_model):
    client.force_login(plain_user(django_user_model, roles.NEWSLETTER_MANAGERS))
    assert client.get("/admin/newsletter/subscriber/").status_code == 200


def test_with_debug_on_no_second_step_is_asked(client, django_user_model, settings):
    settings.OTP_REQUIRED = False
    client.force_login(plain_user(django_user_model, superuser=True))
    assert client.get("/admin/").status_code == 200


def test_the_setup_page_is_for_signed_in_staff_only(client):
    response = client.get("/admin/two-step/")
    assert response["Location"] == "/admin/login/?next=/admin/two-step/"


# Sessions ------------------------------------------------------------------------------------

def test_staff_sessions_end_after_a_working_day_without_use(client, django_user_model,
                                                             settings):
    client.force_login(plain_user(django_user_model, roles.NEWSLETTER_MANAGERS))
    client.get("/admin/")
    session = client.session
    assert session.get_expiry_age() == settings.STAFF_SESSION_IDLE_SECONDS
    assert 8 * 3600 <= settings.STAFF_SESSION_IDLE_SECONDS <= 10 * 3600
    assert client.cookies["sessionid"]["max-age"] == settings.STAFF_SESSION_IDLE_SECONDS


def test_local_logins_work_with_debug_on(settings, django_user_model):
    settings.DEBUG = True
    settings.OTP_REQUIRED = False
    import io

    out = io.StringIO()
    call_command("create_local_logins", stdout=out)
    username, password = re.search(r"Superuser\s+(\S+) / (\S+)", out.getvalue()).groups()
    client = Client()
    assert log_in(client, username=username, password=password).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admin_never_shows_a_devices_key(admin_client, django_user_model):
    """A superuser removes someone's authenticator app, but cannot copy its key."""
    device = TOTPDevice.objects.create(user=plain_user(django_user_model), name="app")
    base = f"/admin/otp_totp/totpdevice/{device.pk}/"

    assert admin_client.get(base + "config/").status_code == 403
    assert admin_client.get(base + "qrcode/").status_code == 403
    assert admin_client.get("/admin/otp_totp/totpdevice/99999/config/").status_code == 403
    change = admin_client.get(base + "change/").content.decode()
    assert device.key not in change
    assert admin_client.get(base + "delete/").status_code == 200
