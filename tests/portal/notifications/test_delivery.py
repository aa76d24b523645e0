"""Email delivery over real SMTP (aiosmtpd): one connection per batch, a fixed Message-ID per digest,
temporary refusals retried later, permanent ones put on the suppression list that admins see."""

import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection
from django.utils import timezone

from portal.accounts.models import User
from portal.notifications import services
from portal.notifications.email import email_queue
from portal.notifications.models import DigestDelivery, Notification, SuppressedAddress
from tests.factories import UserFactory
from tests.smtp_sink import SmtpSink, start_sink

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings):
    sink = SmtpSink()
    controller, port = start_sink(sink)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


def _events(user, count=1, category="proposals"):
    for n in range(count):
        services.notify(
            recipients=[user],
            category=category,
            kind="proposal.status_changed",
            params={"title": f"Proposal {user.pk}-{n}", "status": "answered"},
            url="/en/proposals/1/",
        )
    Notification.objects.filter(recipient=user).update(created_at=timezone.now() - timedelta(days=1))


def test_a_batch_reuses_one_connection_and_ids_are_fixed_per_delivery(sink, monkeypatch):
    people = UserFactory.create_batch(5)
    for person in people:
        _events(person)
    connects = []
    original = smtplib.SMTP.connect
    monkeypatch.setattr(
        smtplib.SMTP, "connect", lambda self, *a, **k: connects.append(1) or original(self, *a, **k)
    )
    services.digest_plan(frequency="daily")
    assert services.digest_send_batch(frequency="daily") == 5
    assert len(connects) == 1
    assert sink.count() == 5
    for person in people:
        (received,) = sink.for_address(person.email)
        delivery = DigestDelivery.objects.get(user=person)
        assert received.message_id == services.message_id("digest", f"{delivery.pk}.{delivery.period}")
        assert f"Proposal {person.pk}-0" in received.text()


def test_a_permanent_refusal_suppresses_the_address_and_the_batch_goes_on(sink):
    bouncing, fine = UserFactory(), UserFactory()
    _events(bouncing)
    _events(fine)
    sink.refuse.add(bouncing.email)
    services.digest_plan(frequency="daily")
    services.digest_send_batch(frequency="daily")
    assert SuppressedAddress.objects.filter(email=bouncing.email.lower()).exists()
    assert DigestDelivery.objects.get(user=bouncing).status == "suppressed"
    assert DigestDelivery.objects.get(user=fine).status == "sent"
    assert [r.to for r in sink.received] == [[fine.email]]
    # Never written to again.
    _events(bouncing)
    services.immediate_send(user_ids=[bouncing.pk])
    assert sink.for_address(bouncing.email) == []


def test_a_temporary_refusal_leaves_the_digest_pending_until_the_server_accepts(sink):
    person = UserFactory()
    _events(person, count=2)
    sink.defer.add(person.email)
    services.digest_plan(frequency="daily")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        services.digest_send_batch(frequency="daily")  # the task retries this with backoff
    delivery = DigestDelivery.objects.get(user=person)
    assert delivery.status == "pending"
    assert Notification.objects.filter(recipient=person, emailed_at__isnull=True).count() == 2
    sink.defer.clear()
    assert services.digest_send_batch(frequency="daily") == 1
    (received,) = sink.for_address(person.email)
    assert "Proposal" in received.text() and DigestDelivery.objects.get(user=person).status == "sent"
    assert not SuppressedAddress.objects.exists()


def test_immediate_emails_use_smtp_and_suppress_permanent_refusals(sink):
    person = UserFactory()
    sink.refuse.add(person.email)
    _events(person, category="moderation")
    assert services.immediate_send(user_ids=[person.pk]) == 0
    assert SuppressedAddress.objects.filter(email=person.email.lower()).exists()


def test_superusers_see_the_suppression_list(client):
    from tests.conftest import give_totp

    SuppressedAddress.objects.create(email="gone@example.test", reason="permanent refusal 550")
    superuser = UserFactory(is_superuser=True, is_staff=True)
    give_totp(superuser)
    client.force_login(superuser)
    page = client.get("/en/admin/notifications/suppressedaddress/")
    assert page.status_code == 200 and "gone@example.test" in page.content.decode()


def test_a_dead_senders_claims_go_back_to_pending_only_once_stale(sink, settings):
    from datetime import timedelta as td

    stale, fresh = UserFactory(), UserFactory()
    for person in (stale, fresh):
        _events(person)
    services.digest_plan(frequency="daily")
    DigestDelivery.objects.update(status="sending", claim_token="dead", claimed_at=timezone.now())
    DigestDelivery.objects.filter(user=stale).update(claimed_at=timezone.now() - td(minutes=11))
    assert services.digest_send_batch(frequency="daily") == 0  # both are someone else's claim
    assert services.digest_claims_reset() == 1
    assert services.digest_send_batch(frequency="daily") == 1
    assert [r.to for r in sink.received] == [[stale.email]]
    assert DigestDelivery.objects.get(user=fresh).status == "sending"


