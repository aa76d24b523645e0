"""Sending email: rendered in the request's process, delivered by a Celery task after commit."""

from django.core.mail import EmailMessage, EmailMultiAlternatives

from .tasks import send_email_message


def email_to_payload(message: EmailMessage) -> dict:
    """A JSON-serialisable form of a message, for the task queue."""
    alternatives = [list(alt) for alt in getattr(message, "alternatives", [])]
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
        "alternatives": alternatives,
    }


def email_from_payload(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        headers=payload.get("headers") or {},
    )
    for content, mimetype in payload.get("alternatives") or []:
        message.attach_alternative(content, mimetype)
    return message


def email_queue(*, message: EmailMessage) -> None:
    """Queues the message for delivery once the current transaction commits (now, outside one).

    Without a broker the message is sent in the request instead: a verification email must not be lost.
    """
    from portal.core.queue import enqueue_on_commit

    enqueue_on_commit(send_email_message, email_to_payload(message), on_failure=_send_now)


def _send_now(payload: dict) -> None:
    email_from_payload(payload).send()
