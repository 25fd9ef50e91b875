"""Helpers the tests of every app share: reading forms and pages as a browser would, staff
logins, hostile input, images, the browser checkers and the production environment.

Fixtures live in the root conftest.py; model factories in each app's tests/factories.py."""

import io
import json
import os
import random
import re
import socket
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.db import models
from django.urls import reverse
from PIL import Image

BASE_DIR = Path(__file__).resolve().parents[2]

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(available, reason):
    """Skip when a service or tool is missing on a developer machine; fail in CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


# Staff and uploads ---------------------------------------------------------------------------

def two_step_verified(user):
    """Give the user an authenticator app (a TOTP device, key TEST_TOTP_KEY) and mark the
    object so that the next login with it, client.force_login included, counts as having
    given the second step (django-otp reads `otp_device` when a user logs in)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="Test app", key=TEST_TOTP_KEY)
    user.otp_device = device
    return user


def verify_forced_login(sender, request, user, **kwargs):
    """Test-only receiver of user_logged_in (conftest.py connects it): client.force_login
    logs in on a bare request without `user`, where django-otp cannot record the device;
    this records it for users prepared by two_step_verified, as a real login would."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = getattr(user, "otp_device", None)
    if device is not None and not hasattr(request, "user"):
        request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


TEST_TOTP_KEY = "3132333435363738393031323334353637383930"  # hex, RFC 6238's test key


def totp_code(user):
    """A code of the user's authenticator app that the portal will take now: the current
    one, or the next one (within the accepted drift) when the current one was used already,
    since a code works only once."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = totp.time + device.step * (device.last_t - totp.t() + 1)
    return f"{totp.token():0{device.digits}d}"


def staff_user(django_user_model, role=None, username=None):
    """A staff login with the given role (a group name from portal.roles), password "pw",
    set up for two-step sign-in so that client.force_login(user) is fully signed in."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username=username or (role or "staff").lower().replace(" ", "-"), password="pw",
        is_staff=True,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return two_step_verified(user)


def superuser(django_user_model, username="root"):
    """A superuser, password "pw", set up for two-step sign-in like staff_user."""
    user = django_user_model.objects.create_superuser(username, f"{username}@example.org", "pw")
    return two_step_verified(user)


def png_bytes(size=(8, 6), noisy=False):
    """A real PNG; a noisy one does not compress, so its size grows with its pixels."""
    buffer = io.BytesIO()
    if noisy:
        width, height = size
        pixels = random.Random(4).randbytes(width * height * 3)
        image = Image.frombytes("RGB", size, pixels)
    else:
        image = Image.new("RGB", size, "#0b5394")
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# Reading admin forms the way a browser submits them ------------------------------------------

class FormFields(HTMLParser):
    """The controls a browser would submit from the form with the given id."""

    SKIPPED_TYPES = {"submit", "button", "image", "reset", "file"}

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.in_form = False
        self.pairs = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
            return
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in self.SKIPPED_TYPES:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.pairs.append((name, attrs.get("value") or "on"))
                return
            self.pairs.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": [],
                            "selected": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select["options"].append(value)
            if "selected" in attrs:
                self._select["selected"].append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.pairs.append((name, text.removeprefix("\r\n").removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select = self._select
            chosen = select["selected"]
            if not chosen and not select["multiple"] and select["options"]:
                chosen = select["options"][:1]
            self.pairs.extend((select["name"], value) for value in chosen)
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def data(self, lists=False):
        """POST data without the empty-form template rows: one value per name and a list where
        a name repeats, or with lists=True a list of values for every name."""
        data = {}
        for name, value in self.pairs:
            if "__prefix__" in name:
                continue
            if lists:
                data.setdefault(name, []).append(value)
            elif name in data:
                previous = data[name]
                data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                data[name] = value
        return data


def form_data(response, form_id, lists=False):
    """What a browser would post from the form with the given id on the page."""
    assert response.status_code == 200
    parser = FormFields(form_id)
    parser.feed(response.content.decode())
    data = parser.data(lists=lists)
    assert data, f"no form #{form_id} on the page"
    return data


def publish_draft(client, obj):
    """Publish a live item's pending changes from its review page, as someone allowed to
    publish it does (not a medical review: for content its editors publish themselves)."""
    opts = obj._meta
    review_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_review", args=[obj.pk])
    seen = re.search(r'name="approve-seen" value="([0-9a-f]*)"',
                     client.get(review_url).content.decode())[1]
    response = client.post(review_url, {"action": "approve", "approve-when": "now",
                                        "approve-seen": seen})
    assert response.status_code == 302
    assert response.url == review_url
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Published \u201c{obj}\u201d."]
    obj.refresh_from_db()


def inline_index(data, prefix, obj):
    """The row number of obj in the inline formset with the given prefix."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for index in range(total):
        if data.get(f"{prefix}-{index}-id") == str(obj.pk):
            return index
    raise AssertionError(f"{obj!r} is not in the {prefix} inline")


# The site layout -----------------------------------------------------------------------------

NAVIGATION = {
    "Conditions": "/conditions/",
    "Clinical trials": "/trials/",
    "Where to get care": "/care/",
    "Support services": "/support/",
    "Search": "/search/",
}


