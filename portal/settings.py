"""Settings for the clinic portal.

Every environment variable the portal reads is read here (README.md, "Configuration").
"""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from portal.conf import DEVELOPMENT_SECRET_KEY, mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
PORTAL_NAME = "Bayside Children's Cancer Program"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "reversion",
    "reversion_compare",
    "django_tasks_db",
    "nested_admin",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
# The portal's feature apps, in dependency order: each app's demo content may use the apps
# before it, and site search lists results in this order. Only these are asked for their
# `demo` and `search` modules (portal.apps.feature_modules).
FEATURE_APPS = ["conditions", "care_sites", "trials", "pages", "newsletter"]
INSTALLED_APPS += ["portal", *FEATURE_APPS]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "portal.cache.PageCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.staff.StaffSessionMiddleware",
    "portal.staff.AdminQueryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.context_processors.site_pages",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (or any URL django-environ knows) from DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Every query is sent with its parameters apart from the statement (server-side binding)
    # and prepared on its second run, so PostgreSQL plans each kind of query once per
    # connection instead of on every request: planning took about half the database's time
    # on the condition page. Not on the first run: a migration's statement that holds
    # several commands cannot be prepared, and runs once. Left to itself, PostgreSQL plans a
    # prepared statement afresh for each of its first five runs before it keeps the generic
    # plan; for site search that costs more than the generic plan does (twice the time for a
    # common word), and connections are renewed every minute.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("server_side_binding", True)
    options.setdefault("prepare_threshold", 1)
    options.setdefault("options", "-c plan_cache_mode=force_generic_plan")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # make run's server answers requests in threads, beside the task worker: a transaction
    # that will write (a draft applied for its preview, a save) takes the write lock when it
    # starts and waits for it, instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis (shared across processes) when REDIS_URL is set; else files in
# DJANGO_CACHE_DIR, shared by the processes of one machine (make run: the web server and the
# task worker, whose content changes must end the server's cached pages); else memory.
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_DIR = env.str("DJANGO_CACHE_DIR", default="")
# Rate-limit counters ("ratelimit") are kept apart from the pages: a file or memory cache
# culls entries when full, and visitors who fill it with pages must not wipe the counters.
# A Redis that evicts keys when full evicts them from all its databases: production gives
# the counters a Redis of their own that never evicts (REDIS_RATELIMIT_URL).
if REDIS_URL:
    CACHES = {
        alias: {"BACKEND": "portal.redis_cache.RedisCache", "LOCATION": location}
        for alias, location in (("default", REDIS_URL),
                                ("ratelimit", env.str("REDIS_RATELIMIT_URL",
                                                      default=REDIS_URL)))
    }
elif CACHE_DIR:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                    "LOCATION": str(BASE_DIR / CACHE_DIR)},
        "ratelimit": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                      "LOCATION": str(BASE_DIR / CACHE_DIR / "ratelimit"),
                      "OPTIONS": {"MAX_ENTRIES": 100_000}},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "LOCATION": "ratelimit", "OPTIONS": {"MAX_ENTRIES": 100_000}},
    }

# Whole public pages cached for anonymous visitors (README.md, "Caching"). DJANGO_PAGE_CACHE=off
# renders every request afresh; the headers below are sent either way. A stored page lives at
# most PAGE_CACHE_TIMEOUT seconds (content changes and publishing schedules end it sooner);
# browsers and a CDN may keep it PAGE_CACHE_MAX_AGE seconds and serve it stale while they
# fetch a fresh one for PAGE_CACHE_STALE_WHILE_REVALIDATE more.
PAGE_CACHE = env.bool("DJANGO_PAGE_CACHE", default=True)
PAGE_CACHE_TIMEOUT = 60 * 60
PAGE_CACHE_MAX_AGE = 60
PAGE_CACHE_STALE_WHILE_REVALIDATE = 300
PAGE_CACHE_EXCLUDE = ["/admin/", "/newsletter/", "/healthz"]
# Searches are counted in each process and written to the statistics at most this often.
SEARCH_STATS_FLUSH_SECONDS = env.int("SEARCH_STATS_FLUSH_SECONDS", default=10)
# Each process also keeps its most used pages in memory, up to this many bytes of pages.
PAGE_CACHE_LOCAL_BYTES = 32 * 1024 * 1024

# Email: one URL (smtp://, smtp+tls://, console:, file:///dir) becomes the default mailer.
MAILERS = {"default": mailer_from_url(env.str("EMAIL_URL", default="console:"))}

# Background work (django.tasks): the database is the queue, and `manage.py db_worker`
# processes (started by make run; see README "Deployment") claim each task once.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Clinic portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Staff sign-in (README, "Security"). Failed logins are counted in the database, so the
# limits hold across workers: 5 failures lock the account name and, separately, the address
# for 15 minutes; a successful login clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.staff.locked_out"
AXES_VERBOSE = False
# Two-step sign-in (an authenticator app, or a recovery code) for superusers and every staff
# role that can publish. Off with debug on, so `make run`'s local logins need no phone.
OTP_REQUIRED = not DEBUG
OTP_TOTP_ISSUER = PORTAL_NAME
OTP_TOTP_THROTTLE_FACTOR = 1
# Each person adds their key to their app at /admin/two-step/; the admin never shows a key
# or its QR code (its pages for them answer 403), so no one can copy another's second step.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
STAFF_RECOVERY_CODES = 10
# Staff are signed out after a working day without a request (9 hours).
STAFF_SESSION_IDLE_SECONDS = 9 * 60 * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Newsletter: how long a confirmation link works and how long personal data is kept (days),
# and how many signups one IP address or one email address may send per hour.
NEWSLETTER_CONFIRM_DAYS = 3
NEWSLETTER_PENDING_RETENTION_DAYS = 7
NEWSLETTER_NETWORK_RETENTION_DAYS = 30
NEWSLETTER_UNSUBSCRIBED_RETENTION_DAYS = 365
NEWSLETTER_SIGNUPS_PER_IP = 10
NEWSLETTER_SIGNUPS_PER_ADDRESS = 3

# The medical review statement on every condition page, unless a condition sets its own.
CONDITION_DISCLAIMER = (
    "The health information on this site has been reviewed by our pediatric specialists. It is "
    "for education only. It is not a substitute for medical advice, diagnosis or treatment from "
    "your child's own doctor. If you have questions about your child's health, please talk with "
    "your child's care team."
)
# Largest image an editor may upload, in bytes and in pixels per side.
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 6000

# ClinicalTrials.gov API v2, for importing trials.
CTGOV_API_URL = env.str("CTGOV_API_URL", default="https://clinicaltrials.gov/api/v2")
CTGOV_TIMEOUT = 15  # seconds

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers. No inline script or style anywhere, so the policy needs no 'unsafe-inline'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# The security cookie of the forms lasts until the browser is closed, not a year: a family
# reading the site keeps nothing longer than it needs (the privacy notice says so).
CSRF_COOKIE_AGE = None
# A newsletter signup sent without a valid token gets its form back to send again.
CSRF_FAILURE_VIEW = "newsletter.views.csrf_failure"

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.request": {"handlers": ["console"], "level": "WARNING"}},
}
