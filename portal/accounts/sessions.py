"""The session store: Django's cached sessions (the shared cache in front of the database), which for a
reading request also fetch the session owner's generation token in the same round trip (`standing_memory`).

The owner of a session key does not change (signing in and out gives a new key), so a web process that has
loaded a session once knows whose it is and asks for the session and the owner's token with one MGET.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db

from portal.core.lru import ProcessLRU
from portal.core.reader_generations import reader_generation_key

from . import standing_memory

# Session keys per web process whose owner is known; a few hundred bytes each.
OWNERS_SIZE = 20_000


_owners = ProcessLRU(OWNERS_SIZE)


class SessionStore(cached_db.SessionStore):
    # Set by the session middleware: True for GET and HEAD, whose answers may use a remembered standing.
    reading_request = False

    def load(self):
        standing_memory.forget_noted()
        owner = _owners.get(self.session_key) if self.session_key and self.reading_request else None
        if owner is None:
            data = super().load()
        else:
            generation_key = reader_generation_key(owner)
            found = self._cache.get_many([self.cache_key, generation_key])
            data = found.get(self.cache_key)
            if data is None:  # not in the cache (evicted, Redis restarted): from the database, as Django does
                data = super().load()
            elif str(data.get(SESSION_KEY)) == owner:
                standing_memory.note_generation(owner, found.get(generation_key))
        if self.session_key and data.get(SESSION_KEY) is not None:
            _owners.put(self.session_key, str(data[SESSION_KEY]))
        return data


def forget_owners() -> None:
    """Tests: a rolled-back database can give a session key to another person."""
    _owners.clear()
