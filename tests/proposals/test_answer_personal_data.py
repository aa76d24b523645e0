"""An answer's reasons and the reason of a correction are published on the proposal's page, in the API and in
the open data: personal data typed into them is refused before anything is saved or published."""

import pytest
from django.core.exceptions import ValidationError

from proposals.models import ProposalResponse
from proposals.services.response import (
    ResponseCorrection,
    ResponseInput,
    response_correct,
    response_draft_save,
)
from tests.conftest import sign_in_staff
from tests.identity import make_iin

from .factories import ProposalFactory, publish_response

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "reasoning",
    [
        f"The Commission spoke to the author (IIN {make_iin(77)}) and agrees.",
        "Write to the author at nurlan.k@mail.kz for the details of the agreement.",
        # Russian text, the IIN split by a zero-width joiner: the reader still sees twelve digits.
        f"Комиссия согласна; ИИН автора {make_iin(78)[:4]}\u2060{make_iin(78)[4:]}.",
    ],
)
def test_an_answer_quoting_personal_data_is_not_saved(commissioner, reasoning):
    proposal = ProposalFactory(status="published", language="en")
    with pytest.raises(ValidationError) as refusal:
        response_draft_save(
            proposal=proposal,
            author=commissioner,
            data=ResponseInput(
                status="accepted", reasoning_en="The Commission agrees.", reasoning_ru=reasoning
            )
            if "Комиссия" in reasoning
            else ResponseInput(status="accepted", reasoning_en=reasoning),
        )
    field = "reasoning_ru" if "Комиссия" in reasoning else "reasoning_en"
    assert "open data" in " ".join(refusal.value.message_dict[field])
    assert not ProposalResponse.objects.filter(proposal=proposal).exists()


def test_the_answer_form_says_why_in_the_members_language(client, commissioner):
    proposal = ProposalFactory(status="published", language="ru")
    sign_in_staff(client, commissioner)
    response = client.post(
        f"/ru/staff/commission/proposals/{proposal.pk}/response/",
        {"status": "accepted", "reasoning_ru": "Согласны. Телефон автора: +7 701 555 12 34."},
    )
    assert "удалите из него ИИН, номер телефона" in response.content.decode()
    assert not ProposalResponse.objects.filter(proposal=proposal).exists()


def test_a_correction_reason_quoting_personal_data_is_refused(commissioner, second_commissioner):
    proposal = ProposalFactory(status="published", language="en")
    answer = publish_response(proposal, drafter=commissioner, approver=second_commissioner)
    with pytest.raises(ValidationError) as refusal:
        response_correct(
            response=answer,
            actor=commissioner,
            data=ResponseCorrection(reason="As the author asked by email (nurlan.k@mail.kz), version 2."),
        )
    assert "open data" in " ".join(refusal.value.message_dict["reason"])
    assert not answer.transitions.filter(note__contains="mail.kz").exists()
