"""Whole-page caching of what anonymous people read, in the shared cache, invalidated by generations.

On publication day almost all traffic is people who are not signed in, reading the same few pages. Those
pages are the same for every anonymous reader of a language, so a rendered page is kept for
`PAGE_CACHE_SECONDS`, together with the *generations* of what it shows at the time it was rendered:

- `site`: anything shown on many pages (a draft, a hearing, a Commission answer, a site switch's banner).
  Bumped after every such write commits.
- generations that apps declare shown on most pages when they start (`shown_on_most_pages`): `proposals`,
  the proposals that lists, counts and article pages show. Every page depends on them but a page that says
  it leaves one out (`leaves_out`): a proposal's own page does not list the others, so a moderator
  publishing proposals one after another renews the lists, not the page of every proposal read meanwhile.
- `proposal:<id>`: what only that proposal's page shows (its text, status and comments).

A stored page is given out only while those generations are still current: bumping one makes every page
that showed the old state be rendered again, so a hidden proposal or a correction disappears at the next
request, on every web process. Counters that move by `UPDATE` without a signal (supports, comment counts) are
not bumped: they lag by `PAGE_CACHE_SECONDS` plus the time one request takes to render the page again (the
others are given the expired page meanwhile), and never drift, because the page is rendered from the
database when it expires.

Never cached: signed-in people (their pages carry their own buttons and CSRF tokens), anything other than a
plain 200, responses that set a cookie, carry a CSRF token or a flash message. If the cache is unreachable,
pages are rendered as if nothing were cached.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

from .http import wants_fragment

logger = logging.getLogger(__name__)

PREFIX = "page"
STORED_HEADERS = ("Content-Type", "Content-Language", "Vary", "Last-Modified", "ETag")
# An expired page is kept this much longer, to be given out while one request renders it again.
STALE_SECONDS = 30
# Time one request has to render an expired page again before another one may try.
RENEWAL_LOCK_SECONDS = 10
# How long a reader waits for the page another request is rendering, and how often it looks, before it
# renders the page itself. A thread that waits costs no CPU; one that renders too slows every other.
RENEWAL_WAIT_SECONDS = 2.0
RENEWAL_POLL_SECONDS = 0.005
# The generations every stored page depends on, but those it leaves out: `site`, and those apps add.
_SHOWN_ON_MOST_PAGES: list[str] = ["site"]
# The wall clock that decides freshness; tests move it instead of sleeping past a page's lifetime.
clock = time.time
sleep = time.sleep


def shown_on_most_pages(name: str) -> None:
    """Apps call this when they start, for a generation of theirs that most pages show: every stored page
    then depends on it, unless it says it leaves it out (`kept(..., leaves_out=...)`)."""
    if name not in _SHOWN_ON_MOST_PAGES:
        _SHOWN_ON_MOST_PAGES.append(name)


def cache_anonymous_page(
    tags: Callable[[dict], Iterable[str]] | None = None, *, leaves_out: Iterable[str] = ()
):
    """Decorates a GET view whose anonymous page may be shared. `tags(view_kwargs)` names the extra
    generations the page depends on besides `site`, e.g. `lambda kw: [f"proposal:{kw['pk']}"]`; `leaves_out`
    names generations shown on most pages that this one does not show (see `kept`)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            response, state = kept(
                _page_key(request),
                tags(kwargs) if tags else (),
                lambda: view(request, *args, **kwargs),
                dump=_stored_from,
                keep=lambda response: _cacheable_response(request, response),
                leaves_out=leaves_out,
            )
            if state in ("hit", "stale", "waited"):
                return _response_from(response, state)
            if state == "miss":
                response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator


