"""Reads of a person's notifications."""

from .models import UNREAD_COUNTED_UP_TO, Notification


def unread_count(user) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    return unread[:UNREAD_COUNTED_UP_TO].count()  # as far as the bell counts
