"""Registration for a hearing closes by its start at the latest, as the secretariat sets it on the staff page."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from proposals.services import hearing as services
from proposals.services.hearing import HearingInput
from tests.conftest import sign_in_staff

from .factories import HearingFactory, date_parts

pytestmark = pytest.mark.django_db

# 15 March 2030, 10:00 to 12:00 in Almaty (UTC+5).
START = datetime(2030, 3, 15, 5, tzinfo=UTC)


@pytest.fixture
def hearing(consultation):
    return HearingFactory(consultation=consultation, starts_at=START, ends_at=START + timedelta(hours=2))


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
