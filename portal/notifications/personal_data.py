"""A person's notifications in their data archive, their erasure and their retention."""

from datetime import timedelta

from django.conf import settings

from portal.core.exports import at, rows_export
from portal.core.reader_generations import readers_changed

from .models import DigestDelivery, Notification, Preference, SuppressedAddress

notifications_of = rows_export(
    lambda user: Notification.objects.filter(recipient=user),
    {
        "kind": "kind",
        "category": "category",
        "params": "params",
        "created_at": at("created_at"),
        "read_at": at("read_at"),
    },
)


def notifications_erase(user) -> None:
    """Runs after the account row is anonymised. The original address is not kept anywhere, not even in the
    suppression list (it would be personal data); the placeholder is suppressed so that no code path mails
    the erased account again."""
    Notification.objects.filter(recipient=user).delete()
    DigestDelivery.objects.filter(user=user).delete()
    Preference.objects.filter(user=user).delete()
    SuppressedAddress.objects.get_or_create(email=user.email, defaults={"reason": "account erased"})


def notifications_purge(now) -> dict[str, int]:
    cutoff = now - timedelta(days=settings.PRIVACY_NOTIFICATION_RETENTION_DAYS)
    expired = Notification.objects.filter(created_at__lt=cutoff)
    # Their unread count, which each page shows, falls.
    readers_changed(expired.filter(read_at__isnull=True).values_list("recipient_id", flat=True).distinct())
    return {"notifications": expired.delete()[0]}