def kept(
    key: str,
    generations: Iterable[str],
    compute: Callable,
    *,
    dump=lambda value: value,
    keep=None,
    leaves_out: Iterable[str] = (),
):
    """What is stored under `key` while the generations `site`, those shown on most pages (but the ones it
    `leaves_out`) and `generations` are those it was computed under, and for `PAGE_CACHE_SECONDS` at most;
    otherwise `compute()`, stored (as `dump(value)`) when `keep(value)` allows. Answers `(value, state)`: the
    stored value for "hit", "stale" and "waited", the computed one for "miss" (stored), "not kept" and
    "unreachable" (the cache did not answer: nothing is stored).

    One round trip reads the value and the generations together. One request at a time computes a value
    again (it holds the renewal lock); meanwhile the others are given what is stored:
    - after an expiry with nothing it shows changed, the stored value ("stale");
    - after a change it shows (a generation bumped) or when nothing is stored, the value that request
      stores, once it has ("waited"). An outdated value is never given out, so they wait for it: rendered
      by each of them at once, a popular page took the machine several times as long to render
      (docs/BENCHMARKS.md). If it does not come within `RENEWAL_WAIT_SECONDS`, they compute it themselves.
    The anonymous page cache and the signed-in pages (`portal/core/shared_pages.py`) keep their pages here."""
    if "site" in leaves_out:
        raise ValueError("every stored page shows what `site` stands for")
    shown = [name for name in _SHOWN_ON_MOST_PAGES if name not in leaves_out]
    generation_keys = [generation_key(name) for name in (*shown, *generations)]
    found = safe(cache.get_many, [*generation_keys, key])
    if found is None:
        return compute(), "unreachable"
    current = [found.get(name, 0) for name in generation_keys]
    stored = found.get(key)
    if stored is not None and stored["generations"] == current:
        if stored["fresh_until"] > clock():
            return stored["value"], "hit"
        if not _claim_renewal(key, when_unreachable=False):
            return stored["value"], "stale"
    elif not _claim_renewal(key, when_unreachable=True):
        waited = _stored_by_another(key, current)
        if waited is not None:
            return waited, "waited"
        return _computed(key, current, compute, dump, keep)
    try:
        return _computed(key, current, compute, dump, keep)
    finally:
        safe(cache.delete, _renewal_key(key))


def _computed(key: str, current: list, compute: Callable, dump, keep):
    value = compute()
    if keep is not None and not keep(value):
        return value, "not kept"
    fresh_until = clock() + settings.PAGE_CACHE_SECONDS
    entry = {"value": dump(value), "generations": current, "fresh_until": fresh_until}
    safe(cache.set, key, entry, settings.PAGE_CACHE_SECONDS + STALE_SECONDS)
    return value, "miss"


def _renewal_key(key: str) -> str:
    return f"{key}:renewing"


def _claim_renewal(key: str, *, when_unreachable: bool) -> bool:
    claimed = safe(cache.add, _renewal_key(key), 1, RENEWAL_LOCK_SECONDS)
    return when_unreachable if claimed is None else bool(claimed)


def _stored_by_another(key: str, current: list):
    """The value stored under the `current` generations by the request that holds the renewal lock, once it
    lets the lock go; None if it stored nothing usable (it failed, the value was not kept, or a later
    change bumped a generation) or took longer than `RENEWAL_WAIT_SECONDS`. Only the small lock is read
    while waiting."""
    deadline = time.monotonic() + RENEWAL_WAIT_SECONDS
    while time.monotonic() < deadline:
        sleep(RENEWAL_POLL_SECONDS)
        if safe(cache.get, _renewal_key(key)) is None:
            stored = safe(cache.get, key)
            if stored is not None and stored["generations"] == current:
                return stored["value"]
            return None
    return None


def invalidate(*names: str) -> None:
    """Bumps these generations now and again once the current transaction commits.

    The bump after the commit is the one that matters: a reader who loaded the old rows before the commit
    stored its page under the generation it read first, which nobody asks for after the bump. The bump now
    makes the change visible at once to code that reads inside the same transaction (tests, the shell)."""

    def bump():
        value = time.time_ns()
        safe(cache.set_many, {generation_key(name): value for name in names}, None)

    bump()
    transaction.on_commit(bump)