@pytest.mark.parametrize(
    "task_name", ["send_email_message", "send_immediate_notifications", "send_digest_batch"]
)
def test_a_temporary_mail_failure_is_retried_within_the_configured_backoff(task_name, settings, monkeypatch):
    """EMAIL_RETRY_BACKOFF_SECONDS is read when the failure happens (full jitter: anywhere up to it)."""
    from celery.exceptions import Retry

    from portal.notifications import tasks

    settings.EMAIL_RETRY_BACKOFF_SECONDS = 2
    task = getattr(tasks, task_name)
    failure = smtplib.SMTPResponseException(451, b"4.3.0 Try again later")

    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)
    monkeypatch.setattr("portal.notifications.services.immediate_send", fail)
    monkeypatch.setattr("portal.notifications.services.digest_send_batch", fail)
    asked = []
    monkeypatch.setattr(task, "retry", lambda **kwargs: asked.append(kwargs) or Retry())
    argument = {"send_email_message": {"subject": "S", "body": "B", "from_email": None, "to": ["a@b.test"]},
                "send_immediate_notifications": [1], "send_digest_batch": "daily"}[task_name]  # fmt: skip
    with pytest.raises(Retry):
        task.run(argument)
    assert [kwargs["exc"] for kwargs in asked] == [failure]
    assert 0 <= asked[0]["countdown"] <= 2


@pytest.mark.django_db(transaction=True)
def test_a_stalled_sender_whose_claim_was_handed_on_does_not_send_a_second_copy(monkeypatch):
    """Sender A claims the delivery, then stalls (a long GC pause, a frozen VM). The sweep hands its stale claim
    back, sender B sends the digest; when A resumes it must find the claim no longer its own."""
    person = UserFactory()
    _events(person)
    services.digest_plan(frequency="daily")
    load = services._ChunkData.load.__func__
    stalled, resume = threading.Event(), threading.Event()

    def load_then_stall(cls, deliveries):
        chunk = load(cls, deliveries)
        if threading.current_thread().name == "sender-a":
            stalled.set()
            resume.wait(timeout=60)
        return chunk

    monkeypatch.setattr(services._ChunkData, "load", classmethod(load_then_stall))
    outcome = {}

    def sender_a():
        try:
            outcome["a"] = services.digest_send_batch(frequency="daily")
        finally:
            connection.close()

    thread = threading.Thread(target=sender_a, name="sender-a")
    thread.start()
    assert stalled.wait(timeout=60)
    assert DigestDelivery.objects.get(user=person).status == "sending"
    assert services.digest_claims_reset(older_than=timedelta(0)) == 1
    assert services.digest_send_batch(frequency="daily") == 1  # sender B
    resume.set()
    thread.join(timeout=60)
    assert not thread.is_alive() and "a" in outcome
    assert [message.to for message in mail.outbox] == [[person.email]]
    delivery = DigestDelivery.objects.get(user=person)
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_a_sender_leaves_alone_a_delivery_another_sender_holds_now(monkeypatch):
    """Sender A's claim was handed back while it stalled and sender B has claimed the delivery since (sending,
    under B's token): A sends nothing, counts no attempt and leaves the row and its notifications to B."""
    person = UserFactory()
    _events(person)
    services.digest_plan(frequency="daily")
    load = services._ChunkData.load.__func__

    def load_then_lose_the_claim(cls, deliveries):
        chunk = load(cls, deliveries)
        DigestDelivery.objects.filter(user=person).update(status="sending", claim_token="sender-b")
        return chunk

    monkeypatch.setattr(services._ChunkData, "load", classmethod(load_then_lose_the_claim))
    services.digest_send_batch(frequency="daily")
    assert mail.outbox == []
    delivery = DigestDelivery.objects.get(user=person)
    assert (delivery.status, delivery.claim_token, delivery.attempts) == ("sending", "sender-b", 0)
    assert not Notification.objects.filter(recipient=person, emailed_at__isnull=False).exists()


def test_one_batch_sends_two_hundred_deliveries_and_leaves_the_rest_to_the_next():
    """The batch task queues the next batch for what is left after 200, so workers share a large fan-out."""
    people = User.objects.bulk_create(
        User(email=f"batch{n}@example.test", display_name=f"Person {n}") for n in range(201)
    )
    DigestDelivery.objects.bulk_create(
        DigestDelivery(user=person, frequency="daily", period="2026-12-05", period_end=timezone.now())
        for person in people
    )
    assert services.digest_send_batch(frequency="daily") == 200
    assert DigestDelivery.objects.filter(status="pending").count() == 1


def test_one_off_emails_skip_suppressed_addresses_and_suppress_a_permanent_refusal(
    sink, django_capture_on_commit_callbacks
):
    """A hearing's registration, an invitation or a changed hearing goes out through `email_queue`; it
    mailed an address on the suppression list, and a hard bounce of it put nothing there."""
    gone, bouncing, fine = UserFactory(), UserFactory(), UserFactory()
    services.suppress_address(email=gone.email.upper(), reason="permanent refusal 550")
    sink.refuse.add(bouncing.email)
    with django_capture_on_commit_callbacks(execute=True):
        for person in (gone, bouncing, fine):
            email_queue(
                message=EmailMessage(subject="[Qatysu] Registered", body="See you there.", to=[person.email]),
                language="kk",
            )
    assert sink.for_address(gone.email) == [] and sink.for_address(bouncing.email) == []
    assert len(sink.for_address(fine.email)) == 1
    assert SuppressedAddress.objects.filter(email=bouncing.email.lower()).exists()
    assert not SuppressedAddress.objects.filter(email=fine.email.lower()).exists()
