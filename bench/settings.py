"""Settings for `make bench`: the production settings, plus the ceiling view's URLconf and
plain HTTP to the local benchmark client."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
PAGE_CACHE_EXCLUDE = [*PAGE_CACHE_EXCLUDE, "/bench/"]  # noqa: F405
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
