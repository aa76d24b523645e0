"""A fixed-window rate limiter on the shared cache (Redis in production), for what allauth doesn't cover."""

import time

from django.core.cache import cache

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
