"""A hearing moved to another time takes its agenda with it, and its registration closes by its start at the
latest, as the secretariat sets them on the staff page."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from portal.core.models import AuditEntry
from proposals.models import AgendaItem
from proposals.services import hearing as services
from proposals.services.hearing import HearingInput
from proposals.services.hearing_agenda import AgendaItemInput, agenda_item_save
from tests.conftest import sign_in_staff

from .factories import AgendaItemFactory, HearingFactory, date_parts

pytestmark = pytest.mark.django_db

# 15 March 2030, 10:00 to 12:00 in Almaty (UTC+5).
START = datetime(2030, 3, 15, 5, tzinfo=UTC)


@pytest.fixture
def hearing(consultation):
    return HearingFactory(consultation=consultation, starts_at=START, ends_at=START + timedelta(hours=2))


def _slot(hearing, minutes_in: int, length: int = 30, **kwargs) -> AgendaItem:
    starts = hearing.starts_at + timedelta(minutes=minutes_in)
    return AgendaItemFactory(
        hearing=hearing, starts_at=starts, ends_at=starts + timedelta(minutes=length), **kwargs
    )


def _moved(hearing, *, by: timedelta, longer: timedelta = timedelta(0)) -> HearingInput:
    return replace(
        HearingInput.of(hearing), starts_at=hearing.starts_at + by, ends_at=hearing.ends_at + by + longer
    )


def test_the_agenda_moves_with_the_hearings_start_and_the_move_is_on_record(hearing, commissioner):
    first, second = _slot(hearing, 0), _slot(hearing, 45, length=60)
    untimed = AgendaItemFactory(hearing=hearing)
    by = timedelta(days=2, hours=3)
    services.hearing_save(actor=commissioner, hearing=hearing, data=_moved(hearing, by=by))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.starts_at, first.ends_at) == (START + by, START + by + timedelta(minutes=30))
    assert (second.starts_at, second.ends_at) == (
        START + by + timedelta(minutes=45),
        START + by + timedelta(minutes=105),
    )
    untimed.refresh_from_db()
    assert untimed.starts_at is None and untimed.ends_at is None
    entry = AuditEntry.objects.get(action="hearing.saved")
    assert entry.details == {
        "moved": True,
        "agenda_items_moved": sorted([first.pk, second.pk]),
        "agenda_shift_minutes": (2 * 24 + 3) * 60,
    }


def test_an_item_edited_after_the_move_is_still_within_the_hearing(hearing, commissioner):
    item = _slot(hearing, 30)
    services.hearing_save(actor=commissioner, hearing=hearing, data=_moved(hearing, by=timedelta(days=1)))
    hearing.refresh_from_db()
    item.refresh_from_db()
    # Renaming the item kept its (moved) slot, which the agenda's rule now accepts.
    saved = agenda_item_save(
        actor=commissioner,
        hearing=hearing,
        item=item,
        data=AgendaItemInput(title_en="Local budgets", starts_at=item.starts_at, ends_at=item.ends_at),
    )
    assert saved.starts_at == START + timedelta(days=1, minutes=30)


def test_a_move_that_would_cut_an_item_off_is_refused_by_its_title_and_changes_nothing(hearing, commissioner):
    item = _slot(hearing, 90, title_en="Questions from the floor")
    shorter = _moved(hearing, by=timedelta(hours=1), longer=-timedelta(hours=1))
    with pytest.raises(ValidationError) as refused:
        services.hearing_save(actor=commissioner, hearing=hearing, data=shorter)
    assert "Questions from the floor" in refused.value.message_dict["ends_at"][0]
    item.refresh_from_db()
    hearing.refresh_from_db()
    assert item.starts_at == START + timedelta(minutes=90) and hearing.starts_at == START


def test_staff_moving_a_hearing_are_told_its_agenda_moved_and_see_the_new_times(
    client, hearing, commissioner
):
    _slot(hearing, 0)
    _slot(hearing, 30)
    sign_in_staff(client, commissioner)
    form = {
        "title_en": hearing.title_en,
        **date_parts("starts_at", "2030-03-16T15:00"),
        **date_parts("ends_at", "2030-03-16T17:00"),
        "format": "in_person",
        "venue_ru": "Астана, зал 2",
        "capacity": "50",
    }
    response = client.post(f"/ru/staff/hearings/{hearing.pk}/", form, follow=True)
    page = response.content.decode()
    assert "Слушания сохранены. 2 пункта повестки перенесены вместе с ними на новое время." in page
    assert "(15:00)" in page and "(15:30)" in page


def test_registration_may_not_close_after_the_hearing_starts(hearing, commissioner):
    late = replace(HearingInput.of(hearing), registration_closes_at=START + timedelta(minutes=1))
    with pytest.raises(ValidationError) as refused:
        services.hearing_save(actor=commissioner, hearing=hearing, data=late)
    assert list(refused.value.message_dict) == ["registration_closes_at"]
    at_start = replace(HearingInput.of(hearing), registration_closes_at=START)
    assert (
        services.hearing_save(actor=commissioner, hearing=hearing, data=at_start).registration_closes_at
        == START
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("kk", "Тіркелу ең кешінде тыңдау басталған кезде жабылуы керек."),
        ("ru", "Регистрация должна закрываться не позже начала слушаний."),
        ("en", "Registration must close at the latest when the hearing starts."),
    ],
)
def test_the_staff_form_says_beside_the_field_that_registration_closes_by_the_start(
    client, hearing, commissioner, language, message
):
    sign_in_staff(client, commissioner)
    form = {
        "title_en": hearing.title_en,
        **date_parts("starts_at", "2030-03-15T10:00"),
        **date_parts("ends_at", "2030-03-15T12:00"),
        **date_parts("registration_closes_at", "2030-03-15T10:30"),
        "format": "in_person",
        "capacity": "50",
    }
    response = client.post(f"/{language}/staff/hearings/{hearing.pk}/", form)
    assert response.status_code == 200
    assert response.context["form"].errors == {"registration_closes_at": [message]}
    hearing.refresh_from_db()
    assert hearing.registration_closes_at is None


def test_an_earlier_end_that_would_cut_an_item_off_is_refused_as_a_move_is(hearing, commissioner):
    item = _slot(hearing, 90, title_en="Questions from the floor")
    shorter = replace(HearingInput.of(hearing), ends_at=hearing.ends_at - timedelta(hours=1))
    with pytest.raises(ValidationError) as refused:
        services.hearing_save(actor=commissioner, hearing=hearing, data=shorter)
    assert "Questions from the floor" in refused.value.message_dict["ends_at"][0]
    hearing.refresh_from_db()
    assert hearing.ends_at == START + timedelta(hours=2)
    # An end that still holds every item is saved, and the items keep their times.
    longer = replace(HearingInput.of(hearing), ends_at=hearing.ends_at + timedelta(hours=1))
    services.hearing_save(actor=commissioner, hearing=hearing, data=longer)
    item.refresh_from_db()
    assert item.starts_at == START + timedelta(minutes=90)
