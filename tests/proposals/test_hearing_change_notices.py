"""A change to a hearing reaches the people registered for it by email at once, in their language, whatever
their notification settings (a cancellation read in tomorrow's digest, or never, sent them to a closed hall);
followers keep their settings; nobody who left, nor an account no longer in use, nor a refused address, is
mailed."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from portal.notifications.models import Notification, SuppressedAddress
from portal.notifications.services import preference_set
from proposals.services import hearing as services
from proposals.services.follow import follow_add
from proposals.services.hearing import HearingInput
from proposals.services.hearing_registration import hearing_register, hearing_registration_cancel
from tests.factories import UserFactory

from .factories import AgendaItemFactory, HearingFactory, ProposalFactory

pytestmark = pytest.mark.django_db

# 15 March 2030, 10:00 in Almaty (UTC+5).
START = datetime(2030, 3, 15, 5, tzinfo=UTC)


def _hearing(consultation, **kwargs):
    return HearingFactory(
        consultation=consultation, starts_at=START, ends_at=START + timedelta(hours=2), **kwargs
    )


def _person(language: str, frequency: str | None = None):
    person = UserFactory(preferred_language=language)
    if frequency is not None:
        preference_set(user=person, category="hearings", frequency=frequency)
    return person


def _mail_to(person) -> list:
    return [message for message in mail.outbox if message.to == [person.email]]


def _move_a_week_and_five_and_a_half_hours_on(hearing, commissioner, capture_on_commit) -> None:
    later = START + timedelta(days=7, hours=5, minutes=30)
    mail.outbox.clear()
    with capture_on_commit(execute=True):
        services.hearing_save(
            actor=commissioner,
            hearing=hearing,
            data=replace(HearingInput.of(hearing), starts_at=later, ends_at=later + timedelta(hours=2)),
        )


@pytest.mark.parametrize("frequency", ["daily", "weekly", "off"])
def test_a_cancellation_is_emailed_at_once_to_the_registered_whatever_their_digest_setting(
    consultation, commissioner, frequency, django_capture_on_commit_callbacks
):
    hearing = _hearing(consultation)
    person = _person("ru", frequency)
    registration = hearing_register(user=person, hearing=hearing)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.hearing_transition(
            hearing=hearing, to_status="cancelled", actor=commissioner, reason="Зал закрыт на ремонт."
        )
    [email] = _mail_to(person)
    assert email.subject == f"[Qatysu] Слушания «{hearing.title_kk}» отменены."
    assert "отменены. Причина: Зал закрыт на ремонт." in email.body
    assert email.extra_headers["Content-Language"] == "ru"
    # Nothing is left to cancel, nor a time to come at.
    assert "/hearings/cancel/" not in email.body and registration.code not in email.body
    # The centre keeps it, and no digest repeats it.
    notice = Notification.objects.get(recipient=person, kind="hearing.cancelled_because")
    assert notice.emailed_at is not None


def test_a_follower_of_the_agenda_keeps_their_digest(
    consultation, commissioner, django_capture_on_commit_callbacks
):
    hearing = _hearing(consultation)
    follower = _person("kk", "daily")
    proposal = ProposalFactory(consultation=consultation, status="published")
    follow_add(user=follower, proposal=proposal)
    AgendaItemFactory(hearing=hearing).proposals.add(proposal)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.hearing_transition(hearing=hearing, to_status="cancelled", actor=commissioner)
    assert _mail_to(follower) == []
    notice = Notification.objects.get(recipient=follower, kind="hearing.cancelled")
    assert notice.emailed_at is None  # for tomorrow's digest


@pytest.mark.parametrize(
    ("language", "date", "subject"),
    [
        ("kk", "22 наурыз 2030 ж., 15:30", "«Тыңдау"),
        ("ru", "22 марта 2030 г., 15:30", "Слушания «"),
    ],
)
def test_a_moved_hearing_is_emailed_with_its_new_time_in_almaty_in_the_persons_language(
    consultation, commissioner, language, date, subject, django_capture_on_commit_callbacks
):
    hearing = _hearing(consultation)
    person = _person(language, "weekly")
    registration = hearing_register(user=person, hearing=hearing)
    _move_a_week_and_five_and_a_half_hours_on(hearing, commissioner, django_capture_on_commit_callbacks)
    [email] = _mail_to(person)
    assert subject in email.subject and email.extra_headers["Content-Language"] == language
    assert date in email.body  # 10:30 UTC is 15:30 in Almaty
    assert registration.code in email.body and "/hearings/cancel/" in email.body
    assert f"/hearings/{hearing.pk}.ics" in email.body


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        (
            "kk",
            "«Қоғамдық тыңдау №2 (демо)» тыңдауы ауыстырылды: енді 22 наурыз 2030 ж., 15:30 (Алматы уақыты) "
            "басталады…",
        ),
        (
            "ru",
            "Слушания «Қоғамдық тыңдау №2 (демо)» перенесены: теперь они начнутся 22 марта 2030 г., 15:30 "
            "(время Алматы)…",
        ),
    ],
)
def test_a_moved_hearings_long_subject_stops_before_the_venue_not_in_a_word(
    consultation, commissioner, language, subject, django_capture_on_commit_callbacks
):
    """Cut at 120 characters, the Russian subject ended "ме…" (место) and the Kazakh one "орн…" (орны)."""
    hearing = _hearing(
        consultation,
        title_kk="Қоғамдық тыңдау №2 (демо)",
        venue_kk="Астана, Мәңгілік Ел даңғылы, 4, 2-зал",
        venue_ru="Астана, проспект Мангилик Ел, 4, зал 2",
    )
    person = _person(language)
    hearing_register(user=person, hearing=hearing)
    _move_a_week_and_five_and_a_half_hours_on(hearing, commissioner, django_capture_on_commit_callbacks)
    [email] = _mail_to(person)
    assert email.subject == f"[Qatysu] {subject}"


def test_a_new_livestream_link_is_emailed_to_the_registered(
    consultation, commissioner, settings, django_capture_on_commit_callbacks
):
    settings.HEARING_STREAM_HOSTS = ["www.youtube.com"]
    hearing = _hearing(consultation)
    person = _person("ru", "off")
    hearing_register(user=person, hearing=hearing)
    mail.outbox.clear()
    link = "https://www.youtube.com/embed/new-stream"
    with django_capture_on_commit_callbacks(execute=True):
        services.hearing_save(
            actor=commissioner, hearing=hearing, data=replace(HearingInput.of(hearing), stream_url=link)
        )
    [email] = _mail_to(person)
    assert link in email.body and "Прямая трансляция: " in email.body
    assert Notification.objects.filter(recipient=person, kind="hearing.changed").count() == 1


def test_the_waiting_list_is_told_too(consultation, commissioner, django_capture_on_commit_callbacks):
    hearing = _hearing(consultation, capacity=1)
    hearing_register(user=UserFactory(), hearing=hearing)
    waiting = _person("kk", "daily")
    hearing_register(user=waiting, hearing=hearing)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.hearing_transition(hearing=hearing, to_status="postponed", actor=commissioner)
    [email] = _mail_to(waiting)
    # A postponed hearing's old time is no longer a time to come at.
    assert "наурыз" not in email.body and "/hearings/cancel/" in email.body


def test_nobody_who_left_or_whose_account_is_closed_or_whose_address_refuses_mail_is_emailed(
    consultation, commissioner, django_capture_on_commit_callbacks
):
    hearing = _hearing(consultation)
    left, closed, refused, staying = (_person("kk", "daily") for _ in range(4))
    for person in (left, closed, refused, staying):
        hearing_register(user=person, hearing=hearing)
    hearing_registration_cancel(registration=left.hearing_registrations.get(), user=left)
    closed.is_active = False
    closed.save()
    SuppressedAddress.objects.create(email=refused.email.lower(), reason="permanent refusal 550")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.hearing_transition(hearing=hearing, to_status="cancelled", actor=commissioner)
    assert [message.to for message in mail.outbox] == [[staying.email]]
    assert not Notification.objects.filter(recipient__in=[left, closed], kind="hearing.cancelled").exists()


def test_the_staff_member_who_cancels_is_not_mailed_about_their_own_action(
    consultation, commissioner, django_capture_on_commit_callbacks
):
    hearing = _hearing(consultation)
    hearing_register(user=commissioner, hearing=hearing)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.hearing_transition(hearing=hearing, to_status="cancelled", actor=commissioner)
    assert mail.outbox == []