class PageParser(HTMLParser):
    """Collects what the layout tests look at: tags, attributes, link texts."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.links = []
        self._link = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "a":
            self._link = [attrs.get("href"), ""]
            self.links.append(self._link)

    def handle_endtag(self, tag):
        if tag == "a":
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data.strip()

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and attrs.items() <= a.items()]


def parse(response):
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def assert_site_layout(response):
    page = parse(response)
    html = response.content.decode()
    assert page.find("html", lang="en")
    assert page.links[0] == ["#main", "Skip to main content"]
    assert page.find("main", id="main")
    assert page.find("meta", name="description")[0]["content"]
    assert page.find("meta", name="viewport")
    assert page.find("link", rel="icon")
    assert page.find("link", rel="stylesheet", media="print")
    assert page.find("nav", **{"aria-label": "Main"})
    for text, href in NAVIGATION.items():
        assert [href, text] in page.links, text
    assert ["/privacy/", "Privacy notice"] in page.links
    assert ["/newsletter/", "Newsletter"] in page.links
    assert "<footer" in html
    assert "<header" in html
    # No inline scripts or styles: the CSP forbids them. JSON-LD data blocks never run.
    assert all("src" in attrs or attrs.get("type") == "application/ld+json"
               for attrs in page.find("script"))
    assert not page.find("style")
    assert not any("style" in attrs for _, attrs in page.tags)
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)


# Hostile input -------------------------------------------------------------------------------

PAYLOAD = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> "
    "[click](javascript:alert(3)) <a href=\"javascript:alert(4)\">x</a> "
    "\"><svg onload=alert(5)> <iframe src=//evil.example></iframe> "
    "<a href='data:text/html,<script>alert(6)</script>'>d</a> [ok](https://example.org)"
)
URL_PAYLOAD = "javascript:alert(7)"


def hostile(model, **fixed):
    """Every text field of the model set to the payload (URL fields to a javascript: URL)."""
    values = {}
    for field in model._meta.get_fields():
        if not getattr(field, "editable", False) or field.name in fixed:
            continue
        if isinstance(field, models.URLField):
            values[field.name] = URL_PAYLOAD
        elif isinstance(field, models.EmailField):
            continue
        elif (isinstance(field, models.CharField | models.TextField)
              and not isinstance(field, models.SlugField) and not field.choices):
            values[field.name] = PAYLOAD[: field.max_length or 10_000]
    return model.objects.create(**values, **fixed)


class _ActiveContentFinder(HTMLParser):
    """Finds what could run script in a page: inline or foreign scripts, event handlers,
    javascript:/data: URLs, and embedding tags. JSON-LD data blocks never run; what they
    hold is checked by json.loads in the structured data tests."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "object", "embed", "svg", "math", "base", "form"}:
            src = dict(attrs).get("src") or ""
            data_block = tag == "script" and dict(attrs).get("type") == "application/ld+json"
            if not (tag == "script" and src.startswith("/static/")) and tag != "form" \
                    and not data_block:
                self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and value:
                scheme = value.strip().split(":", 1)[0].lower()
                if scheme in {"javascript", "data", "vbscript"}:
                    self.found.append(f"<{tag} {name}={value}>")


def active_content(html):
    """Everything in the HTML that could execute script; an empty list when inert."""
    finder = _ActiveContentFinder()
    finder.feed(html)
    return finder.found


# Browser checkers ----------------------------------------------------------------------------

AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def run_axe(page):
    page.evaluate(AXE_JS.read_text())
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))",
        WCAG_TAGS,
    )


def run_vnu(files):
    """All pages in one JVM run; returns {file name: [error messages]}."""
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
         *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    report = json.loads(result.stdout or "{}")
    errors = {}
    for message in report.get("messages", []):
        name = Path(message.get("url", "unknown")).name
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message.get('message')}"
        )
    if result.returncode != 0 and not errors:
        pytest.fail(f"the Nu HTML Checker did not run: {result.stderr.strip()[:500]}")
    return errors


# The production environment ------------------------------------------------------------------

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k8Jx2-v9QmW4zT7pL1sN6rB3yH5cF0dG8aE2uK9wX4jM7qP1-test-only-aZ3",
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
    "DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:p%40ss@smtp.example.org:587",
    "DEFAULT_FROM_EMAIL": "Clinic portal <news@example.org>",
    "SITE_URL": "https://portal.example.org",
}


def clean_env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.pop("SITE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    env.update(overrides)
    return env


# Query counts --------------------------------------------------------------------------------

def schedule_known():
    """Has the page cache look up the publishing schedule now: it does so once per content
    change for all pages, so a page's query count leaves it out."""
    from django.db import connection

    from portal import cache as page_cache

    # Again when that moved the content version (search documents caught up: with an empty
    # cache, for what was published in the last hour).
    for _ in range(3):
        if page_cache.next_scheduled_change(page_cache.content_version(), publish=True):
            break
    connection.features.supports_json_field  # noqa: B018 - Django asks SQLite once


def page_queries(client, url):
    """The SQL of every query one GET of the page runs when it is not served from the page
    cache (the publishing schedule already known); the page must answer 200."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    schedule_known()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in queries.captured_queries]
