import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from portal.notifications import selectors, services
from portal.notifications.messages import link_in
from portal.notifications.models import DigestDelivery, Frequency, Notification
from tests.factories import UserFactory
from tests.services import missing

pytestmark = pytest.mark.django_db


def _yesterday_event(user, kind="proposal.status_changed", **params):
    services.notify(
        recipients=[user],
        category="proposals",
        kind=kind,
        params={"title": "Сайлау туралы", "status": "published", **params},
        url="/kk/proposals/1/",
    )
    Notification.objects.filter(recipient=user).update(created_at=timezone.now() - timedelta(days=1))


def test_notify_records_one_row_per_recipient_and_leaves_out_the_actor(citizen, other_citizen):
    count = services.notify(
        recipients=[citizen, other_citizen, citizen],
        category="comments",
        kind="comment.new",
        params={"author": "X", "title": "T"},
        exclude=other_citizen,
    )
    assert count == 1
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [citizen.pk]


def test_immediate_category_is_emailed_after_commit_in_the_recipients_language(
    citizen, django_capture_on_commit_callbacks
):
    citizen.preferred_language = "ru"
    citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[citizen],
            category="moderation",
            kind="proposal.published",
            params={"title": "Проект"},
            url="/ru/proposals/1/",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [citizen.email]
    assert "опубликовано" in message.subject.lower() or "опубликовано" in message.body.lower()
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.get().emailed_at is not None


def test_a_weekly_run_plans_a_delivery_only_for_people_who_chose_weekly(citizen, other_citizen):
    """The default for proposals is daily: the weekly run plans no delivery for a person who kept it."""
    services.preference_set(user=other_citizen, category="proposals", frequency="weekly")
    for user in (citizen, other_citizen):
        _yesterday_event(user)
    Notification.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert services.digest_plan(frequency="weekly") == 1
    assert list(DigestDelivery.objects.values_list("user_id", "frequency")) == [(other_citizen.pk, "weekly")]


def test_send_digests_twice_sends_once_and_nothing_to_people_without_events(citizen, other_citizen):
    _yesterday_event(citizen)
    call_command("send_digests", frequency="daily")
    call_command("send_digests", frequency="daily")
    assert [m.to for m in mail.outbox] == [[citizen.email]]
    assert DigestDelivery.objects.get(user=citizen).status == DigestDelivery.Status.SENT
    assert not DigestDelivery.objects.filter(user=other_citizen).exists()


def test_digest_holds_exactly_the_events_of_the_period_in_order(citizen):
    _yesterday_event(citizen, title="First")
    services.notify(
        recipients=[citizen],
        category="proposals",
        kind="proposal.status_changed",
        params={"title": "Today", "status": "x"},
    )  # today: belongs to tomorrow's digest
    call_command("send_digests", frequency="daily")
    body = mail.outbox[0].body
    assert "First" in body and "Today" not in body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 1


@pytest.mark.parametrize(("language", "greeting"), [("kk", "Сәлеметсіз бе"), ("ru", "Здравствуйте")])
def test_digest_is_in_the_persons_language(language, greeting):
    person = UserFactory(preferred_language=language, display_name="Дана")
    _yesterday_event(person)
    call_command("send_digests", frequency="daily")
    assert greeting in mail.outbox[0].body
    assert greeting in mail.outbox[0].alternatives[0][0]


def test_digest_email_has_html_and_one_click_unsubscribe_headers(citizen, settings):
    settings.SITE_URL = "https://qatysu.example.kz"
    _yesterday_event(citizen)
    call_command("send_digests", frequency="daily")
    message = mail.outbox[0]
    assert message.alternatives[0][1] == "text/html"
    header = message.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<https://qatysu\.example\.kz/\w\w/notifications/unsubscribe/[^>]+/>", header)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert citizen.email not in message.body.replace(f"To: {citizen.email}", "")


def test_one_click_post_unsubscribes_without_session_or_csrf(citizen, client):
    from django.test import Client

    url = services.unsubscribe_url(user_id=citizen.pk, category=None).split("://", 1)[1].split("/", 1)[1]
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/" + url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert set(services.preferences_of(citizen).values()) == {Frequency.OFF}


def test_get_only_shows_a_confirmation(citizen, client):
    url = (
        "/"
        + services.unsubscribe_url(user_id=citizen.pk, category="comments")
        .split("://", 1)[1]
        .split("/", 1)[1]
    )
    response = client.get(url)
    assert response.status_code == 200
    assert b"<form" in response.content
    assert services.preferences_of(citizen)["comments"] == Frequency.DAILY


