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
