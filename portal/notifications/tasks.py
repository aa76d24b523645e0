import logging
import smtplib

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from . import services
from .email import email_deliver

logger = logging.getLogger(__name__)

# What a mail server or the network answers when it may work a little later: the task is retried.
TEMPORARY_FAILURES = (smtplib.SMTPException, ConnectionError, TimeoutError)


def _retry_later(task, error: Exception):
    """Retries with exponential backoff and full jitter: up to EMAIL_RETRY_BACKOFF_SECONDS the first time,
    doubling each time up to 15 minutes, so a mail server that comes back is not met by every retry at once.

    Read at run time (Celery's `retry_backoff` is fixed at import), so a drill can compress the clock.
    """
    factor, retries = settings.EMAIL_RETRY_BACKOFF_SECONDS, task.request.retries
    countdown = get_exponential_backoff_interval(factor, retries, maximum=900, full_jitter=True)
    return task.retry(exc=error, countdown=countdown)


@shared_task(bind=True, max_retries=8)
def send_email_message(self, payload: dict) -> None:
    """Delivers one rendered message. Retries with backoff while the mail server is unreachable."""
    try:
        sent = email_deliver(payload)
    except TEMPORARY_FAILURES as error:
        raise _retry_later(self, error)
    if sent:
        logger.info("email sent", extra={"subject": payload["subject"], "recipients": len(payload["to"])})


@shared_task(bind=True, max_retries=8)
def send_immediate_notifications(self, user_ids: list[int]) -> int:
    try:
        return services.immediate_send(user_ids=user_ids)
    except TEMPORARY_FAILURES as error:
        raise _retry_later(self, error)


@shared_task(bind=True, max_retries=8)
def send_digest_batch(self, frequency: str) -> int:
    """Sends one batch and queues the next while deliveries remain: workers share the fan-out."""
    try:
        sent = services.digest_send_batch(frequency=frequency)
    except TEMPORARY_FAILURES as error:
        raise _retry_later(self, error)
    if sent and services.digest_has_unsent(frequency):
        send_digest_batch.delay(frequency)
    return sent


@shared_task
def resume_digests(fan_out: int = 2) -> int:
    """Beat sweep: restarts the batch chains while deliveries are pending. A worker killed mid-run takes its
    chains with it (their next link was never queued); this picks the rest up, and SKIP LOCKED keeps two
    chains off the same person."""
    started = 0
    for frequency in services.digest_frequencies_pending():
        for _chain in range(fan_out):
            send_digest_batch.delay(frequency)
            started += 1
    return started


@shared_task
def plan_digests(frequency: str, fan_out: int = 4) -> int:
    """Beat entry point: create the period's delivery rows, then start `fan_out` parallel batch chains."""
    planned = services.digest_plan(frequency=frequency)
    for _chain in range(fan_out):
        send_digest_batch.delay(frequency)
    return planned
