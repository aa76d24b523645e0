from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from .idempotency import idempotency_purge_expired

HEARTBEAT_KEY = "portal:worker-heartbeat"


@shared_task
def record_worker_heartbeat() -> str:
    """Beat runs this every minute; operators see in the cache when a worker last ran a task."""
    stamp = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, stamp, timeout=None)
    return stamp


@shared_task
def purge_idempotency_records() -> int:
    """Hourly: answers kept for Idempotency-Key retries are forgotten after their 24 hours."""
    return idempotency_purge_expired()
