"""Reads of anonymous people from a PostgreSQL streaming replica; everything else from the primary.

On publication day most requests are anonymous people reading the same pages, and one database server is
the first thing national traffic outgrows. PostgreSQL's own streaming replication keeps a read-only copy a
fraction of a second behind; this module decides, per request, which of the two a read goes to:

- `ReplicaReadMiddleware` marks a request as an *anonymous read* (GET or HEAD, no session cookie, no
  `Authorization` header, not a staff path, not stamped as a recent writer) in a context variable; only
  such a request's reads may go to the replica. Writes, staff pages and signed-in people use the primary.
- Read-your-writes: any request that may write (POST, PUT, PATCH, DELETE) gets a short-lived cookie, and for
  `DATABASE_READ_YOUR_WRITES_SECONDS` that browser reads from the primary, so someone who just unsubscribed or
  signed out sees the result of it even on a lagging replica.
- `PrimaryReplicaRouter` sends a marked request's reads to the `replica` alias while it is healthy: it
  answers and replays less than `DATABASE_REPLICA_MAX_LAG_SECONDS` behind. Each process looks at most every
  `DATABASE_REPLICA_CHECK_SECONDS`; between looks it trusts the last one.
- A replica that fails in the middle of a request (stopped, restarted, connection cut) is marked down and the
  request is answered again from the primary: the reader sees no error, the next requests skip the replica
  until a later look finds it healthy again. Re-running is safe because only reads were routed there.

Reads inside a transaction on the primary (`select_for_update`, a service's re-read) stay on the primary.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
RECENT_WRITER_COOKIE = "portal_primary"
SAFE_METHODS = ("GET", "HEAD")
ROUTER = "portal.core.db_routing.PrimaryReplicaRouter"
# How long replay gets to reach what the replica had received before it counts as stuck.
REPLAY_RECHECK_SECONDS = 0.2
LOOK_WAIT_SECONDS = 0.5

_anonymous_read: contextvars.ContextVar[bool] = contextvars.ContextVar("anonymous_read", default=False)
_replica_used: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_used", default=False)


class _ReplicaHealth:
    """This process's last look at the replica: usable or not, and until when that answer stands."""

    def __init__(self):
        self._lock = threading.Lock()
        self._usable = False
        self._until = 0.0

    def usable(self) -> bool:
        if time.monotonic() < self._until:
            return self._usable
        # One thread looks; the others of the process wait for its answer (milliseconds) rather than act on
        # an old one: a replica that was down a moment ago may be back. A look that hangs (a replica host
        # that drops packets, up to the connect timeout) sends them to the primary after half a second.
        if not self._lock.acquire(timeout=LOOK_WAIT_SECONDS):
            return False
        try:
            if time.monotonic() < self._until:
                return self._usable
            usable = _replica_is_healthy()
            if usable != self._usable:
                logger.info("replica %s", "in use for anonymous reads" if usable else "skipped")
            self._remember(usable)
            return usable
        finally:
            self._lock.release()

    def mark_down(self) -> None:
        with self._lock:
            self._remember(False)

    def forget(self) -> None:
        with self._lock:
            self._until = 0.0

    def _remember(self, usable: bool) -> None:
        self._usable = usable
        self._until = time.monotonic() + settings.DATABASE_REPLICA_CHECK_SECONDS


health = _ReplicaHealth()


def replica_lag_seconds() -> float:
    """Seconds the replica's data is behind the primary's.

    0 when it has replayed everything it streamed, and for a server that is not in recovery at all (a
    primary named as its own replica). Otherwise the age of the last transaction it replayed, but only if
    replay is really stuck behind: right after an idle primary commits again, the replica has received WAL
    it has not yet replayed, and that age is the length of the idle spell, not a lag. So replay is watched
    for a moment: if it reaches what was received, or moves at all, it is keeping up.
    """
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), pg_last_wal_receive_lsn()::text,"
            " pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(),"
            " COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)"
        )
        in_recovery, received, replayed_all, age = cursor.fetchone()
        if not in_recovery or replayed_all:
            return 0.0
        if received is None:  # not streaming (just started, or cut off): as fresh as its last replay
            return float(age)
        if age <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS:
            return float(age)
        cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
        (replayed,) = cursor.fetchone()
        cursor.execute(
            "SELECT pg_sleep(%s),"
            " pg_last_wal_replay_lsn() >= %s::pg_lsn OR pg_last_wal_replay_lsn() > %s::pg_lsn",
            [REPLAY_RECHECK_SECONDS, received, replayed],
        )
        keeping_up = cursor.fetchone()[1]
        return 0.0 if keeping_up else float(age)


def _replica_is_healthy() -> bool:
    try:
        lag = replica_lag_seconds()
    except (OperationalError, InterfaceError) as error:
        logger.warning("replica unavailable, reading from the primary: %s", error)
        _close_replica()
        return False
    if lag > settings.DATABASE_REPLICA_MAX_LAG_SECONDS:
        logger.warning("replica %.1f s behind, reading from the primary", lag)
        return False
    return True


def _close_replica() -> None:
    # The connection may be gone already; Django opens a new one on next use.
    with contextlib.suppress(OperationalError, InterfaceError):
        connections[REPLICA].close()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and ROUTER in settings.DATABASE_ROUTERS


class PrimaryReplicaRouter:
    """Reads of a request marked as an anonymous read go to a healthy replica; everything else to the
    primary. Both aliases hold the same data, so relations between their objects are allowed; migrations
    run on the primary only (the replica replays them)."""

    def db_for_read(self, model, **hints):
        if not _anonymous_read.get() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if not health.usable():
            return PRIMARY
        _replica_used.set(True)
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def _is_anonymous_read(request) -> bool:
    if request.method not in SAFE_METHODS:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return False
    stamp = request.COOKIES.get(RECENT_WRITER_COOKIE, "")
    if stamp.isdigit() and int(stamp) > time.time():
        return False
    path = request.path_info
    return not any(staff in path for staff in settings.PORTAL_STAFF_PATHS)


class ReplicaReadMiddleware:
    """Marks anonymous reads for the router, answers them again from the primary when the replica fails
    mid-request, and stamps writers with the read-your-writes cookie.

    In MIDDLEWARE after DatabaseUnavailableMiddleware: its `process_exception` runs first and only notes
    the failure; the 503 that follows is replaced here by the primary's answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        configured = replica_configured()
        anonymous_read = configured and _is_anonymous_read(request)
        marked = _anonymous_read.set(anonymous_read)
        used = _replica_used.set(False)
        try:
            response = self.get_response(request)
            if getattr(request, "_replica_failed", False):
                _anonymous_read.set(False)
                response = self.get_response(request)
        finally:
            _anonymous_read.reset(marked)
            _replica_used.reset(used)
        if configured and request.method not in SAFE_METHODS:
            seconds = settings.DATABASE_READ_YOUR_WRITES_SECONDS
            response.set_cookie(
                RECENT_WRITER_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        if _replica_used.get() and isinstance(exception, OperationalError | InterfaceError):
            logger.warning(
                "replica failed during %s %s; answering from the primary", request.method, request.path
            )
            health.mark_down()
            _close_replica()
            request._replica_failed = True
        return None
