"""How the portal is served in production: `gunicorn portal.wsgi` reads this file from the project directory.

    DJANGO_SETTINGS_MODULE=portal.settings.production gunicorn portal.wsgi

Chosen by measurement on the project's 2-core machine (docs/BENCHMARKS.md, "Choosing the production
server"): synchronous workers, one request at a time each, as many as cores. Every page is Python- and
PostgreSQL-bound, so more workers or threads than cores only share the same cores and add database
connections; granian was not faster on real pages, and its default of hundreds of threads per worker opens a
PostgreSQL connection per thread. A synchronous worker also keeps the queue where the load shedding can see
it: waiting requests stay in the listen backlog until a worker takes one, finds it stale (X-Request-Start
from the proxy, portal/core/load_shedding.py) and answers 503 in a millisecond.

Every value can be changed through the environment without editing this file.
"""

import os

# The load balancer talks to this address; PORT as in `make run`.
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# One worker per core (WEB_CONCURRENCY is the conventional variable, which gunicorn also reads itself).
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
worker_class = "sync"
# Connections waiting for a worker; the load shedding refuses the stale ones quickly, so a deep backlog turns
# a surge into quick 503s rather than refused connections.
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))
# A worker silent for this long is killed and replaced; no page takes a tenth of it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
