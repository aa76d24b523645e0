"""The admin's surge switches (`SiteSwitches`), read cheaply on every request."""

from django.core.cache import cache

CACHE_KEY = "portal:site-switches"
CACHE_SECONDS = 5


def current():
    """The switches as the admin last saved them (at most CACHE_SECONDS old); defaults when never saved."""
    from .models import SiteSwitches

    switches = cache.get(CACHE_KEY)
    if switches is None:
        switches = SiteSwitches.objects.filter(pk=1).first() or SiteSwitches(pk=1)
        cache.set(CACHE_KEY, switches, CACHE_SECONDS)
    return switches


def forget() -> None:
    cache.delete(CACHE_KEY)
