"""A month with the portal's notifications: what a person switched off, switched on again, and opens."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal.notifications import services
from portal.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _comment(user, title):
    services.notify(
        recipients=[user],
        category="comments",
        kind="comment.new",
        params={"author": "Timur", "title": title},
        url="/kk/proposals/1/",
    )


@pytest.mark.parametrize("frequency", ["immediate", "daily"])
def test_news_raised_while_a_category_was_off_is_not_mailed_when_it_is_switched_on(
    citizen, frequency, django_capture_on_commit_callbacks
):
    """Switching comments back on must not mail the month of comments the person had asked not to get."""
    services.preference_set(user=citizen, category="comments", frequency="off")
    for day in range(3):
        _comment(citizen, f"While off {day}")
    Notification.objects.update(created_at=timezone.now() - timedelta(days=20))
    services.preference_set(user=citizen, category="comments", frequency=frequency)
    with django_capture_on_commit_callbacks(execute=True):
        _comment(citizen, "Switched on")
    Notification.objects.filter(emailed_at__isnull=True).update(created_at=timezone.now() - timedelta(days=1))
    call_command("send_digests", frequency="daily")
    (message,) = mail.outbox
    assert "Switched on" in message.subject + message.body
    assert "While off" not in message.subject + message.body
    # Still in the centre: switching email off never hid anything from the site.
    assert Notification.objects.filter(recipient=citizen).count() == 4


def test_switching_between_digests_keeps_what_waits_for_one(citizen):
    """From a daily to a weekly digest: what waited for the daily one goes in the weekly one."""
    _comment(citizen, "Waiting")
    services.preference_set(user=citizen, category="comments", frequency="weekly")
    Notification.objects.update(created_at=timezone.now() - timedelta(days=8))
    call_command("send_digests", frequency="weekly")
    (message,) = mail.outbox
    assert "Waiting" in message.body
