"""The reviewer's note returning a draft answer: the server, not the browser, says what is missing, in the
page's language and beside the field, as on the portal's other forms."""

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from proposals.models import ProposalResponse
from proposals.services import response_approval as approval
from tests.conftest import sign_in_staff

from .response_helpers import draft_answer

pytestmark = pytest.mark.django_db


def _form(page: str, action: str) -> str:
    form = re.search(rf'<form method="post" action="[^"]*/{action}/"[^>]*>.*?</form>', page, re.S)
    assert form, action
    return form.group(0)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_an_empty_return_note_is_refused_by_the_server_beside_the_field_in_the_page_language(
    published, commissioner, second_commissioner, language
):
    answer = draft_answer(published, commissioner)
    approval.response_submit(response=answer, actor=commissioner)
    reviewer = sign_in_staff(Client(), second_commissioner)
    work = f"/{language}/staff/commission/proposals/{published.pk}/"
    page = reviewer.get(work).content.decode()
    # The browser's own "required" bubble spoke its language, not the page's, and named no reason.
    for action in ("return", "notes", "assign"):
        assert "novalidate" in _form(page, action).split(">", 1)[0], action
    refused = reviewer.post(work + "response/return/", {"note": "  ", "seen": ""})
    assert refused.status_code == 400
    form = _form(refused.content.decode(), "return")
    with translation.override(language):
        required = gettext("This field is required.")
    assert required in form
    # The error is tied to the note's field, so a screen reader reads it with the field.
    error_id = re.search(r'<textarea[^>]*name="note"[^>]*aria-describedby="([^"]+)"', form)
    assert error_id and re.search(
        rf'id="{error_id.group(1).split()[0]}"[^>]*>.*?{re.escape(required)}', form, re.S
    )
    assert ProposalResponse.objects.get(pk=answer.pk).state == "in_review"
