"""A signed-in reader's standing kept in the web process between their requests.

Every signed-in page reads the person's standing (`backends.viewer_state`: the account, roles, a block, a
verification, the unread count): one PostgreSQL query per request, the most frequent statement the database
runs on publication day. A reader who reads page after page has the same standing each time. So a web process
keeps the standing it read, with the person's generation token (`portal.core.reader_generations`) read just
before it, and gives it out again while the token is unchanged. The token comes in the same Redis round trip
as the session (`portal.accounts.sessions.SessionStore`), so a remembered standing costs no round trip.

Kept only where a stale answer could not grant anything:
- for reading requests (GET, HEAD); a request that changes something reads the person from the database;
- for people with no role, no staff or superuser flag and no block in force: a staff session is checked
  against the database at every request, and a blocked person's block ends by the clock, not by a write;
- for `MEMORY_SECONDS` at most, in case a change reached the database without a new token (a Redis outage).

A standing that may be kept carries its token (`user.reader_generation`): other facts about the person that a
web process keeps (the proposals they support, follow…: proposals/selectors/reader_facts.py) are valid
under the same token. A user without one (staff, a writing request) is read afresh for everything.
"""

from __future__ import annotations

import copy
from contextvars import ContextVar
from dataclasses import dataclass

from portal.core.reader_generations import KeptPerReader, new_reader_generation

# Bounds how long a change written while Redis was unreachable (and so without a new token) can go unseen.
MEMORY_SECONDS = 120
# People per web process; a few kilobytes each.
MEMORY_SIZE = 10_000


@dataclass(frozen=True)
class _Fetched:
    """The generation token of the session's owner, read with the session for a reading request."""

    user_id: str
    token: object


# Set by the session store as it loads a session, read once by the authentication backend right after (in
# the same thread: `django.contrib.auth.get_user` reads the session, then asks the backend for the user).
_fetched: ContextVar[_Fetched | None] = ContextVar("portal_fetched_reader_generation", default=None)


def note_generation(user_id, token) -> None:
    """What the session store read for this request: the owner's token (None: there is none yet)."""
    _fetched.set(_Fetched(str(user_id), token))


def forget_noted() -> None:
    """The session store loads a session that gives no token (a writing request, a first visit)."""
    _fetched.set(None)


_memory = KeptPerReader(MEMORY_SIZE)


def remembered_or_read(user_id, read):
    """The person's standing: the one kept for them while their token is unchanged, else `read(user_id)`
    (kept for next time when it may be). Each request gets its own copy: views mark the user they get."""
    fetched = _fetched.get()
    _fetched.set(None)
    if fetched is None or fetched.user_id != str(user_id):
        return read(user_id)
    token = fetched.token
    if token is not None:
        kept = _memory.current(fetched.user_id, token, max_age=MEMORY_SECONDS)
        if kept is not None:
            return copy.copy(kept)
    else:
        # The token is written before the person is read: a change committed after the read writes a newer
        # one, and the standing kept here is not given out again.
        token = new_reader_generation(user_id)
    user = read(user_id)
    if token is not None and _may_keep(user):
        # What else a web process keeps about this person is valid under the same token.
        user.reader_generation = token
        _memory.keep(fetched.user_id, token, copy.copy(user))
    return user


def _may_keep(user) -> bool:
    return (
        user is not None
        and user.is_active
        and not user.is_staff
        and not user.is_superuser
        and not user._portal_roles
        and not user._portal_blocked
    )


def forget_all() -> None:
    """Drops every kept standing (tests: a rolled-back database gives the next person an earlier one's id)."""
    _memory.clear()
    _fetched.set(None)
