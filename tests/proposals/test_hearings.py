"""Public hearings: capacity and waiting list, reminders, calendar files, stream hosts, agenda on
proposals, speaker requests, changes told to everyone concerned, staff pages and their permissions."""

import io
import re
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from icalendar import Calendar

from portal.notifications.models import Notification
from proposals.models import (
    AgendaItem,
    Hearing,
    HearingDiscussion,
    HearingRegistration,
    HearingTransition,
)
from proposals.services import hearing as services
from proposals.services import hearing_notices, hearing_registration
from proposals.services.follow import follow_add
from proposals.services.hearing import HearingInput
from tests.conftest import sign_in_staff
from tests.factories import UserFactory

from .factories import AgendaItemFactory, HearingFactory, ProposalFactory, held, under_way

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


# --- registrations ---------------------------------------------------------------------------------------


def test_registering_gives_a_seat_with_an_unguessable_code_and_emails_it(
    hearing, citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = hearing_registration.hearing_register(user=citizen, hearing=hearing)
    assert registration.status == "registered"
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", registration.code)
    assert [m.to for m in mail.outbox] == [[citizen.email]]
    assert registration.code in mail.outbox[0].body
    assert "/hearings/cancel/" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["Content-Language"] == citizen.preferred_language


def test_registering_twice_keeps_one_seat(hearing, citizen):
    first = hearing_registration.hearing_register(user=citizen, hearing=hearing)
    second = hearing_registration.hearing_register(user=citizen, hearing=hearing)
    assert first.pk == second.pk
    assert HearingRegistration.objects.filter(hearing=hearing).count() == 1


def test_beyond_capacity_people_wait_and_a_cancellation_promotes_the_first(
    consultation, django_capture_on_commit_callbacks
):
    hearing = HearingFactory(consultation=consultation, capacity=2)
    people = [UserFactory() for _ in range(4)]
    registrations = [hearing_registration.hearing_register(user=person, hearing=hearing) for person in people]
    assert [r.status for r in registrations] == ["registered", "registered", "waitlisted", "waitlisted"]
    with django_capture_on_commit_callbacks(execute=True):
        promoted = hearing_registration.hearing_registration_cancel(
            registration=registrations[0], user=people[0]
        )
    assert promoted.pk == registrations[2].pk
    statuses = dict(HearingRegistration.objects.values_list("user_id", "status"))
    assert statuses == {
        people[0].pk: "cancelled",
        people[1].pk: "registered",
        people[2].pk: "registered",
        people[3].pk: "waitlisted",
    }
    assert {tuple(m.to) for m in mail.outbox} == {(people[2].email,)}
    assert any(registrations[2].code in m.body for m in mail.outbox)


def test_registration_needs_a_verified_email_and_an_open_window(hearing, citizen):
    EmailAddress.objects.filter(user=citizen).update(verified=False)
    with pytest.raises(PermissionDenied, match="Confirm your email"):
        hearing_registration.hearing_register(user=citizen, hearing=hearing)
    EmailAddress.objects.filter(user=citizen).update(verified=True)
    Hearing.objects.filter(pk=hearing.pk).update(registration_closes_at=timezone.now() - timedelta(hours=1))
    hearing.refresh_from_db()
    with pytest.raises(PermissionDenied, match="Registration closed on"):
        hearing_registration.hearing_register(user=citizen, hearing=hearing)
    assert not HearingRegistration.objects.exists()


def _in_parallel(calls, connections_at_once=40):
    """Runs each call in its own thread with its own database connection, all released at once.

    The server allows 100 connections (shared with other test runs), so at most `connections_at_once`
    threads hold one at the same moment; the rest queue on a semaphore and join the race as others finish.
    """
    barrier = threading.Barrier(len(calls))
    slots = threading.Semaphore(connections_at_once)
    errors = []

    def run(call):
        try:
            barrier.wait()
            with slots:
                try:
                    call()
                finally:
                    connections.close_all()
        except Exception as error:  # collected and reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_never_exceed_capacity_on_postgresql():
    """Acceptance 1: 100 people at once for 50 seats leave 50 registered and 50 waiting in arrival order;
    a cancellation promotes exactly one, the first waiting, who is emailed."""
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency guarantee is PostgreSQL's (SQLite serialises writers)")
    hearing = HearingFactory(capacity=50)
    people = [UserFactory() for _ in range(100)]
    _in_parallel(
        [
            lambda person=person: hearing_registration.hearing_register(user=person, hearing=hearing)
            for person in people
        ]
    )

    rows = list(HearingRegistration.objects.filter(hearing=hearing).order_by("created_at", "id"))
    assert len(rows) == 100
    assert len({row.user_id for row in rows}) == 100
    assert [row.status for row in rows] == ["registered"] * 50 + ["waitlisted"] * 50
    # Arrival order = the order in which the hearing's lock was granted: ids and times agree.
    assert [row.pk for row in rows] == sorted(row.pk for row in rows)

    mail.outbox.clear()
    cancelled = rows[10]
    first_waiting = rows[50]
    promoted = hearing_registration.hearing_registration_cancel(registration=cancelled, user=cancelled.user)
    assert promoted.pk == first_waiting.pk
    counts = {
        status: HearingRegistration.objects.filter(hearing=hearing, status=status).count()
        for status in ("registered", "waitlisted", "cancelled")
    }
    assert counts == {"registered": 50, "waitlisted": 49, "cancelled": 1}
    assert {tuple(m.to) for m in mail.outbox} == {(first_waiting.user.email,)}
    assert any(first_waiting.code in m.body for m in mail.outbox)


def test_cancel_link_from_the_email_cancels_without_sign_in(client, hearing, citizen):
    registration = hearing_registration.hearing_register(user=citizen, hearing=hearing)
    path = f"/en/hearings/cancel/{hearing_notices.cancel_token(registration)}/"
    page = client.get(path)
    assert page.status_code == 200
    assert registration.code in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == "registered"  # a GET (a mail scanner) changes nothing
    assert client.post(path).status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_a_forged_or_stale_cancel_link_is_refused(client, hearing, citizen):
    registration = hearing_registration.hearing_register(user=citizen, hearing=hearing)
    token = hearing_notices.cancel_token(registration)
    assert client.post(f"/en/hearings/cancel/{token[:-2]}xx/").status_code == 404
    HearingRegistration.objects.filter(pk=registration.pk).update(code="another-code")
    assert client.post(f"/en/hearings/cancel/{token}/").status_code == 404
    registration.refresh_from_db()
    assert registration.status == "registered"


def test_nobody_cancels_someone_elses_registration(hearing, citizen, other_citizen):
    registration = hearing_registration.hearing_register(user=citizen, hearing=hearing)
    with pytest.raises(PermissionDenied):
        hearing_registration.hearing_registration_cancel(registration=registration, user=other_citizen)
    registration.refresh_from_db()
    assert registration.status == "registered"


@pytest.mark.parametrize(
    ("persona", "registered"), [(None, False), ("citizen", True), ("commissioner", True)]
)
def test_register_view_matrix(client, request, hearing, persona, registered):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.post(f"/en/hearings/{hearing.pk}/register/")
    assert response.status_code == 302
    assert HearingRegistration.objects.filter(hearing=hearing).exists() is registered
    assert client.get(f"/en/hearings/{hearing.pk}/register/").status_code in (302, 405)


def test_register_and_cancel_from_the_page(client, hearing, citizen, other_citizen):
    client.force_login(citizen)
    page = client.post(f"/en/hearings/{hearing.pk}/register/", follow=True).content.decode()
    code = HearingRegistration.objects.get(user=citizen).code
    assert f"Your registration code: {code}" in page
    # Another person's cancel button acts on their own (absent) registration only.
    client.force_login(other_citizen)
    client.post(f"/en/hearings/{hearing.pk}/unregister/")
    assert HearingRegistration.objects.get(user=citizen).status == "registered"
    client.force_login(citizen)
    page = client.post(f"/en/hearings/{hearing.pk}/unregister/", follow=True).content.decode()
    assert "Your registration is cancelled." in page
    assert HearingRegistration.objects.get(user=citizen).status == "cancelled"


# --- reminders -------------------------------------------------------------------------------------------


def test_reminder_sweep_run_twice_sends_each_reminder_once(
    consultation, settings, django_capture_on_commit_callbacks
):
    """Acceptance 2."""
    settings.HEARING_REMINDER_BEFORE = timedelta(hours=24)
    soon = HearingFactory(
        consultation=consultation, capacity=2, starts_at=timezone.now() + timedelta(hours=10)
    )
    later = HearingFactory(consultation=consultation, starts_at=timezone.now() + timedelta(days=3))
    people = [UserFactory() for _ in range(3)]
    for person in people:
        hearing_registration.hearing_register(user=person, hearing=soon)
        hearing_registration.hearing_register(user=person, hearing=later)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert hearing_notices.hearing_reminders_send() == 2  # the third person waits for a seat
    with django_capture_on_commit_callbacks(execute=True):
        assert hearing_notices.hearing_reminders_send() == 0
    reminders = Notification.objects.filter(kind="hearing.reminder")
    assert sorted(reminders.values_list("recipient_id", flat=True)) == sorted(p.pk for p in people[:2])
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people[:2])
    assert HearingRegistration.objects.filter(hearing=later, reminder_sent_at__isnull=False).count() == 0


