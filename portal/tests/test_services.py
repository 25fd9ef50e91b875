"""The database and cache the suite runs against are the ones configured."""

import os

import pytest
from django.db import connection

from portal.redis_cache import RedisCache
from portal.tests.support import port_open, require


@pytest.mark.django_db
def test_database_is_the_configured_one():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres", "psql")) else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_redis_cache_is_shared_between_clients():
    require(port_open("127.0.0.1", 6379), "Redis is not answering on 127.0.0.1:6379")
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
    writer = RedisCache(url, {"KEY_PREFIX": "portal-test"})
    reader = RedisCache(url, {"KEY_PREFIX": "portal-test"})
    writer.set("greeting", {"text": "hello"}, timeout=30)
    assert reader.get("greeting") == {"text": "hello"}
    writer.delete("greeting")
    assert reader.get("greeting") is None
    # Each cache builds its Redis client once and uses it for every call.
    assert writer._cache.get_client() is writer._cache.get_client(write=True)
    writer.set("counter", 1, timeout=30)
    writer.incr("counter")
    assert reader.get("counter") == 2
    writer.delete("counter")
