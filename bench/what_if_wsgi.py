"""What-if server for the signed-in pages: the portal with the reader's session and standing read from the
process's memory after their first request, to bound what fewer round trips per request could give.

    WHAT_IF=standing|session-and-standing PYTHONPATH=. python -m granian --interface wsgi \
        bench.what_if_wsgi:application --workers 2 --blocking-threads 4 --host 127.0.0.1 --port 8766

Never for serving people: a memoised standing is not renewed when a role, a block or the unread count
changes. docs/BENCHMARKS.md ("Fourteenth session") gives the command that compares it with the portal as is.
"""

import copy
import os

from portal.wsgi import application  # noqa: F401 (served by granian; also sets Django up for the imports below)

# isort: split
# The modules patched below read the models: they are imported once Django is set up.
from django.contrib.sessions.backends import cached_db

from portal.accounts import backends

WHAT_IF = os.environ.get("WHAT_IF", "")
_read_standing = backends.viewer_state
_read_session = cached_db.SessionStore.load
_standings: dict = {}
_sessions: dict = {}


def _remembered_standing(user_id):
    if user_id not in _standings:
        _standings[user_id] = _read_standing(user_id)
    return copy.copy(_standings[user_id])


def _remembered_session(store):
    if store.session_key not in _sessions:
        _sessions[store.session_key] = _read_session(store)
    return dict(_sessions[store.session_key])


if WHAT_IF in ("standing", "session-and-standing"):
    backends.viewer_state = _remembered_standing
if WHAT_IF == "session-and-standing":
    cached_db.SessionStore.load = _remembered_session
