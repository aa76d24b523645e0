"""`python manage.py serve`: the production web server, granian, configured in this one place.

    DJANGO_SETTINGS_MODULE=portal.settings.production python manage.py serve [--print]

Chosen by measurement on the project's 2-core machine (docs/BENCHMARKS.md, "Choosing the production
server"): granian served every page faster than gunicorn with as many sync processes, and as fast as the
best gunicorn variant of each page within the noise of a shared machine; the trivial view about twice as
fast (its HTTP handling is Rust). Its threads matter: a page spends part of
its time waiting for PostgreSQL, and a few threads per process let another request use the core meanwhile; but
granian's default for WSGI is hundreds of threads per process, each opening its own PostgreSQL connection
(Django keeps one per thread), and at 16 concurrent requests that exhausted PostgreSQL's 100 connections and
answered 500. So the thread count is set here, small and explicit.

Environment: WEB_CONCURRENCY (processes; default one per core), WEB_THREADS (threads per process, each with
its own database connection; default 4), HOST and PORT (default 127.0.0.1:8000: the proxy on the same machine
reaches it there, and nothing else on the network can, which matters because the portal believes the
`X-Forwarded-For` of any address in a private range; a container sets HOST=0.0.0.0), WEB_BACKLOG (connections
waiting to be accepted; default 2048), LOG_LEVEL. The command replaces itself with granian (exec), so signals
from the process manager reach granian directly.
"""

import os
import shlex
import sys

from django.core.management.base import BaseCommand


def granian_command() -> list[str]:
    """The granian command line for this environment."""
    environ = os.environ
    options = {
        "--workers": environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 2)),
        "--blocking-threads": environ.get("WEB_THREADS", "4"),
        "--host": environ.get("HOST", "127.0.0.1"),
        "--port": environ.get("PORT", "8000"),
        "--backlog": environ.get("WEB_BACKLOG", "2048"),
    }
    return [
        *(sys.executable, "-m", "granian", "--interface", "wsgi", "portal.wsgi:application"),
        *(word for option in options.items() for word in option),
        # A process that crashes is replaced rather than taking the whole server down with it.
        "--respawn-failed-workers",
        "--log-level",
        environ.get("LOG_LEVEL", "INFO").lower(),
    ]


class Command(BaseCommand):
    help = "Serves the portal in production with granian (see README, Production)."

    def add_arguments(self, parser):
        parser.add_argument("--print", action="store_true", help="print the command instead of running it")

    def handle(self, *args, **options):
        command = granian_command()
        if options["print"]:
            self.stdout.write(shlex.join(command))
            return
        os.execv(command[0], command)  # noqa: S606 (a fixed argument list, no shell)