@pytest.mark.django_db(transaction=True)
def test_parallel_reminder_sweeps_send_each_reminder_once_on_postgresql(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency guarantee is PostgreSQL's (SQLite serialises writers)")
    settings.HEARING_REMINDER_BEFORE = timedelta(hours=24)
    hearing = HearingFactory(starts_at=timezone.now() + timedelta(hours=5))
    people = [UserFactory() for _ in range(20)]
    for person in people:
        hearing_registration.hearing_register(user=person, hearing=hearing)
    sent = []
    _in_parallel([lambda: sent.append(hearing_notices.hearing_reminders_send()) for _ in range(4)])
    assert sum(sent) == 20
    reminders = Notification.objects.filter(kind="hearing.reminder")
    assert sorted(reminders.values_list("recipient_id", flat=True)) == sorted(p.pk for p in people)


def test_reminders_are_a_periodic_sweep(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "proposals.tasks.send_hearing_reminders" in tasks


# --- calendar --------------------------------------------------------------------------------------------


def test_ics_files_parse_and_carry_utc_times(client, consultation):
    """Acceptance 3: 10:00 in Almaty is 05:00 UTC."""
    starts = datetime(2030, 3, 15, 10, 0, tzinfo=ALMATY)
    hearing = HearingFactory(consultation=consultation, starts_at=starts, ends_at=starts + timedelta(hours=2))
    HearingFactory(consultation=consultation)
    for path, events in ((f"/en/hearings/{hearing.pk}.ics", 1), ("/hearings.ics", 2)):
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.content)
        found = list(calendar.walk("VEVENT"))
        assert len(found) == events
        event = next(e for e in found if str(e["uid"]).startswith(f"hearing-{hearing.pk}@"))
        assert event.decoded("dtstart") == datetime(2030, 3, 15, 5, 0, tzinfo=UTC)
        assert event.decoded("dtend") == datetime(2030, 3, 15, 7, 0, tzinfo=UTC)
        assert event.decoded("dtstart").utcoffset() == timedelta(0)
        assert b"DTSTART:20300315T050000Z" in response.content


# --- stream ----------------------------------------------------------------------------------------------


def test_a_livestream_from_another_host_is_refused_with_a_clear_message(consultation, commissioner):
    """Acceptance 5."""
    data = HearingInput(
        title_en="Hearing",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=2),
        stream_url="https://stream.evil.example/live",
    )
    with pytest.raises(ValidationError) as refused:
        services.hearing_save(actor=commissioner, consultation=consultation, data=data)
    message = refused.value.message_dict["stream_url"][0]
    assert "can be embedded only from these sites" in message
    assert "www.youtube.com" in message
    assert not Hearing.objects.exists()
    # A look-alike host and plain http are refused too; an allowed host passes.
    for url in ("https://www.youtube.com.evil.example/embed/x", "http://www.youtube.com/embed/x"):
        with pytest.raises(ValidationError):
            services.hearing_save(
                actor=commissioner, consultation=consultation, data=replace(data, stream_url=url)
            )
    hearing = services.hearing_save(
        actor=commissioner,
        consultation=consultation,
        data=replace(data, stream_url="https://www.youtube.com/embed/abc"),
    )
    assert hearing.stream_url == "https://www.youtube.com/embed/abc"


