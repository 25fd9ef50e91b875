"""The configuration contract: each environment variable the portal reads and what it sets."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.conf import mailer_from_url
from portal.tests.support import PRODUCTION_ENV, clean_env

BASE_DIR = Path(__file__).resolve().parents[2]
NAMES = [
    "DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASES", "CACHES", "MAILERS",
    "DEFAULT_FROM_EMAIL", "SITE_URL", "TIME_ZONE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER", "STORAGES",
]
READ_SETTINGS = f"""
import json, django
from django.conf import settings
django.setup()
print(json.dumps({{name: getattr(settings, name, None) for name in {NAMES!r}}}, default=str))
"""


def run_python(code, env):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


def settings_under(**env):
    result = run_python(READ_SETTINGS, clean_env(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_secret_key_is_required_when_debug_is_off():
    result = run_python(READ_SETTINGS, clean_env(DJANGO_DEBUG="false"))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_debug_defaults_to_off():
    values = settings_under(DJANGO_SECRET_KEY="x" * 50)
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == []


def test_local_defaults_with_debug_on():
    values = settings_under(DJANGO_DEBUG="true")
    assert values["DEBUG"] is True
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASES"]["default"]["NAME"].endswith("db.sqlite3")
    assert values["DATABASES"]["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert values["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert values["MAILERS"]["default"]["BACKEND"].endswith("console.EmailBackend")
    assert values["TIME_ZONE"] == "America/Los_Angeles"
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False


def test_a_cache_directory_is_shared_by_the_processes_of_one_machine(tmp_path):
    values = settings_under(DJANGO_DEBUG="true", DJANGO_CACHE_DIR=str(tmp_path))
    assert values["CACHES"]["default"]["BACKEND"].endswith("FileBasedCache")
    assert values["CACHES"]["default"]["LOCATION"] == str(tmp_path)
    # A content change in one process (the task worker) ends the pages of another.
    bump = ("import django; django.setup()\n"
            "from portal.cache import content_changed, content_version\n"
            "print(content_version()); content_changed(); print(content_version())")
    env = clean_env(DJANGO_DEBUG="true", DJANGO_CACHE_DIR=str(tmp_path))
    first = run_python(bump, env).stdout.split()
    second = run_python(bump, env).stdout.split()
    assert int(second[0]) == int(first[1])
    assert int(second[1]) == int(first[1]) + 1
    # Redis, when given, is shared more widely still and comes first.
    both = settings_under(DJANGO_DEBUG="true", DJANGO_CACHE_DIR=str(tmp_path),
                          REDIS_URL="redis://127.0.0.1:6379/5")
    assert both["CACHES"]["default"]["BACKEND"] == "portal.redis_cache.RedisCache"


def test_production_environment_is_read_into_settings():
    values = settings_under(**PRODUCTION_ENV, DJANGO_TIME_ZONE="Europe/Zurich")
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5432, "portal")
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert values["CACHES"]["default"] == {
        "BACKEND": "portal.redis_cache.RedisCache",
        "LOCATION": "redis://cache.internal:6379/0",
    }
    # The rate-limit counters share it unless given a Redis that never evicts.
    assert values["CACHES"]["ratelimit"]["LOCATION"] == "redis://cache.internal:6379/0"
    apart = settings_under(**PRODUCTION_ENV,
                           REDIS_RATELIMIT_URL="redis://counters.internal:6379/0")
    assert apart["CACHES"]["ratelimit"]["LOCATION"] == "redis://counters.internal:6379/0"
    assert apart["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/0"
    assert values["MAILERS"]["default"]["OPTIONS"]["host"] == "smtp.example.org"
    assert values["MAILERS"]["default"]["OPTIONS"]["password"] == "p@ss"
    assert values["ALLOWED_HOSTS"] == ["portal.example.org"]
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://portal.example.org"]
    assert values["DEFAULT_FROM_EMAIL"] == "Clinic portal <news@example.org>"
    assert values["SITE_URL"] == "https://portal.example.org"
    assert values["TIME_ZONE"] == "Europe/Zurich"
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_https_is_enforced_when_debug_is_off():
    values = settings_under(**PRODUCTION_ENV)
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_https_redirect_can_be_left_to_the_proxy():
    values = settings_under(**PRODUCTION_ENV, DJANGO_SECURE_SSL_REDIRECT="false")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31536000


def test_check_deploy_reports_no_issues_in_production_configuration():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=clean_env(**PRODUCTION_ENV), capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_catches_a_console_mailer_in_production():
    env = clean_env(**{**PRODUCTION_ENV, "EMAIL_URL": "console:"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert "mail.E001" in result.stderr


@pytest.mark.parametrize(
    ("url", "backend", "options"),
    [
        ("console:", "console.EmailBackend", {}),
        ("file:///var/mail/portal", "filebased.EmailBackend", {"file_path": "/var/mail/portal"}),
        (
            "smtp://user:pw@mail.example.org:2525",
            "smtp.EmailBackend",
            {"host": "mail.example.org", "port": 2525, "username": "user", "password": "pw",
             "use_tls": False, "use_ssl": False},
        ),
        ("smtp+tls://mail.example.org", "smtp.EmailBackend",
         {"host": "mail.example.org", "port": 587, "use_tls": True, "use_ssl": False}),
        ("smtp+ssl://mail.example.org", "smtp.EmailBackend",
         {"port": 465, "use_tls": False, "use_ssl": True}),
    ],
)
def test_email_url_becomes_a_mailer(url, backend, options):
    mailer = mailer_from_url(url)
    assert mailer["BACKEND"] == f"django.core.mail.backends.{backend}"
    assert options.items() <= mailer.get("OPTIONS", {}).items()


@pytest.mark.parametrize("url", ["smtp://", "file://relative/dir", "sendmail://localhost", "x"])
def test_unusable_email_url_is_refused_clearly(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        mailer_from_url(url)


def test_file_email_url_writes_each_message_to_the_directory(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.core.mail import send_mail\n"
        "send_mail('Hello', 'Body text', None, ['family@example.org'])\n"
    )
    result = run_python(code, clean_env(DJANGO_DEBUG="true", EMAIL_URL=f"file://{tmp_path}"))
    assert result.returncode == 0, result.stderr
    [message] = list(tmp_path.iterdir())
    text = message.read_text()
    assert "Subject: Hello" in text
    assert "To: family@example.org" in text


def test_makemigrations_runs_without_configuration(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=BASE_DIR,
        env=clean_env(DJANGO_DEBUG="false", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"),
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_manage_py_explains_a_missing_secret_key_in_one_line():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR,
        env=clean_env(DJANGO_DEBUG="false"), capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Configuration error: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
        "(see README.md, Configuration)"
    )


def test_the_wsgi_application_leaves_what_it_loaded_out_of_garbage_collection():
    # gc.get_objects() lists what the collector still scans, not what was frozen: a view
    # function is not among them, so the views were imported before the freeze.
    result = run_python(
        "import gc, portal.wsgi, trials.views; "
        "print(gc.get_freeze_count(), "
        "any(o is trials.views.trial_detail for o in gc.get_objects()))",
        clean_env(DJANGO_DEBUG="true"))
    assert result.returncode == 0, result.stderr
    frozen, view_scanned = result.stdout.split()
    assert int(frozen) > 50_000
    assert view_scanned == "False"
