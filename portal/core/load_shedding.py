"""Load shedding: a request that already waited too long for a worker is answered 503 at once.

Under a surge, requests queue in front of the web processes (the kernel's listen backlog, the server's own
queue). A synchronous worker cannot tell how long a request waited there, so without help it renders every
page of the queue in arrival order, long after the people who asked have given up or reloaded: the queue
only grows, latency reaches the proxy's timeout for everyone, and the work is wasted. The cure known from
Heroku's router and Ruby's rack-timeout (`wait_timeout`) is to let the proxy stamp the time it received each
request and to refuse, cheaply and at once, any request whose wait exceeded a budget. The worker then spends
a millisecond on each stale request instead of a page's worth of time, the queue drains at that speed, and
the people behind it are served again within seconds; the ones refused get a clear "try again shortly" with
`Retry-After` instead of a timeout.

The stamp comes from the proxy in front of the web processes, e.g. nginx:

    proxy_set_header X-Request-Start "t=${msec}";

The header is trusted only as far as it can hurt: a client that forges an old stamp gets only its own
request refused, and a request without the header is never refused. Proxy and web hosts must share a clock
(NTP); a stamp from the future is ignored. Health probes are never refused, so that a load balancer does not
take every busy process out of rotation at once.

Settings: PORTAL_QUEUE_BUDGET_MS (0 turns shedding off), PORTAL_SHED_RETRY_AFTER_SECONDS,
PORTAL_REQUEST_START_HEADER.
"""

import logging
import time

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Probed by load balancers and orchestrators; refusing them under load would turn a slow site into a dead one.
NEVER_SHED = ("/livez", "/healthz")
MACHINE_READABLE = ("/api/", "/open-data/")


def request_start(value: str) -> float | None:
    """Seconds since the epoch from an X-Request-Start value, or None when it cannot be read.

    Accepts what common proxies send: `t=1700000000.123` (nginx `${msec}`), and integers in milliseconds or
    microseconds since the epoch (HAProxy, Heroku's router), told apart by their magnitude.
    """
    value = value.strip()
    if value.startswith("t="):
        value = value[2:]
    try:
        stamp = float(value)
    except ValueError:
        return None
    if stamp > 1e14:  # microseconds
        return stamp / 1e6
    if stamp > 1e11:  # milliseconds
        return stamp / 1e3
    return stamp if stamp > 0 else None


def queue_wait_ms(request, header: str) -> float | None:
    """How long the request waited between the proxy and this process, or None when unknown."""
    value = request.headers.get(header)
    if not value:
        return None
    start = request_start(value)
    if start is None:
        return None
    wait = (time.time() - start) * 1000
    return wait if wait >= 0 else None  # from the future: the clocks disagree, not a queue


def overloaded_response(request, *, retry_after: int) -> HttpResponse:
    """503 in the language the person reads the site in, with Retry-After; never stored by a cache."""
    language = translation.get_language_from_request(request, check_path=True)
    with translation.override(language):
        message = _(
            "The portal is very busy right now. Please try again in a minute; nothing you saved is lost."
        )
        if request.path.startswith(MACHINE_READABLE):
            response = JsonResponse({"detail": message}, status=503)
        else:
            html = render_to_string("overloaded.html", {"message": message, "LANGUAGE_CODE": language})
            response = HttpResponse(html, status=503)
    # Django would log every 5xx as an error; the middleware logs each refusal once, as a warning.
    response._has_been_logged = True
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response


class QueueTimeBudgetMiddleware:
    """Answers 503 + Retry-After to a request that waited longer than PORTAL_QUEUE_BUDGET_MS for a worker.

    In MIDDLEWARE right after the security headers, the static files and the CSP (all cheap, and the refusal
    should carry the headers), before anything that reads the session, the user or the database: a refused
    request costs one small page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        budget_ms = settings.PORTAL_QUEUE_BUDGET_MS
        if budget_ms > 0 and not request.path.startswith(NEVER_SHED):
            wait = queue_wait_ms(request, settings.PORTAL_REQUEST_START_HEADER)
            if wait is not None and wait > budget_ms:
                logger.warning(
                    "load shed: waited %.0f ms (budget %d ms)",
                    wait,
                    budget_ms,
                    extra={"path": request.path, "queue_wait_ms": round(wait)},
                )
                return overloaded_response(request, retry_after=settings.PORTAL_SHED_RETRY_AFTER_SECONDS)
        return self.get_response(request)