def test_a_registration_window_may_be_open_at_either_end_but_must_close_after_it_opens(
    consultation, commissioner
):
    start = timezone.now() + timedelta(days=10)
    data = HearingInput(title_en="Hearing", starts_at=start, ends_at=start + timedelta(hours=2))
    opens = timezone.now() + timedelta(days=1)
    for window in (
        {"registration_opens_at": opens},
        {"registration_closes_at": opens},
        {"registration_opens_at": opens, "registration_closes_at": opens + timedelta(days=5)},
    ):
        hearing = services.hearing_save(
            actor=commissioner, consultation=consultation, data=replace(data, **window)
        )
        assert (hearing.registration_opens_at, hearing.registration_closes_at) == (
            window.get("registration_opens_at"),
            window.get("registration_closes_at"),
        )
    for closes in (opens, opens - timedelta(minutes=1)):
        bad = replace(data, registration_opens_at=opens, registration_closes_at=closes)
        with pytest.raises(ValidationError) as refused:
            services.hearing_save(actor=commissioner, consultation=consultation, data=bad)
        assert list(refused.value.message_dict) == ["registration_closes_at"]
    with pytest.raises(ValidationError) as refused:
        services.hearing_save(
            actor=commissioner, consultation=consultation, data=replace(data, ends_at=start)
        )
    assert list(refused.value.message_dict) == ["ends_at"]
    assert Hearing.objects.count() == 3


