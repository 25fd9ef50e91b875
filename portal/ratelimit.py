"""Fixed-window rate limits kept in their own cache ("ratelimit"), so they hold across
processes (with Redis) and are never culled to make room for pages."""

import hashlib
import time

from django.core.cache import caches

WINDOW_SECONDS = 60 * 60


def limit_exceeded(scope, identity, limit, window=WINDOW_SECONDS):
    """Count one more attempt for `identity` in the current window (windows start on whole
    multiples of `window` seconds) and say whether it goes over `limit`."""
    counters = caches["ratelimit"]
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    now = time.time()
    number = int(now // window)
    key = f"ratelimit:{scope}:{digest}:{number}"
    remaining = max(1, round((number + 1) * window - now))
    counters.add(key, 0, remaining)
    try:
        count = counters.incr(key)
    except ValueError:  # the window ended between add and incr
        counters.set(key, 1, remaining)
        count = 1
    # The file and memory caches store an incremented value with the default lifetime (five
    # minutes): the counter lasts until its window ends.
    counters.touch(key, remaining)
    return count > limit


def window_end(window=WINDOW_SECONDS):
    """When the current window ends and its counts start again, in seconds since the epoch."""
    return (int(time.time() // window) + 1) * window
