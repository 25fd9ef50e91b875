"""Fixtures shared by every app's tests."""

import os
import socket
from html.parser import HTMLParser

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# live-server tests there are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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


def pytest_collection_modifyitems(config, items):
    """Tests marked postgresql run in the PostgreSQL pass. On SQLite they are left out when
    CI=true (make test runs them in its second pass) and skipped otherwise."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    needs_postgres = [item for item in items if item.get_closest_marker("postgresql")]
    if IN_CI:
        config.hook.pytest_deselected(items=needs_postgres)
        items[:] = [item for item in items if item not in needs_postgres]
        return
    for item in needs_postgres:
        item.add_marker(pytest.mark.skip(
            reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run it"
        ))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Uploaded and demo files go to a temporary folder, not the project's."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


BASE_DIR = os.path.dirname(os.path.abspath(__file__))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """The system Chromium driven by Playwright (never a downloaded browser build)."""
    require(os.path.exists(CHROMIUM), f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - requirements-dev.txt installs it
        require(False, "Playwright for Python is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


class _ActiveContentFinder(HTMLParser):
    """Finds what could run script in a page: inline or foreign scripts, event handlers,
    javascript:/data: URLs, and embedding tags."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "object", "embed", "svg", "math", "base", "form"}:
            src = dict(attrs).get("src") or ""
            if not (tag == "script" and src.startswith("/static/")) and tag != "form":
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
