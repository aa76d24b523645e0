"""The default cache: Django's Redis backend, degraded to a cache miss while Redis is unreachable.

Everything the portal keeps in the cache can be lost without losing anyone's work: rate-limit counters, the
admin's switches (read from the database on a miss), allauth's rate limits, the worker heartbeat. Django's
`RedisCache` raises on a connection error, which turns every page and every submission into a 500 for as
long as Redis is away (the drill: Redis stopped for 30 seconds). Here a connection error or a timeout
answers as an empty cache would, with one warning per call, and each call tries Redis again, so the cache is
back as soon as Redis is.

While degraded the counters behind rate limits start from nothing at every call: the limits (the portal's
and allauth's, and allauth's one-time check of TOTP codes) are not enforced during an outage. Screening's
burst detection counts in PostgreSQL and still flags floods.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Errors that say "Redis is not there right now"; anything else (a wrong type, a script error) is a bug.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


def _degrades(answer):
    """Wraps a cache method: on UNAVAILABLE it logs and returns `answer(*args, **kwargs)` instead."""

    def decorate(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                logger.warning("cache unavailable, %s answered as a miss: %s", method.__name__, error)
                return answer(*args, **kwargs)

        return guarded

    return decorate


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a new `redis.Redis` object (and its table of response callbacks) for every cache
    call; on a cached page that was a sixth of the work. A `redis.Redis` is safe to share between threads, so
    one is kept per connection pool."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class DegradingRedisCache(RedisCache):
    """`RedisCache` that answers as an empty cache which keeps nothing while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    @_degrades(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_degrades(lambda keys, version=None: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_degrades(lambda key, version=None: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    # "Added", as into an empty cache: a caller taking a lock goes on (allauth waits in a loop until its
    # lock is added) and a counter starts at its first value.
    @_degrades(lambda key, value, timeout=DEFAULT_TIMEOUT, version=None: True)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_degrades(lambda key, value, timeout=DEFAULT_TIMEOUT, version=None: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_degrades(lambda data, timeout=DEFAULT_TIMEOUT, version=None: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_degrades(lambda key, timeout=DEFAULT_TIMEOUT, version=None: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    # A counter that could not be read restarts: the caller sees its first increment.
    @_degrades(lambda key, delta=1, version=None: delta)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    # Counted as a first attempt, like `incr` above.
    @_degrades(lambda key, timeout, version=None: 1)
    def incr_in_window(self, key, timeout: int, version=None) -> int:
        """The counter at `key` plus one, the counter created to expire `timeout` seconds after its first
        increment: one round trip (SET NX EX and INCR in one MULTI), where `add` then `incr` take three. A
        rate limit counts every API write with it."""
        key = self.make_and_validate_key(key, version=version)
        pipeline = self._cache.get_client(key, write=True).pipeline()
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incr(key)
        return pipeline.execute()[1]

    @_degrades(lambda key, version=None: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_degrades(lambda keys, version=None: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    # Only this cache's keys (its KEY_PREFIX): Django's `clear()` empties the whole Redis database, which also
    # holds the Celery broker's queues and any other cache sharing it (a test run's parallel workers).
    @_degrades(lambda: False)
    def clear(self):
        client = self._cache.get_client(None, write=True)
        batch: list[bytes] = []
        for key in client.scan_iter(match=_glob_escape(self.key_prefix) + ":*", count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)
        return True


def _glob_escape(text: str) -> str:
    """`text` matched literally by a Redis MATCH pattern."""
    return "".join(f"\\{char}" if char in "*?[]\\" else char for char in text)