def test_a_registration_window_opening_only_after_the_hearing_starts_is_refused(
    client, hearing, commissioner
):
    """Registration closes when the hearing starts, so such a window would never let anybody in."""
    sign_in_staff(client, commissioner)
    response = client.post(
        f"/ru/staff/hearings/{hearing.pk}/",
        {
            "title_ru": "Слушания",
            "starts_at": "2030-03-15T10:00",
            "ends_at": "2030-03-15T12:00",
            "format": "online",
            "capacity": "10",
            "registration_opens_at": "2030-03-16T10:00",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "registration_opens_at": ["Регистрация должна открываться до начала слушаний."]
    }
    hearing.refresh_from_db()
    assert hearing.registration_opens_at is None


def test_the_staff_form_shows_the_stream_refusal(client, consultation, commissioner):
    sign_in_staff(client, commissioner)
    response = client.post(
        "/en/staff/hearings/new/",
        {
            "consultation": consultation.slug,
            "title_en": "Hearing",
            "starts_at": "2030-03-15T10:00",
            "ends_at": "2030-03-15T12:00",
            "format": "online",
            "capacity": "10",
            "stream_url": "https://stream.evil.example/live",
        },
    )
    assert response.status_code == 200
    assert "can be embedded only from these sites" in response.content.decode()
    assert not Hearing.objects.exists()


def test_the_stream_is_embedded_only_while_live_and_csp_frames_only_allowed_hosts(
    client, consultation, settings
):
    hearing = HearingFactory(consultation=consultation, stream_url="https://www.youtube.com/watch?v=abc123")
    page = client.get(f"/en/hearings/{hearing.pk}/")
    assert "<iframe" not in page.content.decode()
    under_way(hearing)
    services.hearing_transition(hearing=hearing, to_status="live", actor=None)
    page = client.get(f"/en/hearings/{hearing.pk}/")
    assert '<iframe class="stream" src="https://www.youtube.com/embed/abc123"' in page.content.decode()
    policy = page["Content-Security-Policy"]
    frame_src = next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-src"))
    assert frame_src.split()[1:] == [f"https://{host}" for host in settings.HEARING_STREAM_HOSTS]


# --- lifecycle, agenda, changes --------------------------------------------------------------------------


def test_lifecycle_table_is_enforced_and_logged(hearing, commissioner):
    from portal.core.lifecycle import TransitionNotAllowed

    under_way(hearing)
    services.hearing_transition(hearing=hearing, to_status="live", actor=commissioner)
    with pytest.raises(TransitionNotAllowed):
        services.hearing_transition(hearing=hearing, to_status="scheduled", actor=commissioner)
    held(hearing)
    services.hearing_transition(hearing=hearing, to_status="finished", actor=commissioner)
    assert list(HearingTransition.objects.values_list("from_status", "to_status", "actor")) == [
        ("scheduled", "live", commissioner.pk),
        ("live", "finished", commissioner.pk),
    ]


def test_citizens_cannot_change_a_hearing(hearing, citizen, moderator):
    for person in (citizen, moderator):
        with pytest.raises(PermissionDenied):
            services.hearing_transition(hearing=hearing, to_status="cancelled", actor=person)
    hearing.refresh_from_db()
    assert hearing.status == "scheduled"


def test_a_proposal_on_the_agenda_shows_the_hearing_then_that_it_was_heard(client, hearing, published):
    AgendaItemFactory(hearing=hearing, proposals=[published])
    page = client.get(f"/en/proposals/{published.pk}/").content.decode()
    assert "To be discussed at the hearing" in page and hearing.title_en in page
    under_way(hearing)
    services.hearing_transition(hearing=hearing, to_status="live", actor=None)
    held(hearing)
    services.hearing_transition(hearing=hearing, to_status="finished", actor=None)
    assert HearingDiscussion.objects.filter(hearing=hearing, proposal=published).count() == 1
    page = client.get(f"/en/proposals/{published.pk}/").content.decode()
    assert "To be discussed" not in page
    timeline = page.split('id="timeline-heading"', 1)[1].split("</section>", 1)[0]
    assert "Discussed at the hearing" in timeline and hearing.title_en in timeline
    published.refresh_from_db()
    assert published.status == "published"


@pytest.mark.parametrize("change", ["postponed", "cancelled", "moved"])
def test_changes_are_told_to_registered_people_and_followers_of_agenda_proposals(
    hearing, published, commissioner, citizen, change
):
    AgendaItemFactory(hearing=hearing, proposals=[published])
    hearing_registration.hearing_register(user=citizen, hearing=hearing)
    follower = UserFactory()
    follow_add(user=follower, proposal=published)
    UserFactory()  # a bystander, told nothing
    if change == "moved":
        services.hearing_save(
            actor=commissioner,
            hearing=hearing,
            data=replace(
                HearingInput.of(hearing),
                starts_at=hearing.starts_at + timedelta(days=2),
                ends_at=hearing.ends_at + timedelta(days=2),
            ),
        )
    else:
        services.hearing_transition(hearing=hearing, to_status=change, actor=commissioner)
    told = set(Notification.objects.filter(kind=f"hearing.{change}").values_list("recipient_id", flat=True))
    assert told == {citizen.pk, follower.pk}


def test_editing_without_moving_tells_nobody(hearing, citizen, commissioner):
    hearing_registration.hearing_register(user=citizen, hearing=hearing)
    services.hearing_save(
        actor=commissioner,
        hearing=hearing,
        data=replace(HearingInput.of(hearing), title_en="New title", description_en="More."),
    )
    # Only the registration itself is in the centre (its email, with the code, was the confirmation).
    assert list(Notification.objects.filter(kind__startswith="hearing.").values_list("kind", flat=True)) == [
        "hearing.registered"
    ]


def test_moving_a_hearing_raises_its_calendar_revision_by_one_and_a_title_edit_leaves_it(
    hearing, commissioner
):
    """Calendars replace their copy of the event only when the SEQUENCE grows (RFC 5545)."""
    before = Hearing.objects.get(pk=hearing.pk).sequence
    services.hearing_save(
        actor=commissioner, hearing=hearing, data=replace(HearingInput.of(hearing), title_en="New title")
    )
    assert Hearing.objects.get(pk=hearing.pk).sequence == before
    later = replace(
        HearingInput.of(hearing),
        starts_at=hearing.starts_at + timedelta(hours=1),
        ends_at=hearing.ends_at + timedelta(hours=1),
    )
    services.hearing_save(actor=commissioner, hearing=hearing, data=later)
    assert Hearing.objects.get(pk=hearing.pk).sequence == before + 1


def test_more_seats_promote_people_waiting(consultation, commissioner):
    hearing = HearingFactory(consultation=consultation, capacity=1)
    first, second = UserFactory(), UserFactory()
    hearing_registration.hearing_register(user=first, hearing=hearing)
    assert hearing_registration.hearing_register(user=second, hearing=hearing).status == "waitlisted"
    services.hearing_save(
        actor=commissioner, hearing=hearing, data=replace(HearingInput.of(hearing), title_en="x", capacity=2)
    )
    assert HearingRegistration.objects.get(user=second).status == "registered"


def test_minutes_are_sanitised_markdown(client, hearing, commissioner):
    services.hearing_outcome_save(
        actor=commissioner,
        hearing=held(hearing),
        minutes_en="**Decided**\n\n<script>alert(1)</script>",
        recording_url="https://example.test/recording",
        documents=[("Presentation", "https://example.test/slides.pdf")],
    )
    page = client.get(f"/en/hearings/{hearing.pk}/").content.decode()
    assert "<strong>Decided</strong>" in page
    assert "<script>alert(1)" not in page
    assert 'href="https://example.test/slides.pdf"' in page


# --- public pages ----------------------------------------------------------------------------------------


def test_upcoming_and_past_lists(client, consultation, django_assert_max_num_queries):
    upcoming = HearingFactory(consultation=consultation, title_en="Coming soon")
    past = held(HearingFactory(consultation=consultation, title_en="Long ago"))
    services.hearing_transition(hearing=past, to_status="finished", actor=None)
    for _ in range(5):
        HearingFactory(consultation=consultation)
    with django_assert_max_num_queries(12):
        page = client.get("/en/hearings/").content.decode()
    assert upcoming.title_en in page and "Long ago" not in page
    page = client.get("/en/hearings/?when=past").content.decode()
    assert "Long ago" in page and "Coming soon" not in page


def test_detail_page_query_count_does_not_grow_with_the_agenda(
    client, hearing, consultation, django_assert_max_num_queries
):
    for _ in range(6):
        AgendaItemFactory(hearing=hearing, proposals=[ProposalFactory(consultation=consultation)])
    with django_assert_max_num_queries(16):
        assert client.get(f"/en/hearings/{hearing.pk}/").status_code == 200


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_hearing_pages_are_served_in_each_language(client, hearing, language):
    assert client.get(f"/{language}/hearings/").status_code == 200
    assert client.get(f"/{language}/hearings/{hearing.pk}/").status_code == 200


def test_seed_demo_hearings_adds_nothing_twice():
    arguments = ["--users", "5", "--proposals", "6", "--supports", "0", "--comments", "0", "--hearings", "2"]
    call_command("seed_demo", *arguments, stdout=io.StringIO())
    # The open demo consultation's hearings (the closed one brings its own held hearing).
    hearings = Hearing.objects.filter(consultation__slug="constitutional-reform")
    first = (hearings.count(), AgendaItem.objects.filter(hearing__in=hearings).count())
    call_command("seed_demo", *arguments, stdout=io.StringIO())
    assert first == (hearings.count(), AgendaItem.objects.filter(hearing__in=hearings).count())
    assert first[0] == 2 and first[1] > 0
    assert hearings.filter(status="finished").count() == 1
    assert HearingDiscussion.objects.exists()


def test_the_page_says_when_registration_opens_and_closes(client, consultation):
    """Without it, "Registration for this hearing is not open" leaves the reader guessing whether it ever will."""
    hearing = HearingFactory(
        consultation=consultation,
        starts_at=datetime(2030, 3, 15, 5, tzinfo=UTC),
        ends_at=datetime(2030, 3, 15, 7, tzinfo=UTC),
        registration_opens_at=datetime(2030, 3, 1, 4, tzinfo=UTC),
        registration_closes_at=datetime(2030, 3, 14, 13, tzinfo=UTC),
    )
    page = client.get(f"/ru/hearings/{hearing.pk}/").content.decode()
    assert "Регистрация открывается" in page and "1 марта 2030 г., 09:00" in page
    assert "Регистрация закрывается" in page and "14 марта 2030 г., 18:00" in page
    page = client.get(f"/kk/hearings/{hearing.pk}/").content.decode()
    assert "Тіркелу ашылады" in page and "1 наурыз 2030 ж., 09:00" in page
