"""The default cache answers as an empty cache while Redis is unreachable, instead of raising."""

import logging
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache
from redis._parsers import _HiredisParser

from portal.core.cache import DegradingRedisCache
from portal.core.ratelimit import rate_limit_hit
from tests.services import redis_url_or_skip

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: the connection is refused at once


def _cache(url: str) -> DegradingRedisCache:
    return DegradingRedisCache(
        url, {"KEY_PREFIX": "degrading-test", "OPTIONS": {"socket_connect_timeout": 1}}
    )


def test_plain_redis_cache_raises_when_redis_is_away():
    """What the degrading backend is for: Django's own backend turns an outage into an exception."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    with pytest.raises(RedisConnectionError):
        RedisCache(NOWHERE, {}).get("anything")


def test_unreachable_redis_answers_as_an_empty_cache(caplog):
    cache = _cache(NOWHERE)
    with caplog.at_level(logging.WARNING, logger="portal.core.cache"):
        assert cache.get("key", "fallback") == "fallback"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("key") is False
        assert cache.add("lock", True) is True
        assert cache.set("key", 1) is None
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.incr("counter", 3) == 3
        assert cache.touch("key") is False
        assert cache.delete("key") is False
        assert cache.delete_many(["a"]) is None
        assert cache.clear() is False
        assert cache.get_or_set("computed", 42) == 42
    assert "cache unavailable, get answered as a miss" in caplog.text


def test_rate_limits_let_requests_through_while_redis_is_away(monkeypatch):
    monkeypatch.setattr("portal.core.ratelimit.cache", _cache(NOWHERE))
    attempts = [rate_limit_hit(scope="test", key="k", limit=1, period_seconds=60) for _attempt in range(3)]
    assert attempts == [True, True, True]


def test_reachable_redis_is_used_as_usual(monkeypatch):
    cache = _cache(redis_url_or_skip())
    monkeypatch.setattr("portal.core.ratelimit.cache", cache)
    try:
        cache.set("present", "value", 30)
        assert cache.get("present") == "value"
        assert cache.add("present", "other") is False
        key = uuid.uuid4().hex
        attempts = [
            rate_limit_hit(scope="test", key=key, limit=1, period_seconds=60) for _attempt in range(2)
        ]
        assert attempts == [True, False]
    finally:
        cache.delete("present")  # the rate-limit key expires with its window


def test_the_redis_client_object_is_built_once_and_shared():
    """Building it on every call cost a sixth of a cached page; it is thread-safe, so one per pool."""
    from portal.core.cache import DegradingRedisCache

    cache = DegradingRedisCache("redis://127.0.0.1:1/0", {})
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server: reads and writes share the pool


def test_replies_are_parsed_by_hiredis():
    """A signed-in page makes two round trips to Redis; redis-py parses their replies in C when hiredis is
    installed (requirements.txt), and silently in Python when it is not."""
    cache = _cache(redis_url_or_skip())
    connection = cache._cache.get_client().connection_pool.get_connection()
    try:
        assert isinstance(connection._parser, _HiredisParser)
    finally:
        cache._cache.get_client().connection_pool.release(connection)


def test_clearing_the_cache_leaves_the_broker_queue_and_other_caches_on_the_same_database():
    url = redis_url_or_skip()
    prefix = f"clear-test-{uuid.uuid4().hex[:8]}"
    mine = DegradingRedisCache(url, {"KEY_PREFIX": prefix})
    neighbour = DegradingRedisCache(url, {"KEY_PREFIX": f"{prefix}-neighbour"})
    client = mine._cache.get_client(None, write=True)
    queue = f"{prefix}-queue"
    client.rpush(queue, "a task")
    try:
        mine.set_many({"a": 1, "b": 2})
        neighbour.set("a", 3)
        assert mine.clear() is True
        assert mine.get_many(["a", "b"]) == {}
        assert neighbour.get("a") == 3
        assert client.lrange(queue, 0, -1) == [b"a task"]
    finally:
        client.delete(queue)
        neighbour.clear()