def invalidate_on_change(
    model,
    *,
    generation: Callable[[object], str | Iterable[str]] | None = None,
    fields: Iterable[str] | None = None,
    shown: Callable[[object, frozenset | None, bool], bool] | None = None,
) -> None:
    """Apps call this when they start, for each model whose rows appear on cached pages: a save or delete of
    a row bumps `generation(row)` (one name or several; `site` when not given). With `fields`, a save bumps
    only when it may have changed one of them (a save without `update_fields` may have). With `shown`, only
    when `shown(row, update_fields, created)` says the row is or was on a page that is shared (a deletion
    passes None and False).

    A bump renews every page of its generation, and each reader of a page arriving while it renders renders
    it too: rows nobody but their author or staff can see (a draft being written, an account just opened)
    must not bump `site`: in a busy intake they would renew every page several times a second
    (docs/BENCHMARKS.md)."""
    watched = frozenset(fields) if fields is not None else None

    def changed(sender, instance, update_fields=None, created=False, **kwargs):
        if watched is not None and update_fields is not None and not watched.intersection(update_fields):
            return
        if shown is not None and not shown(instance, update_fields, created):
            return
        names = generation(instance) if generation else "site"
        names = [names] if isinstance(names, str) else list(names)
        if kwargs.get("signal") is post_delete and "site" not in names:
            # The rows that pointed at a deleted one lose the link by an UPDATE that sends no signal.
            names.append("site")
        invalidate(*names)

    uid = f"page-cache-{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}-delete")


def invalidate_on_m2m_change(
    through,
    *,
    shown: Callable[[object, frozenset | None, bool], bool] | None = None,
    generation: Callable[[object, bool, Iterable | None], Iterable[str]] | None = None,
) -> None:
    """Like `invalidate_on_change`, for a many-to-many relation shown on cached pages. `shown` is asked
    about the row on the relation's own side (`instance` when the change was made from that side);
    `generation(instance, reverse, pk_set)` names what to bump (`site` when not given)."""

    def changed(sender, instance, reverse, pk_set=None, **kwargs):
        if shown is not None and not reverse and not shown(instance, None, False):
            return
        invalidate(*(generation(instance, reverse, pk_set) if generation else ("site",)))

    m2m_changed.connect(changed, sender=through, weak=False, dispatch_uid=f"page-cache-{through._meta.label}")


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return False
    if request.user.is_authenticated:
        return False
    # A flash message waiting for this visitor (cookie storage) makes the page theirs alone.
    return "messages" not in request.COOKIES


def _cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # The page carries a CSRF token, which is tied to this visitor's cookie (Django sets it after the view).
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    if "no-store" in response.get("Cache-Control", "") or "private" in response.get("Cache-Control", ""):
        return False
    storage = getattr(request, "_messages", None)
    return not (storage is not None and (storage._queued_messages or getattr(storage, "used", False)))


def _page_key(request) -> str:
    variant = "htmx" if wants_fragment(request) else "page"
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"{PREFIX}:{request.LANGUAGE_CODE}:{variant}:{request.method}:{address}"


def current_generations(names: Iterable[str]) -> list | None:
    """The values of these generations now, in one round trip; None when the cache does not answer. What a
    process keeps beside the stored pages (a proposal's facts) is valid while they are unchanged."""
    keys = [generation_key(name) for name in names]
    found = safe(cache.get_many, keys)
    if found is None:
        return None
    return [found.get(key, 0) for key in keys]


def generation_key(name: str) -> str:
    return f"{PREFIX}:generation:{name}"


def _stored_from(response: HttpResponse) -> dict:
    headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
    return {"content": response.content, "headers": headers}


def _response_from(stored: dict, state: str) -> HttpResponse:
    response = HttpResponse(stored["content"])
    for name, value in stored["headers"].items():
        response[name] = value
    response["X-Page-Cache"] = state
    return response


def safe(operation, *args):
    """The cache is an accelerator: when it fails, the page is rendered from the database instead."""
    try:
        return operation(*args)
    except Exception as error:  # noqa: BLE001 - any cache failure degrades to no caching
        logger.warning("page cache unavailable: %s", type(error).__name__)
        return None
