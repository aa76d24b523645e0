"""GET /healthz: what a load balancer asks before sending traffic (see CONTRACT.md)."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.core.redis_probe import redis_answers

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
@require_GET
def healthz(request):
    body = {"database": check_database(), "broker": check_broker()}
    failing = [name for name, state in body.items() if state == "error"]
    body = {"status": "error" if failing else "ok", **body}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


@never_cache
@require_GET
def livez(request):
    """Liveness: the process answers, nothing else is checked. Also the trivial view of the benchmarks."""
    return JsonResponse({"status": "ok"})
