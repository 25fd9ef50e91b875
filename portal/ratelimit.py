"""Fixed-window rate limits kept in the cache, so they hold across processes (with Redis)."""

import hashlib

from django.core.cache import cache

WINDOW_SECONDS = 60 * 60


def limit_exceeded(scope, identity, limit, window=WINDOW_SECONDS):
    """Count one more attempt for `identity` and say whether it goes over `limit`."""
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit
