"""A rate limit on Redis counts an attempt in one round trip (it is asked on every API write)."""

import uuid

from redis.connection import Connection

from portal.core.cache import DegradingRedisCache
from portal.core.ratelimit import rate_limit_hit
from tests.services import redis_url_or_skip


def _cache() -> DegradingRedisCache:
    return DegradingRedisCache(redis_url_or_skip(), {"KEY_PREFIX": "round-trip-test"})


def test_a_window_counter_counts_and_expires_with_its_window():
    cache = _cache()
    key = uuid.uuid4().hex
    assert [cache.incr_in_window(key, timeout=61) for _attempt in range(3)] == [1, 2, 3]
    assert cache.get(key) == 3
    client = cache._cache.get_client(key, write=True)
    assert 0 < client.ttl(cache.make_and_validate_key(key)) <= 61
    cache.delete(key)


def test_each_attempt_is_one_round_trip_to_redis(monkeypatch):
    cache = _cache()
    monkeypatch.setattr("portal.core.ratelimit.cache", cache)
    key = uuid.uuid4().hex
    rate_limit_hit(scope="test", key=key, limit=2, period_seconds=60)  # the connection is opened
    sent = []
    original = Connection.send_packed_command
    monkeypatch.setattr(
        Connection,
        "send_packed_command",
        lambda self, *args, **kw: (sent.append(1), original(self, *args, **kw))[1],
    )
    attempts = [rate_limit_hit(scope="test", key=key, limit=2, period_seconds=60) for _attempt in range(2)]
    assert attempts == [True, False]
    assert len(sent) == 2
