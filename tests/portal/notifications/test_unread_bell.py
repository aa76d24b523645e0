"""The bell counts unread notifications up to a hundred and says "99+" beyond: every signed-in page counts them,
and a person with thousands unread made every page count thousands of rows."""

import pytest
from django.test import Client

from portal.notifications.models import UNREAD_COUNTED_UP_TO, Notification
from portal.notifications.selectors import unread_count

pytestmark = pytest.mark.django_db


def _unread(person, count):
    Notification.objects.bulk_create(
        Notification(recipient=person, category="proposals", kind="proposal_status", params={})
        for _ in range(count)
    )


def _bell(person) -> str:
    client = Client()
    client.force_login(person)
    page = client.get("/en/proposals/").content.decode()
    start = page.index('<span class="badge badge-count">') + len('<span class="badge badge-count">')
    return page[start : page.index("<span", start)]


def test_the_bell_shows_the_count_up_to_99_and_99_plus_beyond(citizen, other_citizen):
    _unread(citizen, 99)
    _unread(other_citizen, 250)
    assert _bell(citizen) == "99"
    assert _bell(other_citizen) == "99+"
    assert unread_count(other_citizen) == UNREAD_COUNTED_UP_TO
    # The centre still lists every one of them.
    assert Notification.objects.filter(recipient=other_citizen, read_at__isnull=True).count() == 250
