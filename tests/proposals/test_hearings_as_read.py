"""Hearings as citizens and organisations read them: the calendar feed in the reader's language, seats that
exist, a postponed hearing's date, the names of speakers, the cancel page of a person waiting, the live page
and what came of a hearing afterwards."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from icalendar import Calendar

from portal.accounts.models import User
from portal.notifications.messages import render_message
from portal.notifications.models import Notification
from proposals.models import SpeakerRequest
from proposals.services import hearing as services
from proposals.services import hearing_agenda as agenda
from proposals.services import hearing_notices, hearing_registration
from proposals.services.hearing import HearingInput
from tests.conftest import sign_in_staff
from tests.factories import OrganisationFactory, UserFactory

from .factories import AgendaItemFactory, HearingFactory, ProposalFactory, date_parts, held, under_way

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def _page(client, path):
    return client.get(path).content.decode()


@pytest.mark.parametrize(
    ("language", "title", "prefix"),
    [("kk", "Тыңдау", "/kk/"), ("ru", "Слушания", "/ru/"), ("en", "Hearing", "/en/")],
)
def test_the_calendar_feed_linked_from_a_list_is_in_that_lists_language(
    client, consultation, language, title, prefix
):
    hearing = HearingFactory(
        consultation=consultation, title_kk="Тыңдау", title_ru="Слушания", title_en="Hearing"
    )
    link = f'href="/hearings.ics?language={language}"'
    assert link in _page(client, f"/{language}/hearings/")
    # A calendar app sends no cookie and no Accept-Language: the link alone says which language.
    response = client.get(f"/hearings.ics?language={language}", HTTP_ACCEPT_LANGUAGE="")
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert str(event["summary"]) == title
    assert str(event["url"]).endswith(f"{prefix}hearings/{hearing.pk}/")


def test_the_calendar_feed_without_or_with_an_unknown_language_still_answers(client, consultation):
    HearingFactory(consultation=consultation)
    for path in ("/hearings.ics", "/hearings.ics?language=xx"):
        response = client.get(path)
        assert response.status_code == 200
        assert len(list(Calendar.from_ical(response.content).walk("VEVENT"))) == 1


def test_seats_are_never_fewer_than_people_holding_one(client, consultation, commissioner):
    hearing = HearingFactory(consultation=consultation, capacity=3)
    for person in UserFactory.create_batch(2):
        hearing_registration.hearing_register(user=person, hearing=hearing)
    with pytest.raises(ValidationError) as refused:
        services.hearing_save(
            actor=commissioner, hearing=hearing, data=replace(HearingInput.of(hearing), capacity=1)
        )
    assert list(refused.value.message_dict) == ["capacity"]
    hearing.refresh_from_db()
    assert hearing.capacity == 3
    # As many seats as are taken is fine: nobody is left without a chair.
    services.hearing_save(
        actor=commissioner, hearing=hearing, data=replace(HearingInput.of(hearing), capacity=2)
    )
    sign_in_staff(client, commissioner)
    starts = timezone.localtime(hearing.starts_at, ALMATY).strftime("%Y-%m-%dT%H:%M")
    ends = timezone.localtime(hearing.ends_at, ALMATY).strftime("%Y-%m-%dT%H:%M")
    form = {
        "title_en": hearing.title_en,
        **date_parts("starts_at", starts),
        **date_parts("ends_at", ends),
        "format": "in_person",
        "capacity": "1",
    }
    response = client.post(f"/ru/staff/hearings/{hearing.pk}/", form)
    assert response.context["form"].errors == {
        "capacity": ["Уже занято мест: 2. Мест на слушаниях не может быть меньше."]
    }


def test_a_postponed_hearings_date_reads_as_not_confirmed(client, consultation, commissioner):
    hearing = HearingFactory(consultation=consultation)
    on_time = HearingFactory(consultation=consultation)
    services.hearing_transition(hearing=hearing, to_status="postponed", actor=commissioner)
    page = _page(client, f"/ru/hearings/{hearing.pk}/")
    assert "Не подтверждено: слушания перенесены, Комиссия объявит их дату." in page
    listing = _page(client, "/kk/hearings/")
    assert listing.count("(расталмаған)") == 1
    assert "Не подтверждено" not in _page(client, f"/ru/hearings/{on_time.pk}/")


def test_a_closed_registration_says_why_and_does_not_send_visitors_to_sign_in(
    client, consultation, commissioner
):
    starts = timezone.now() + timedelta(days=7)
    not_yet = HearingFactory(
        consultation=consultation,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        registration_opens_at=datetime(2030, 3, 1, 4, tzinfo=UTC),
    )
    postponed = HearingFactory(consultation=consultation)
    services.hearing_transition(hearing=postponed, to_status="postponed", actor=commissioner)
    begun = under_way(HearingFactory(consultation=consultation))
    closed = HearingFactory(
        consultation=consultation, registration_closes_at=datetime(2026, 1, 10, 13, tzinfo=UTC)
    )
    for hearing, reason in (
        (not_yet, "Регистрация откроется 1 марта 2030 г., 09:00 (время Алматы)."),
        (postponed, "Регистрация возобновится, когда у слушаний появится новая дата."),
        (begun, "Слушания уже начались: регистрация закрыта."),
        (closed, "Регистрация закрылась 10 января 2026 г., 18:00 (время Алматы)."),
    ):
        page = _page(client, f"/ru/hearings/{hearing.pk}/")
        assert reason in page
        assert "/accounts/login/" not in page.split('id="registration-heading"')[1].split("</section>")[0]
    # Seats of a hearing under way are no offer any more.
    assert "Места" not in _page(client, f"/ru/hearings/{begun.pk}/").split("<dl")[1].split("</dl>")[0]
    # An open one still asks a visitor to sign in.
    open_page = _page(client, f"/ru/hearings/{HearingFactory(consultation=consultation).pk}/")
    assert "Войдите, чтобы зарегистрироваться на слушания." in open_page


def test_a_speaker_is_named_as_on_their_proposal_with_their_organisation(client, consultation, commissioner):
    hearing = HearingFactory(consultation=consultation)
    member, erased = UserFactory(display_name="Dana"), UserFactory(display_name="Ruslan")
    organisation = OrganisationFactory(name="Civic Lab")
    on_behalf = ProposalFactory(
        consultation=consultation, author=member, submitter_type="organisation", organisation=organisation
    )
    own = ProposalFactory(consultation=consultation, author=erased)
    for author, proposal in ((member, on_behalf), (erased, own)):
        asked = agenda.speaker_request_create(user=author, hearing=hearing, proposal=proposal)
        agenda.speaker_request_decide(speaker_request=asked, actor=commissioner, accept=True)
    User.objects.filter(pk=erased.pk).update(display_name="", erased_at=timezone.now())
    agenda_html = _page(client, f"/en/hearings/{hearing.pk}/").split('id="agenda-heading"', 1)[1]
    assert "Dana (Civic Lab)" in agenda_html
    # An erased account speaks as a former participant, as on their proposal, not as a blank.
    assert "Former participant" in agenda_html


def test_a_person_waiting_is_asked_to_leave_the_waiting_list_not_to_give_up_a_seat(client, consultation):
    hearing = HearingFactory(consultation=consultation, capacity=1, title_ru="Бюджеты")
    seated, waiting = UserFactory(), UserFactory()
    hearing_registration.hearing_register(user=seated, hearing=hearing)
    registration = hearing_registration.hearing_register(user=waiting, hearing=hearing)
    page = _page(client, f"/ru/hearings/cancel/{hearing_notices.cancel_token(registration)}/")
    assert "Покинуть лист ожидания слушаний «Бюджеты»?" in page
    assert "Ваше место перейдёт" not in page
    client.force_login(waiting)
    assert "Покинуть лист ожидания</button>" in _page(client, f"/ru/hearings/{hearing.pk}/")


def test_after_the_hearing_the_page_says_what_became_of_its_proposals_and_that_minutes_follow(
    client, consultation, commissioner
):
    hearing = HearingFactory(consultation=consultation)
    answered = ProposalFactory(consultation=consultation, status="responded")
    AgendaItemFactory(hearing=hearing, title_en="Budgets", proposals=[answered])
    before = _page(client, f"/en/hearings/{hearing.pk}/")
    assert "status-responded" not in before and "will be published here" not in before
    held(hearing)
    services.hearing_transition(hearing=hearing, to_status="finished", actor=commissioner)
    after = _page(client, f"/en/hearings/{hearing.pk}/")
    assert '<span class="badge status-responded">Answered</span>' in after.split('id="agenda-heading"', 1)[1]
    assert "The minutes and the recording will be published here." in after
    services.hearing_outcome_save(actor=commissioner, hearing=hearing, minutes_en="Agreed.")
    assert "will be published here" not in _page(client, f"/en/hearings/{hearing.pk}/")


def test_a_live_stream_can_also_be_opened_on_its_own_site(client, consultation):
    hearing = under_way(
        HearingFactory(consultation=consultation, stream_url="https://www.youtube.com/watch?v=abc123")
    )
    link = '<a href="https://www.youtube.com/watch?v=abc123" rel="noopener noreferrer">Трансляцияны өз сайтында ашу</a>'
    assert link not in _page(client, f"/kk/hearings/{hearing.pk}/")
    services.hearing_transition(hearing=hearing, to_status="live", actor=None)
    assert link in _page(client, f"/kk/hearings/{hearing.pk}/")


def test_once_the_hearing_has_begun_no_page_offers_a_cancellation_that_would_be_refused(client, consultation):
    hearing = HearingFactory(consultation=consultation, capacity=1)
    seated, waiting = UserFactory(), UserFactory()
    registration = hearing_registration.hearing_register(user=seated, hearing=hearing)
    hearing_registration.hearing_register(user=waiting, hearing=hearing)
    under_way(hearing)
    cancel_page = _page(client, f"/ru/hearings/cancel/{hearing_notices.cancel_token(registration)}/")
    assert "Слушания начались: регистрацию больше нельзя отменить" in cancel_page
    assert "Отменить мою регистрацию" not in cancel_page
    client.force_login(seated)
    page = _page(client, f"/ru/hearings/{hearing.pk}/")
    assert registration.code in page and "/unregister/" not in page
    client.force_login(waiting)
    page = _page(client, f"/ru/hearings/{hearing.pk}/")
    assert "Слушания начались: место для вас так и не освободилось." in page
    assert "Мы напишем вам" not in page and "/unregister/" not in page


def test_the_seat_email_links_the_calendar_file_in_the_readers_language(
    settings, consultation, django_capture_on_commit_callbacks
):
    hearing = HearingFactory(consultation=consultation, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        hearing_registration.hearing_register(user=UserFactory(preferred_language="ru"), hearing=hearing)
        hearing_registration.hearing_register(user=UserFactory(preferred_language="ru"), hearing=hearing)
    seat, waiting = (message.body for message in mail.outbox)
    assert f"Добавьте слушания в свой календарь: {settings.SITE_URL}/ru/hearings/{hearing.pk}.ics" in seat
    # A place on the waiting list is no date to keep yet.
    assert ".ics" not in waiting


def test_a_cancelled_hearing_stays_among_the_upcoming_until_its_date_marked_cancelled(
    client, consultation, commissioner
):
    cancelled = HearingFactory(consultation=consultation, title_en="Called off")
    services.hearing_transition(hearing=cancelled, to_status="cancelled", actor=commissioner)
    upcoming = _page(client, "/en/hearings/")
    assert "Called off" in upcoming and '<span class="badge status-cancelled">Cancelled</span>' in upcoming
    assert "Called off" not in _page(client, "/en/hearings/?when=past")
    held(cancelled)
    assert "Called off" not in _page(client, "/en/hearings/")
    assert "Called off" in _page(client, "/en/hearings/?when=past")


def test_those_told_of_a_postponement_are_told_when_the_hearing_is_on_again(
    client, consultation, commissioner
):
    hearing = HearingFactory(
        consultation=consultation, title_ru="Бюджеты", starts_at=datetime(2030, 3, 15, 5, tzinfo=UTC)
    )
    hearing.ends_at = hearing.starts_at + timedelta(hours=2)
    hearing.save()
    person = UserFactory()
    hearing_registration.hearing_register(user=person, hearing=hearing)
    services.hearing_transition(hearing=hearing, to_status="postponed", actor=commissioner)
    services.hearing_transition(hearing=hearing, to_status="scheduled", actor=commissioner)
    notice = Notification.objects.get(recipient=person, kind="hearing.rescheduled")
    with translation.override("ru"):
        assert render_message(notice.kind, notice.params) == (
            "Слушания «Бюджеты» снова назначены: они начнутся 15 марта 2030 г., 10:00 (время Алматы), "
            "место: Астана, зал 2."
        )


def test_a_request_to_speak_stays_visible_to_its_author_with_the_decision(client, consultation, commissioner):
    hearing = HearingFactory(consultation=consultation)
    author = UserFactory()
    proposal = ProposalFactory(consultation=consultation, author=author, title="Local budgets")
    client.force_login(author)
    client.post(f"/ru/hearings/{hearing.pk}/speak/", {"proposal": proposal.pk, "message": ""})
    section = _page(client, f"/ru/hearings/{hearing.pk}/").split('id="my-speaker-requests-heading"')[1]
    assert "Local budgets" in section.split("</section>")[0] and "Ожидает решения" in section
    asked = SpeakerRequest.objects.get()
    agenda.speaker_request_decide(
        speaker_request=asked, actor=commissioner, accept=False, note="Нет времени."
    )
    section = _page(client, f"/ru/hearings/{hearing.pk}/").split('id="my-speaker-requests-heading"')[1]
    assert "Отклонено</span> Нет времени." in section
    # Nobody else sees it.
    client.force_login(UserFactory())
    assert "my-speaker-requests-heading" not in _page(client, f"/ru/hearings/{hearing.pk}/")


def test_the_join_link_is_offered_only_while_there_is_something_to_join(client, consultation, commissioner):
    hearing = HearingFactory(
        consultation=consultation, format="online", online_url="https://meet.example.org/h1"
    )
    called_off = HearingFactory(
        consultation=consultation, format="online", online_url="https://meet.example.org/h2"
    )
    assert "https://meet.example.org/h1" in _page(client, f"/en/hearings/{hearing.pk}/")
    held(hearing)
    services.hearing_transition(hearing=hearing, to_status="finished", actor=commissioner)
    services.hearing_transition(hearing=called_off, to_status="cancelled", actor=commissioner)
    assert "Join online" not in _page(client, f"/en/hearings/{hearing.pk}/")
    assert "Join online" not in _page(client, f"/en/hearings/{called_off.pk}/")


def test_a_hearing_whose_time_is_over_promises_no_livestream(client, consultation):
    hearing = HearingFactory(consultation=consultation, stream_url="https://www.youtube.com/watch?v=abc123")
    assert "The livestream appears here when the hearing starts." in _page(
        client, f"/en/hearings/{hearing.pk}/"
    )
    held(hearing)
    assert "The livestream appears here" not in _page(client, f"/en/hearings/{hearing.pk}/")


def test_a_proposal_is_not_still_to_be_discussed_at_a_hearing_whose_time_is_over(client, consultation):
    hearing = HearingFactory(consultation=consultation)
    proposal = ProposalFactory(consultation=consultation)
    AgendaItemFactory(hearing=hearing, proposals=[proposal])
    assert "Будет обсуждено на слушаниях" in _page(client, f"/ru/proposals/{proposal.pk}/")
    held(hearing)
    page = _page(client, f"/ru/proposals/{proposal.pk}/")
    assert "В повестке слушаний" in page and "Будет обсуждено" not in page
