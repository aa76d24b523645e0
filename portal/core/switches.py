"""The surge switches (`SiteSwitches`): read cheaply on every request, set by administrators from the staff
area."""

from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_record
from .models import SWITCHES_CACHE_KEY, SiteSwitches
from .roles import is_admin

CACHE_SECONDS = 5
SWITCH_NAMES = ("submissions_paused", "supports_paused", "comments_paused", "search_paused")


def current():
    """The switches as the admin last saved them (at most CACHE_SECONDS old); defaults when never saved.

    Within one request they are read once: a proposal page asks whether supports and whether comments are
    paused, and each read from the shared cache cost a round trip and an unpickling. Outside a request (a
    task, a command) every call reads them again."""
    this_request = _this_request.get()
    if this_request is not None and "switches" in this_request:
        return this_request["switches"]
    switches = cache.get(SWITCHES_CACHE_KEY)
    if switches is None:
        switches = SiteSwitches.objects.filter(pk=1).first() or SiteSwitches(pk=1)
        cache.set(SWITCHES_CACHE_KEY, switches, CACHE_SECONDS)
    if this_request is not None:
        this_request["switches"] = switches
    return switches


def remember_for_request(switches: SiteSwitches) -> None:
    """Switches read with another row (a proposal's facts read them in the same query, saving the page and a
    support a round trip to the cache): `current()` answers them for the rest of this request."""
    this_request = _this_request.get()
    if this_request is not None:
        this_request["switches"] = switches


# The switches' row as hand-written SQL selects it (`portal/core/rows.py`).
SWITCHES_FIELDS = [field.name for field in SiteSwitches._meta.concrete_fields]

# What the request being served has read; None outside a request.
_this_request: ContextVar[dict | None] = ContextVar("switches_of_this_request", default=None)


class ReadOncePerRequestMiddleware:
    """Marks the span of a request for `current()`. A middleware with `finally` rather than the request
    signals: a view that raises (or a response never closed) must not leave one request's switches to
    whatever the thread runs next."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _this_request.set({})
        try:
            return self.get_response(request)
        finally:
            _this_request.reset(token)


@dataclass(frozen=True)
class SwitchesInput:
    submissions_paused: bool = False
    supports_paused: bool = False
    comments_paused: bool = False
    search_paused: bool = False
    banners: dict[str, str] = field(default_factory=dict)


@transaction.atomic
def site_switches_update(*, actor, data: SwitchesInput) -> SiteSwitches:
    """Sets the surge switches and their banner; every web process follows within CACHE_SECONDS."""
    if not is_admin(actor):
        raise PermissionDenied(_("Only administrators can change the site switches."))
    switches = SiteSwitches.objects.select_for_update().filter(pk=1).first() or SiteSwitches(pk=1)
    before = {name: getattr(switches, name) for name in SWITCH_NAMES}
    for name in SWITCH_NAMES:
        setattr(switches, name, getattr(data, name))
    for code in ("kk", "ru", "en"):
        setattr(switches, f"banner_{code}", data.banners.get(code, "").strip())
    switches.save()
    changed = {name: getattr(data, name) for name in SWITCH_NAMES if before[name] != getattr(data, name)}
    audit_record(actor=actor, action="site.switches_changed", target=switches, details=changed)
    return switches
