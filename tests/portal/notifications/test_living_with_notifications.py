"""A month with the portal's notifications: what a person switched off, switched on again, and opens."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal.notifications import services
from portal.notifications.messages import link_in
from portal.notifications.models import Notification
from tests.factories import UserFactory

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


@pytest.mark.parametrize(
    ("language", "more"),
    [("ru", "Ещё 25 уведомлений — на сайте"), ("kk", "Тағы 25 хабарламаны сайттан қараңыз")],
)
def test_a_digest_of_a_busy_day_lists_the_newest_and_counts_the_rest(citizen, language, more):
    """Two thousand comments on a popular proposal made a digest of nearly a megabyte: mail clients cut such a
    message short (or refuse it). The email lists the newest of each category and links to the centre."""
    citizen.preferred_language = language
    citizen.save()
    Notification.objects.bulk_create(
        Notification(
            recipient=citizen,
            category="comments",
            kind="comment.new",
            params={"author": "Timur", "title": f"Item {n:02d}"},
            url="/kk/proposals/1/",
            created_at=timezone.now(),
        )
        for n in range(45)
    )
    for n, notification in enumerate(Notification.objects.order_by("pk")):
        Notification.objects.filter(pk=notification.pk).update(
            created_at=timezone.now() - timedelta(hours=30) + timedelta(minutes=n)
        )
    call_command("send_digests", frequency="daily")
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    centre = f"{settings.SITE_URL}/{language}/notifications/"
    for part in (message.body, html):
        assert "Item 24" not in part and "Item 25" in part and "Item 44" in part
        assert more in part
    assert f"{more} {centre}\n" in message.body
    assert f'<a href="{centre}" style="color:#00587a;">{more}</a>' in html
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("language", "written", "zone"),
    [
        ("kk", "3 желтоқсан 2026 ж., 09:05 — ", "Уақыт Алматы уақытымен көрсетілген."),
        ("ru", "3 декабря 2026 г., 09:05 — ", "Время указано по Алматы."),
        ("en", "3 December 2026, 09:05 — ", "Times are Almaty time."),
    ],
)
def test_a_weekly_digest_says_when_each_thing_happened_in_the_readers_language(language, written, zone):
    """A week of news without a date read as if it all happened the day the digest came."""
    person = UserFactory(preferred_language=language)
    services.preference_set(user=person, category="comments", frequency="weekly")
    _comment(person, "Mid-week")
    thursday = datetime(2026, 12, 3, 9, 5, tzinfo=ZoneInfo("Asia/Almaty"))
    Notification.objects.update(created_at=thursday)
    services.digest_plan(frequency="weekly", now=datetime(2026, 12, 7, 1, tzinfo=ZoneInfo("Asia/Almaty")))
    services.digest_send_batch(frequency="weekly")
    (message,) = mail.outbox
    assert f"- {written}" in message.body and zone in message.body
    html = message.alternatives[0][0]
    assert f'<span style="color:#4a5566;">{written.removesuffix(" — ")}</span> — ' in html and zone in html


def test_an_immediate_email_carries_no_date_of_its_own(citizen, django_capture_on_commit_callbacks):
    """It is about what just happened: the date would only repeat the email's own."""
    citizen.preferred_language = "en"
    citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[citizen], category="moderation", kind="proposal.published", params={"title": "Now"}
        )
    (message,) = mail.outbox
    assert "Almaty time" not in message.body and "- Your proposal “Now” is published." in message.body


def test_mark_all_as_read_leaves_unread_what_came_after_the_page_was_shown(client, citizen, other_citizen):
    """Without JavaScript, from the page the person read: news that arrived meanwhile was marked read unseen.
    Nor does the form reach anyone else's notifications, whatever ids it is given."""
    _comment(citizen, "Seen")
    _comment(other_citizen, "Theirs")
    client.force_login(citizen)
    page = client.get("/kk/notifications/").content.decode()
    up_to = re.search(r'name="up_to" value="(\d+)"', page)[1]
    _comment(citizen, "Arrived meanwhile")
    theirs = Notification.objects.get(recipient=other_citizen).pk
    response = client.post("/kk/notifications/read/", {"up_to": up_to, "id": [theirs]})
    assert response.status_code == 302
    assert client.post("/kk/notifications/read/", {"up_to": up_to}).status_code == 302
    unread = Notification.objects.filter(read_at__isnull=True)
    assert sorted(unread.values_list("params__title", flat=True)) == ["Arrived meanwhile", "Theirs"]


def test_hidden_content_takes_back_its_notifications_whichever_page_or_language_they_link_to(citizen):
    """Comment links name the page of the thread now; those stored before, without it, go as well."""
    links = {
        "/ru/proposals/5/#comment-9": True,
        "/en/proposals/5/?page=3#comment-9": True,
        "/kk/proposals/5/?page=2#comment-99": False,
        "/kk/proposals/50/#comment-9": False,
        "/kk/proposals/5/": False,
    }
    for link in links:
        services.notify(
            recipients=[citizen], category="comments", kind="comment.new", params={"title": link}, url=link
        )
    assert services.notifications_withdraw(urls=["/kk/proposals/5/?page=2#comment-9"]) == 2
    kept = set(Notification.objects.values_list("url", flat=True))
    assert kept == {link for link, withdrawn in links.items() if not withdrawn}


def test_nothing_of_a_category_that_is_off_waits_in_the_digests_queue(citizen):
    """The digest planner and sender read every notification not yet mailed, each day: a category off for a
    year (a followed topic's comments) left thousands there, read again and again, never to be sent."""
    services.preference_set(user=citizen, category="comments", frequency="off")
    _comment(citizen, "Raised while off")
    services.preference_set(user=citizen, category="proposals", frequency="daily")
    services.notify(
        recipients=[citizen], category="proposals", kind="proposal.published", params={"title": "P"}
    )
    waiting = Notification.objects.filter(emailed_at__isnull=True)
    assert list(waiting.values_list("category", flat=True)) == ["proposals"]
    services.preference_set(user=citizen, category="proposals", frequency="off")
    assert not waiting.exists()
    assert Notification.objects.filter(recipient=citizen).count() == 2  # both still in the centre


@pytest.mark.parametrize(
    ("language", "explained"),
    [
        ("kk", "Бұл сілтеме енді жарамсыз"),
        ("ru", "Эта ссылка больше не действует"),
        ("en", "This link no longer works"),
    ],
)
def test_an_unsubscribe_link_of_an_old_address_says_why_and_where_to_go(client, citizen, language, explained):
    """The link of an email sent before the account's address changed ended on "Page not found"."""
    path = link_in(urlsplit(services.unsubscribe_url(user_id=citizen.pk, category="comments")).path, language)
    citizen.email = "new-address@example.test"
    citizen.save()
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 404
        page = response.content.decode()
        assert explained in page and f'href="/{language}/notifications/settings/"' in page
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 404
    assert services.preferences_of(citizen)["comments"] != "off"
