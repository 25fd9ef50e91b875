"""Settings for the test suite: production settings with test conveniences."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-suite-only-secret-key-not-used-anywhere-else")

from portal.settings import *  # noqa: F403

# Tests talk plain HTTP to the test client and live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# No collectstatic before tests: plain storage instead of the hashed manifest.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run at once, inside the test; a test that needs the queue itself says so.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Each search counted at once, so that a test sees it (the search benchmark sets 10).
SEARCH_STATS_FLUSH_SECONDS = int(os.environ.get("SEARCH_STATS_FLUSH_SECONDS", "0"))
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# Serve static files from the app and project folders, as runserver does.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # Browser tests drive a live server whose threads share the test database. In a file,
    # with a busy timeout, one request waits for another's write; the in-memory database's
    # shared cache would answer "database table is locked" instead.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {}).update({  # noqa: F405
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;",
    })
