import logging
import smtplib

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=8,
)
def send_email_message(self, payload: dict) -> None:
    """Delivers one rendered message. Retries with backoff while the mail server is unreachable."""
    from .email import email_from_payload

    email_from_payload(payload).send()
    logger.info("email sent", extra={"subject": payload["subject"], "recipients": len(payload["to"])})


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=8,
)
def send_immediate_notifications(self, user_ids: list[int]) -> int:
    from .services import immediate_send

    return immediate_send(user_ids=user_ids)


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=8,
)
def send_digest_batch(self, frequency: str) -> int:
    """Sends one batch and queues the next while deliveries remain: workers share the fan-out."""
    from .services import digest_has_unsent, digest_send_batch

    sent = digest_send_batch(frequency=frequency)
    if sent and digest_has_unsent(frequency):
        send_digest_batch.delay(frequency)
    return sent


@shared_task
def resume_digests(fan_out: int = 2) -> int:
    """Beat sweep: restarts the batch chains while deliveries are pending. A worker killed mid-run takes its
    chains with it (their next link was never queued); this picks the rest up, and SKIP LOCKED keeps two
    chains off the same person."""
    from .services import digest_frequencies_pending

    started = 0
    for frequency in digest_frequencies_pending():
        for _chain in range(fan_out):
            send_digest_batch.delay(frequency)
            started += 1
    return started


@shared_task
def plan_digests(frequency: str, fan_out: int = 4) -> int:
    """Beat entry point: create the period's delivery rows, then start `fan_out` parallel batch chains."""
    from .services import digest_plan

    planned = digest_plan(frequency=frequency)
    for _chain in range(fan_out):
        send_digest_batch.delay(frequency)
    return planned
