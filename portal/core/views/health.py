"""GET /healthz: what a load balancer asks before sending traffic (see CONTRACT.md)."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.core.redis_probe import redis_answers
from portal.core.tasks import HEARTBEAT_KEY

# Beat has a worker stamp the heartbeat every minute: three missed minutes mean no worker runs beat's jobs.
WORKERS_STALE_AFTER = timedelta(minutes=3)

logger = logging.getLogger(__name__)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "not ready", whatever the driver raises
        logger.warning("health: database unreachable: %s", type(error).__name__)
        return "error"
    return "ok"


def check_broker() -> str:
    if not settings.REDIS_URL:
        return "disabled"
    if not redis_answers(settings.REDIS_URL):
        logger.warning("health: broker unreachable")
        return "error"
    return "ok"


@never_cache
@require_safe
def healthz(request):
    body = {"database": check_database(), "broker": check_broker()}
    failing = [name for name, state in body.items() if state == "error"]
    body = {"status": "error" if failing else "ok", **body}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


def check_workers() -> tuple[str, str | None]:
    """`ok` when a worker ran beat's heartbeat lately, `stale` when none did (or none ever did since the cache
    was emptied), `disabled` without a broker (tasks run in the web process); with the last stamp seen."""
    if not settings.REDIS_URL:
        return "disabled", None
    try:
        stamp = cache.get(HEARTBEAT_KEY)
    except Exception as error:  # the cache's own failure, whatever its client raises
        logger.warning("health: worker heartbeat unreadable: %s", type(error).__name__)
        return "error", None
    if stamp is None:
        return "stale", None
    fresh = timezone.now() - datetime.fromisoformat(stamp) <= WORKERS_STALE_AFTER
    return ("ok" if fresh else "stale"), stamp


@never_cache
@require_safe
def healthz_workers(request):
    """For a monitor, not a load balancer: when no worker runs, proposals wait unscreened, emails unsent and
    counters unfolded, which operators must hear of; the web machines still serve and stay in rotation."""
    state, last_seen = check_workers()
    healthy = state in ("ok", "disabled")
    body = {"status": "ok" if healthy else "error", "workers": state, "last_seen": last_seen}
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_safe
def livez(request):
    """Liveness: the process answers, nothing else is checked. Also the trivial view of the benchmarks."""
    return JsonResponse({"status": "ok"})
