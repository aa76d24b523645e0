"""Django's PostgreSQL backend (settings' ENGINE for every PostgreSQL database), whose health check of a
persistent connection is skipped when the connection served a request without error a moment ago.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before a connection's first query of each request, to
replace a connection that the server or a proxy dropped while it sat idle. On a busy web process a
connection never sits idle, and the check is a round trip per request that finds nothing: a tenth of what a
signed-in page costs (docs/BENCHMARKS.md). A connection that served a request without error less than
`RECENT_SECONDS` ago is taken as alive; one idle for longer is checked as before. Should the server go away
within that second, the request's first query fails and answers 503 (DatabaseUnavailableMiddleware), as it
would had the server gone away just after a check, and Django closes the connection when the request ends.
"""

import time

from django.db.backends.postgresql import base

RECENT_SECONDS = 1.0

clock = time.monotonic


class DatabaseWrapper(base.DatabaseWrapper):
    served_at: float | None = None

    def close_if_unusable_or_obsolete(self):
        # Django calls this when a request starts and when it ends. At the end of a request in which the
        # connection ran statements, its health check is done (checked, skipped, or a new connection); with
        # no error since, the connection has just worked.
        if self.connection is not None and self.health_check_done and not self.errors_occurred:
            self.served_at = clock()
        super().close_if_unusable_or_obsolete()

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and not self.health_check_done
            and self.served_at is not None
            and clock() - self.served_at < RECENT_SECONDS
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def connect(self):
        self.served_at = None
        super().connect()