def _payload(user) -> dict:
    """What a genuine token for this person carries, their address included: only the signature differs."""
    return {"u": user.pk, "c": "*", "a": services._address_key(user.email)}


@pytest.mark.parametrize(
    "forged",
    [
        # The same payload signed for another purpose (no salt), or with another site's key.
        lambda user: signing.dumps(_payload(user), compress=True),
        lambda user: signing.dumps(
            _payload(user), key="another-site-key", salt="notifications.unsubscribe", compress=True
        ),
        # A genuine token of someone else with the payload of this person and the other's signature.
        lambda user: ":".join(
            [
                signing.dumps(_payload(user), compress=True).split(":", 1)[0],
                *services.unsubscribe_token(user_id=user.pk + 1, category=None).split(":")[1:],
            ]
        ),
    ],
    ids=["another-purpose", "another-key", "another-signature"],
)
def test_a_token_not_signed_by_the_portal_for_unsubscribing_changes_nothing(citizen, client, forged):
    response = client.post(
        f"/kk/notifications/unsubscribe/{forged(citizen)}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 404
    assert Frequency.OFF not in set(services.preferences_of(citizen).values())


def test_tampered_token_is_refused(citizen, client):
    url = (
        "/" + services.unsubscribe_url(user_id=citizen.pk, category=None).split("://", 1)[1].split("/", 1)[1]
    )
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
    assert client.post(tampered, {"List-Unsubscribe": "One-Click"}).status_code == 404
    assert client.get("/kk/notifications/unsubscribe/garbage/").status_code == 404


def test_unsubscribed_person_gets_no_digest(citizen):
    services.unsubscribe_apply(user_id=citizen.pk, category=None)
    _yesterday_event(citizen)
    call_command("send_digests", frequency="daily")
    assert mail.outbox == []


def test_suppressed_address_gets_no_digest(citizen):
    services.suppress_address(email=citizen.email, reason="hard bounce")
    _yesterday_event(citizen)
    call_command("send_digests", frequency="daily")
    assert mail.outbox == []
    assert DigestDelivery.objects.get(user=citizen).status == DigestDelivery.Status.SUPPRESSED


def test_centre_lists_and_marks_read_and_header_shows_unread_count(client, citizen):
    services.notify(
        recipients=[citizen],
        category="comments",
        kind="comment.new",
        params={"author": "Timur", "title": "Жоба"},
        url="/en/",
    )
    client.force_login(citizen)
    page = client.get("/en/notifications/").content.decode()
    assert "Timur commented on “Жоба”." in page
    assert '1<span class="visually-hidden"> unread</span>' in page
    client.post("/en/notifications/read/")
    assert selectors.unread_count(citizen) == 0


def test_preferences_page_saves_choices(client, citizen):
    client.force_login(citizen)
    data = dict.fromkeys(services.preferences_of(citizen), "weekly")
    assert client.post("/en/notifications/settings/", data).status_code == 302
    # Every category the page offers a citizen (the Commission's work is not one of them).
    chosen = services.preferences_of(citizen)
    assert chosen.pop("commission_work") == "immediate"
    assert set(chosen.values()) == {"weekly"}


def test_notification_pages_need_login(client):
    assert client.get("/en/notifications/").status_code == 302
    assert client.get("/en/notifications/settings/").status_code == 302


def test_each_category_of_a_digest_has_its_own_unsubscribe_link(citizen, client):
    """The link under a group stops that category only (signed token, no login); the rest keeps coming."""
    _yesterday_event(citizen)
    services.notify(
        recipients=[citizen], category="comments", kind="comment.new", params={"author": "A", "title": "T"}
    )
    Notification.objects.filter(recipient=citizen).update(created_at=timezone.now() - timedelta(days=1))
    call_command("send_digests", "--frequency", "daily")
    (message,) = mail.outbox
    links = re.findall(r"https?://\S+/notifications/unsubscribe/\S+/", message.body)
    per_category = [services.unsubscribe_read(link.rstrip("/").rsplit("/", 1)[1]) for link in links]
    assert (citizen.pk, "proposals") in per_category and (citizen.pk, "comments") in per_category
    link = next(
        link for link, read in zip(links, per_category, strict=True) if read == (citizen.pk, "comments")
    )
    from urllib.parse import urlsplit

    client.post(urlsplit(link).path, {"List-Unsubscribe": "One-Click"})
    prefs = services.preferences_of(citizen)
    assert prefs["comments"] == "off" and prefs["proposals"] != "off"


def test_immediate_email_goes_out_from_the_request_when_the_broker_is_down(
    citizen, django_capture_on_commit_callbacks
):
    """Queueing after the commit must not raise (a 500 for a saved write); the email is sent in-process."""
    from portal.celery import app
    from tests.conftest import use_broker

    use_broker(app, "redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(
                recipients=[citizen],
                category="moderation",
                kind="proposal.published",
                params={"title": "Broker away"},
                url="/en/proposals/1/",
            )
    finally:
        use_broker(app, None)
    assert [message.to for message in mail.outbox] == [[citizen.email]]
    assert Notification.objects.get().emailed_at is not None


@pytest.mark.parametrize(
    ("stored", "language", "shown"),
    [
        ("/ru/proposals/5/", "kk", "/kk/proposals/5/"),
        ("/kk/proposals/5/#comment-9", "en", "/en/proposals/5/#comment-9"),
        ("/en/hearings/2/?tab=agenda", "ru", "/ru/hearings/2/?tab=agenda"),
        ("/hearings.ics", "kk", "/hearings.ics"),
        ("https://example.org/ru/page/", "kk", "https://example.org/ru/page/"),
        ("", "kk", ""),
    ],
)
def test_a_link_opens_in_the_readers_language_whatever_language_it_was_raised_in(stored, language, shown):
    assert link_in(stored, language) == shown


def test_opening_a_notification_from_the_centre_marks_it_read_and_goes_to_its_page(
    client, citizen, other_citizen
):
    """Following a link from the centre is reading it: the count beside the bell went down only when the
    person found "Mark all as read"."""
    services.notify(
        recipients=[citizen, other_citizen],
        category="comments",
        kind="comment.new",
        params={"author": "Timur", "title": "Жоба"},
        url="/kk/proposals/7/#comment-3",
    )
    mine = Notification.objects.get(recipient=citizen)
    theirs = Notification.objects.get(recipient=other_citizen)
    client.force_login(citizen)
    centre = client.get("/ru/notifications/").content.decode()
    link = re.search(r'<a href="([^"]+)">Timur', centre)[1]
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "/ru/proposals/7/#comment-3"
    assert selectors.unread_count(citizen) == 0
    assert client.get(link.replace(str(mine.pk), str(theirs.pk))).status_code == 404
    assert selectors.unread_count(other_citizen) == 1


def test_the_unsubscribe_pages_name_the_kind_of_email_they_stop(citizen, client):
    path = link_in(urlsplit(services.unsubscribe_url(user_id=citizen.pk, category="comments")).path, "ru")
    assert "Ответы и новые комментарии" in client.get(path).content.decode()
    assert "Ответы и новые комментарии" in client.post(path).content.decode()


@pytest.mark.parametrize(
    ("language", "frequency", "named"),
    [
        ("kk", "daily", "6 желтоқсан 2026 ж."),
        ("ru", "daily", "6 декабря 2026 г."),
        ("en", "weekly", "30 November 2026 – 6 December 2026"),
    ],
)
def test_a_digest_subject_names_the_day_or_week_it_covers(language, frequency, named):
    """One subject every day ran a month of digests into one conversation in mail clients."""
    person = UserFactory(preferred_language=language)
    services.preference_set(user=person, category="proposals", frequency=frequency)
    _yesterday_event(person)
    sunday_noon = datetime(2026, 12, 6, 12, tzinfo=ZoneInfo("Asia/Almaty"))
    Notification.objects.update(created_at=sunday_noon)
    services.digest_plan(frequency=frequency, now=sunday_noon + timedelta(hours=20))
    services.digest_send_batch(frequency=frequency)
    (message,) = mail.outbox
    assert message.subject.endswith(named)


def test_taking_back_what_was_told_of_hidden_content_reads_the_link_index_not_the_table():
    """A moderation hide withdraws the notifications that link to the content; on a table of millions of rows
    that must be an index look-up (equality and `LIKE 'link#%'`), not a read of the whole table."""
    if connection.vendor != "postgresql":
        missing("the plan is PostgreSQL's")
    user = UserFactory()
    Notification.objects.bulk_create(
        Notification(recipient=user, category="proposals", kind="comment.new", url=f"/kk/proposals/{n}/#c{n}")
        for n in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_notification")
    query = Notification.objects.filter(
        Q(url__in=["/kk/proposals/7/", "/ru/proposals/7/"]) | Q(url__startswith="/kk/proposals/7/#")
    )
    plan = query.explain()
    assert "notification_url_idx" in plan and "Seq Scan" not in plan, plan
