"""Fixtures shared by every app's tests."""

import os

import pytest

from portal.tests.support import (
    IN_CI,
    require,
    staff_user,
    two_step_verified,
    verify_forced_login,
)

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# live-server tests there are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(verify_forced_login, dispatch_uid="tests-verify-forced-login")


def pytest_collection_modifyitems(config, items):
    """Tests marked postgresql run in the PostgreSQL pass. On SQLite they are left out when
    CI=true (make test runs them in its PostgreSQL pass) and skipped otherwise."""
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
    from django.core.cache import cache, caches

    from portal.cache import local_pages

    for store in (cache, caches["ratelimit"], local_pages):
        store.clear()
    yield
    for store in (cache, caches["ratelimit"], local_pages):
        store.clear()


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




@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def admin_user(django_user_model):
    """pytest-django's superuser (and so its admin_client), set up for two-step sign-in."""
    user = django_user_model.objects.create_superuser("admin", "admin@example.com", "password")
    return two_step_verified(user)


@pytest.fixture
def editor(django_user_model):
    """A member of the Content editors role."""
    from portal import roles

    return staff_user(django_user_model, roles.CONTENT_EDITORS, username="editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


class TaskQueue:
    """The database task queue in a test: tasks wait until run_due() runs a worker pass, and
    later() moves the clock forward for tasks that wait for a time."""

    def run_due(self):
        """One worker pass over the tasks that are due, as `manage.py db_worker --batch`."""
        from unittest import mock

        from django.core.management import call_command

        # The worker closes connections it thinks stale; the test's own transaction would be
        # one of them.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0",
                         verbosity=0)

    def later(self, minutes):
        import datetime

        from django_tasks_db.models import DBTaskResult

        for result in DBTaskResult.objects.filter(status="READY"):
            result.run_after -= datetime.timedelta(minutes=minutes)
            result.save(update_fields=["run_after"])

    def results(self, **filters):
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(**filters).order_by("enqueued_at")


@pytest.fixture
def task_queue(settings):
    """Tasks go through the database queue, as in production, instead of running at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return TaskQueue()


@pytest.fixture
def reviewer(django_user_model):
    """A member of the Medical reviewers role with a reviewer profile."""
    from portal import roles
    from portal.models import ReviewerProfile

    user = staff_user(django_user_model, roles.MEDICAL_REVIEWERS, username="reviewer")
    user.email = "ana.ruiz@example.org"
    user.save()
    ReviewerProfile.objects.create(user=user, display_name="Dr Ana Ruiz",
                                   credentials="MD, Pediatric Oncology")
    return user
