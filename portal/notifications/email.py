"""Queuing and delivering an email its sender has already rendered: queued after commit, delivered by a
Celery task unless the address is suppressed. Notification emails are rendered by `services.build_email`."""

import logging

from django.core.mail import EmailMessage, EmailMultiAlternatives

from portal.core.queue import enqueue_on_commit

from .services import address_is_suppressed, send_or_suppress

logger = logging.getLogger(__name__)


def email_to_payload(message: EmailMessage) -> dict:
    """A JSON-serialisable form of a message, for the task queue."""
    alternatives = [list(alt) for alt in getattr(message, "alternatives", [])]
    return {
        # A subject is one header line: a line break from any title in it would refuse the whole message.
        "subject": " ".join(str(message.subject).split()),
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


def email_queue(*, message: EmailMessage, language: str) -> None:
    """Queues the message for delivery once the current transaction commits (now, outside one).

    `language` is the one it is written in (RFC 3282 `Content-Language`): mail clients and screen readers pick
    the voice and the hyphenation from it, and Kazakh text read with Russian rules is hard to follow.
    Without a broker the message is sent in the request instead: a verification email must not be lost.
    """
    message.extra_headers.setdefault("Content-Language", language)
    enqueue_on_commit(
        "portal.notifications.tasks.send_email_message", email_to_payload(message), on_failure=_send_now
    )


def email_deliver(payload: dict) -> bool:
    """Delivers a queued message unless its address is on the suppression list, as notifications do: an
    address whose server refused mail for good (a registration, an invitation, a hearing's change) is not
    mailed again, and a new permanent refusal puts it there. Returns whether it was sent."""
    message = email_from_payload(payload)
    message.to = [address for address in message.to if not address_is_suppressed(address)]
    if not message.to:
        logger.info("email not sent: its address is on the suppression list")
        return False
    return send_or_suppress(message, message.to[0])


def _send_now(payload: dict) -> None:
    email_deliver(payload)
