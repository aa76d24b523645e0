"""A fixed-window rate limiter on the shared cache (Redis in production), for what allauth doesn't cover."""

import time

from django.core.cache import cache

from .http import rate_limit_address

# The clock of the windows; tests hold it still so that a slow run never straddles two windows.
clock = time.time


def rate_limit_hit(*, scope: str, key: str, limit: int, period_seconds: int) -> bool:
    """Counts one attempt; True while within `limit` attempts per window, False once over it.

    Atomic on Redis (INCR), so concurrent requests cannot slip past the limit together.
    """
    window = int(clock() // period_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    counted_in_one_round_trip = getattr(cache, "incr_in_window", None)  # Redis (portal/core/cache.py)
    if counted_in_one_round_trip is not None:
        count = counted_in_one_round_trip(cache_key, timeout=period_seconds + 1)
    elif cache.add(cache_key, 1, timeout=period_seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.add(cache_key, 1, timeout=period_seconds + 1)
            count = 1
    return count <= limit


def address_within(ip: str | None, *, scope: str, limit: int, period_seconds: int) -> bool:
    """Counts one attempt for a client address (an IPv6 client by its network, `rate_limit_address`) as
    `rate_limit_hit` does, under `scope`. An address that cannot be read counts nothing: True. Written after a
    per-account limit with `and`, the address is counted only while the account is within its own."""
    address = rate_limit_address(ip)
    return not address or rate_limit_hit(scope=scope, key=address, limit=limit, period_seconds=period_seconds)
