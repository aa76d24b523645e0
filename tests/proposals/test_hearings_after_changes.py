"""What follows a change to a hearing or to a person: a freed seat goes to the first person waiting (told once,
with the code), a new start is reminded again, and a person's list of registrations says when a hearing is
cancelled or postponed."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from portal.accounts import privacy
from portal.accounts.models import User
from portal.notifications.messages import render_message
from portal.notifications.models import Notification
from proposals.models import HearingRegistration
from proposals.services import hearing as services
from proposals.services import hearing_notices, hearing_registration
from proposals.services.hearing import HearingInput
from tests.conftest import sign_in_staff
from tests.factories import UserFactory
from tests.page_text import text_of

from .factories import HearingFactory, ProposalFactory, held

pytestmark = pytest.mark.django_db


def test_a_promoted_person_gets_one_email_with_the_code_and_a_line_in_the_centre(
    consultation, django_capture_on_commit_callbacks
):
    hearing = HearingFactory(consultation=consultation, capacity=1)
    first, waiting = UserFactory(), UserFactory()
    registration = hearing_registration.hearing_register(user=first, hearing=hearing)
    hearing_registration.hearing_register(user=waiting, hearing=hearing)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = hearing_registration.hearing_registration_cancel(registration=registration, user=first)
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert promoted.code in mail.outbox[0].body and "/hearings/cancel/" in mail.outbox[0].body
    assert Notification.objects.filter(recipient=waiting, kind="hearing.promoted").count() == 1


def test_an_erased_accounts_seat_goes_to_the_first_person_waiting(
    consultation, django_capture_on_commit_callbacks
):
    hearing = HearingFactory(consultation=consultation, capacity=1)
    leaving, waiting = UserFactory(), UserFactory()
    hearing_registration.hearing_register(user=leaving, hearing=hearing)
    hearing_registration.hearing_register(user=waiting, hearing=hearing)
    privacy.account_deletion_request(user=leaving, requested_by=leaving, withdraw_content=False)
    User.objects.filter(pk=leaving.pk).update(deletion_due_at=timezone.now() - timedelta(seconds=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.accounts_erase_due() == 1
    statuses = dict(HearingRegistration.objects.values_list("user_id", "status"))
    # Not a free seat for whoever comes next, ahead of the person who was waiting.
    assert statuses == {leaving.pk: "cancelled", waiting.pk: "registered"}
    assert [m.to for m in mail.outbox] == [[waiting.email]]


def _moved_later(hearing, *, by, days: int) -> None:
    """Staff move the hearing `days` later, its length kept."""
    services.hearing_save(
        actor=by,
        hearing=hearing,
        data=replace(
            HearingInput.of(hearing),
            starts_at=hearing.starts_at + timedelta(days=days),
            ends_at=hearing.ends_at + timedelta(days=days),
        ),
    )


def test_a_hearing_moved_to_another_day_is_reminded_again_before_its_new_start(
    consultation, commissioner, citizen, settings
):
    settings.HEARING_REMINDER_BEFORE = timedelta(hours=24)
    hearing = HearingFactory(consultation=consultation, starts_at=timezone.now() + timedelta(hours=10))
    hearing_registration.hearing_register(user=citizen, hearing=hearing)
    assert hearing_notices.hearing_reminders_send() == 1
    _moved_later(hearing, by=commissioner, days=3)
    assert hearing_notices.hearing_reminders_send() == 0  # the new start is days away
    a_day_before = hearing.starts_at + timedelta(days=3) - timedelta(hours=10)
    assert hearing_notices.hearing_reminders_send(now=a_day_before) == 1
    assert Notification.objects.filter(kind="hearing.reminder", recipient=citizen).count() == 2


def test_an_online_hearing_moved_names_its_format_where_the_venue_would_be(
    consultation, commissioner, citizen
):
    """An online hearing has no venue: its move read "venue: —"."""
    hearing = HearingFactory(
        consultation=consultation, format="online", venue_kk="", venue_ru="", venue_en=""
    )
    hearing_registration.hearing_register(user=citizen, hearing=hearing)
    _moved_later(hearing, by=commissioner, days=1)
    moved = Notification.objects.get(kind="hearing.moved", recipient=citizen)
    with translation.override("kk"):
        assert render_message(moved.kind, moved.params).endswith("өтетін орны: Онлайн.")


def test_a_venue_change_does_not_remind_twice(consultation, commissioner, citizen, settings):
    settings.HEARING_REMINDER_BEFORE = timedelta(hours=24)
    hearing = HearingFactory(consultation=consultation, starts_at=timezone.now() + timedelta(hours=10))
    hearing_registration.hearing_register(user=citizen, hearing=hearing)
    assert hearing_notices.hearing_reminders_send() == 1
    services.hearing_save(
        actor=commissioner, hearing=hearing, data=replace(HearingInput.of(hearing), venue_en="Hall 3")
    )
    assert hearing_notices.hearing_reminders_send() == 0


def test_my_registrations_say_when_the_hearing_is_cancelled_or_postponed(client, consultation, citizen):
    cancelled, postponed, coming = (HearingFactory(consultation=consultation) for _ in range(3))
    for hearing in (cancelled, postponed, coming):
        hearing_registration.hearing_register(user=citizen, hearing=hearing)
    services.hearing_transition(hearing=cancelled, to_status="cancelled", actor=None)
    services.hearing_transition(hearing=postponed, to_status="postponed", actor=None)
    client.force_login(citizen)
    page = client.get("/ru/me/").content.decode()
    rows = {
        hearing.pk: next(line for line in page.splitlines() if f"/ru/hearings/{hearing.pk}/" in line)
        for hearing in (cancelled, postponed, coming)
    }
    # «Зарегистрирована» beside a cancelled hearing would send the reader to a hearing that will not be held.
    assert "Отменено" in rows[cancelled.pk] and "Зарегистрирован" not in rows[cancelled.pk]
    assert "Перенесено" in rows[postponed.pk]
    assert "Зарегистрирован" in rows[coming.pk]


# --- once the hearing's time has come -------------------------------------------------------------------


def test_a_hearing_whose_time_is_over_reads_as_ended_until_the_secretariat_closes_it(
    client, consultation, commissioner
):
    over = held(HearingFactory(consultation=consultation, title_en="Hearing on the courts"))
    coming = HearingFactory(consultation=consultation, title_en="Hearing on the regions")
    upcoming = client.get("/en/hearings/").content.decode()
    assert "Hearing on the regions" in upcoming and "Hearing on the courts" not in upcoming
    past = client.get("/en/hearings/?when=past").content.decode()
    assert "Hearing on the courts" in past and "Hearing on the regions" not in past
    page = client.get(f"/ru/hearings/{over.pk}/").content.decode()
    assert "Прошло" in page and "Запланировано" not in page
    # Nothing offered that it is too late for: seats, registration, a request to speak.
    assert "Свободно" not in page and 'id="registration-heading"' not in page
    author = ProposalFactory(consultation=consultation, status="published").author
    client.force_login(author)
    assert "Попросить" not in client.get(f"/ru/hearings/{over.pk}/").content.decode()
    assert "Попросить" in client.get(f"/ru/hearings/{coming.pk}/").content.decode()
    sign_in_staff(client, commissioner)
    staff = client.get("/en/staff/hearings/").content.decode()
    row = next(line for line in staff.split("<tr>") if "Hearing on the courts" in line)
    assert "to close: mark it finished or cancelled" in row
    assert "to close" not in next(line for line in staff.split("<tr>") if "Hearing on the regions" in line)
    services.hearing_transition(hearing=over, to_status="finished", actor=commissioner)
    assert "Завершено" in client.get(f"/ru/hearings/{over.pk}/").content.decode()
    assert coming.is_upcoming and not over.is_upcoming


def test_once_the_hearing_has_begun_registrations_stand_and_nobody_is_promoted(
    client, consultation, django_capture_on_commit_callbacks
):
    hearing = HearingFactory(consultation=consultation, capacity=1)
    came, waiting = UserFactory(), UserFactory()
    registration = hearing_registration.hearing_register(user=came, hearing=hearing)
    hearing_registration.hearing_register(user=waiting, hearing=hearing)
    held(hearing)
    with pytest.raises(ValidationError, match="has begun"):
        hearing_registration.hearing_registration_cancel(registration=registration, user=came)
    with pytest.raises(ValidationError, match="has begun"):
        hearing_registration.hearing_registration_cancel(registration=registration, by_signed_link=True)
    client.force_login(came)
    response = client.post(f"/en/hearings/{hearing.pk}/unregister/", follow=True)
    assert "registrations can no longer be cancelled" in response.content.decode()
    assert HearingRegistration.objects.get(user=came).status == "registered"
    # An erasure still takes the registration back, and offers the seat to nobody after the start.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        hearing_registration.hearing_registration_cancel(registration=registration, user=came, erasing=True)
    statuses = dict(HearingRegistration.objects.values_list("user_id", "status"))
    assert statuses == {came.pk: "cancelled", waiting.pk: "waitlisted"}
    assert mail.outbox == []


def test_the_record_of_a_hearing_waits_until_it_has_taken_place(client, consultation, commissioner):
    hearing = HearingFactory(consultation=consultation)
    with pytest.raises(ValidationError, match="once it has taken place"):
        services.hearing_outcome_save(actor=commissioner, hearing=hearing, minutes_en="It went well.")
    sign_in_staff(client, commissioner)
    page = client.get(f"/en/staff/hearings/{hearing.pk}/").content.decode()
    assert "published once it has taken place" in page and "minutes_en" not in page
    held(hearing)
    services.hearing_transition(hearing=hearing, to_status="cancelled", actor=commissioner)
    with pytest.raises(ValidationError, match="once it has taken place"):
        services.hearing_outcome_save(actor=commissioner, hearing=hearing, minutes_en="It went well.")
    finished = held(HearingFactory(consultation=consultation))
    services.hearing_outcome_save(actor=commissioner, hearing=finished, minutes_en="Three speakers.")
    finished.refresh_from_db()
    assert finished.minutes_en == "Three speakers."
    assert 'name="minutes_en"' in client.get(f"/en/staff/hearings/{finished.pk}/").content.decode()


def test_the_reason_of_a_cancellation_is_on_the_page_and_in_the_notice(
    client, consultation, commissioner, citizen, django_capture_on_commit_callbacks
):
    hearing = HearingFactory(consultation=consultation)
    hearing_registration.hearing_register(user=citizen, hearing=hearing)
    citizen.preferred_language = "ru"
    citizen.save()
    sign_in_staff(client, commissioner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/ru/staff/hearings/{hearing.pk}/status/",
            {"to_status": "cancelled", "reason": "Зал закрыт на ремонт; слушания пройдут онлайн 20 декабря."},
        )
    hearing.refresh_from_db()
    assert hearing.status == "cancelled"
    [told] = [m.body for m in mail.outbox if m.to == [citizen.email]]
    assert "Слушания «" in told and "отменены. Причина: Зал закрыт на ремонт" in told
    page = client.get(f"/kk/hearings/{hearing.pk}/").content.decode()
    assert "Себебі: Зал закрыт на ремонт" in text_of(page)
    # Without a reason, the notice says what it always said, with no dangling "Reason:".
    other = HearingFactory(consultation=consultation)
    hearing_registration.hearing_register(user=citizen, hearing=other)
    services.hearing_transition(hearing=other, to_status="postponed", actor=commissioner)
    notice = Notification.objects.filter(recipient=citizen, kind="hearing.postponed").get()
    assert notice.params["reason"] == ""
    assert "Себебі" not in client.get(f"/kk/hearings/{other.pk}/").content.decode()


def test_throw_away_accounts_behind_one_address_cannot_take_every_seat(consultation, client, settings):
    """An account needs only a confirmed email to register: a farm of them took every seat of a hearing."""
    settings.HEARING_REGISTRATIONS_PER_ADDRESS_PER_DAY = 3
    settings.PORTAL_TRUSTED_PROXY_HOPS = 1
    hearing = HearingFactory(consultation=consultation, capacity=10)
    statuses = []
    for number in range(4):
        client.force_login(UserFactory())
        # What the client wrote before the proxy's own entry changes nothing.
        client.post(
            f"/en/hearings/{hearing.pk}/register/", HTTP_X_FORWARDED_FOR=f"10.1.{number}.1, 203.0.113.9"
        )
        statuses.append(HearingRegistration.objects.filter(hearing=hearing).count())
    assert statuses == [1, 2, 3, 3]
    refused = client.get(f"/en/hearings/{hearing.pk}/")
    assert "Too many registrations for this hearing came from your network" in refused.content.decode()
    client.force_login(UserFactory())
    client.post(f"/en/hearings/{hearing.pk}/register/", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert HearingRegistration.objects.filter(hearing=hearing).count() == 4
