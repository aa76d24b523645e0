"""Per-person generations: a token in the shared cache that changes whenever something a signed-in page shows
about the person changes (their roles, a block, a verification, their unread notifications, their account).

A web process may keep what it read about a person between their requests and give it out again only while
the person's token is the one it read with it; apps that change such a fact call `readers_changed` with the
people concerned. The token is the time of the change in nanoseconds, written again once the transaction
commits (a reader who read the old rows before the commit kept them under the older token, which is then no
longer current). A missing token (expired after a day, evicted, Redis restarted) is current for nobody: the
first reader writes a new one with `cache.add` and reads the person afresh.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from .lru import ProcessLRU

PREFIX = "reader-generation:"
# A person who has not been seen for a day needs no token: the next reader writes a new one.
TOKEN_SECONDS = 24 * 3600


def reader_generation_key(user_id) -> str:
    return f"{PREFIX}{user_id}"


def readers_changed(user_ids: Iterable) -> None:
    """New tokens for these people now and, inside a transaction, again once it commits."""
    keys = [reader_generation_key(user_id) for user_id in {str(user_id) for user_id in user_ids}]
    if not keys:
        return

    def bump():
        token = time.time_ns()
        cache.set_many(dict.fromkeys(keys, token), TOKEN_SECONDS)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)


def new_reader_generation(user_id):
    """A token for a person who has none in the cache, or None when another process wrote one meanwhile
    (then that one is current and the caller does not know it)."""
    token = time.time_ns()
    return token if cache.add(reader_generation_key(user_id), token, TOKEN_SECONDS) else None


@dataclass(frozen=True)
class _KeptUnder:
    token: object
    kept_at: float
    value: object


class KeptPerReader:
    """What a web process keeps about each person, given out again only while their token is the one it was
    kept under, and for `max_age` seconds at most: a change written while Redis was unreachable renewed no
    token. Bounded: the last `size` people, shared by the threads of the process."""

    def __init__(self, size: int):
        self._memory = ProcessLRU(size)

    def current(self, key, token, *, max_age: float):
        """What is kept under `token`, or None."""
        kept = self._memory.get(key)
        if kept is not None and kept.token == token and time.monotonic() - kept.kept_at <= max_age:
            return kept.value
        return None

    def keep(self, key, token, value) -> None:
        self._memory.put(key, _KeptUnder(token, time.monotonic(), value))

    def clear(self) -> None:
        self._memory.clear()
