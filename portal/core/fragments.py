"""What a signed-in page shares with every other reader, computed once and kept in the shared cache.

Signed-in pages cannot be cached whole (they carry the person's buttons, CSRF token and counts), but most of
each page is the same for everyone: the cards of a list, the filter form's choices, an article's text, a
comment thread. Those parts are kept here, under the same *generations* as the page cache
(`portal/core/page_cache.py`): a stored part is given out only while the generations it was computed under are
current, and for `PAGE_CACHE_SECONDS` at most, so it is exactly as fresh as an anonymous page.

The person's own state is never inside a shared part: views read it with one small query per page and
render it around the shared parts. A form inside a shared fragment gets the reader's CSRF token when the
fragment is given out (`csrf_placeholder`), never the token of the reader who rendered it first. If the cache
is unreachable, every part is computed as if nothing were stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings

from . import page_cache

PREFIX = "shared"


def csrf_placeholder() -> str:
    """Rendered in place of the CSRF token inside a shared fragment, replaced by each reader's own token.
    Derived from the secret key, so that no text a person writes can contain it."""
    return "csrf" + hashlib.sha256(f"shared-fragment:{settings.SECRET_KEY}".encode()).hexdigest()[:40]


def shared(name: str, *, vary: Iterable[Any] = (), tags: Iterable[str] = (), compute: Callable[[], Any]):
    """The value of `compute()` for this name and these `vary` parts, shared by every reader while the
    generations `site` and `tags` are unchanged (at most `PAGE_CACHE_SECONDS`)."""
    if not settings.PAGE_CACHE_SECONDS:
        return compute()
    address = hashlib.sha256(repr(tuple(vary)).encode()).hexdigest()[:32]
    value, _state = page_cache.kept(f"{PREFIX}:{name}:{address}", tags, compute)
    return value
