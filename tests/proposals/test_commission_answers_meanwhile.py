"""Two Commission members on the same answer at once: the second one's save from a page the first one's save
has outdated is refused with their text kept, and an approval from a page showing an older text of the answer
publishes nothing."""

import re

import pytest
from django.test import Client

from proposals.models import ProposalResponse
from proposals.services import response_approval as approval
from tests.conftest import give_totp

from .response_helpers import draft_answer

pytestmark = pytest.mark.django_db


def _signed_in(user):
    give_totp(user)
    client = Client()
    client.force_login(user)
    return client


def _seen(page, action: str) -> str:
    """The `seen` mark of the form posting to `action` on a work page."""
    form = re.search(rf'action="[^"]*/{action}/"(.*?)</form>', page.content.decode(), re.S)
    assert form, action
    mark = re.search(r'name="seen"(?: value="([^"]*)")?', form.group(1))
    assert mark, action
    return mark.group(1) or ""


def _work(client, proposal):
    return client.get(f"/ru/staff/commission/proposals/{proposal.pk}/")


def _save(client, proposal, seen, text, **extra):
    return client.post(
        f"/ru/staff/commission/proposals/{proposal.pk}/response/",
        {"status": "rejected", f"reasoning_{proposal.language}": text, "seen": seen, **extra},
    )


def test_a_second_member_saving_from_an_outdated_page_is_told_and_overwrites_nothing(
    published, commissioner, second_commissioner
):
    first, second = _signed_in(commissioner), _signed_in(second_commissioner)
    first_seen = _seen(_work(first, published), "response")
    second_seen = _seen(_work(second, published), "response")
    assert _save(first, published, first_seen, "Текст первого члена.").status_code == 302
    refused = _save(second, published, second_seen, "Текст второго члена.")
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "пока вы писали, другой член комиссии сохранил этот ответ" in page.lower()
    # The second member's text is still on the form, and the first member's saved text is shown beside it.
    assert "Текст второго члена." in page and "Текст первого члена." in page
    answer = ProposalResponse.objects.get(proposal=published)
    assert (answer.drafted_by, getattr(answer, f"reasoning_{published.language}")) == (
        commissioner,
        "Текст первого члена.",
    )
    # Having seen it, the second member may save deliberately: the page shown again carries the new mark.
    assert _save(second, published, _seen(refused, "response"), "Текст второго члена.").status_code == 302
    answer.refresh_from_db()
    assert answer.drafted_by == second_commissioner


def test_an_approval_from_a_page_showing_an_older_text_publishes_nothing(
    published, commissioner, second_commissioner, admin_user
):
    answer = draft_answer(published, commissioner, reasoning_en="First text.", reasoning_kk="Бірінші мәтін.")
    approval.response_submit(response=answer, actor=commissioner)
    reviewer = _signed_in(second_commissioner)
    stale = _seen(_work(reviewer, published), "approve")
    # Meanwhile a third member returns it and the drafter rewrites it and sends it again.
    approval.response_return(response=answer, reviewer=admin_user, note="Name the article.")
    answer = draft_answer(published, commissioner, reasoning_en="Second text.", reasoning_kk="Екінші мәтін.")
    approval.response_submit(response=answer, actor=commissioner)
    refused = reviewer.post(
        f"/ru/staff/commission/proposals/{published.pk}/response/approve/", {"seen": stale}, follow=True
    )
    assert "ответ изменился после того, как вы открыли страницу" in refused.content.decode().lower()
    answer.refresh_from_db()
    assert answer.state == "in_review"
    # Read again, it is approved.
    fresh = _seen(_work(reviewer, published), "approve")
    reviewer.post(f"/ru/staff/commission/proposals/{published.pk}/response/approve/", {"seen": fresh})
    answer.refresh_from_db()
    assert answer.state == "published"


def test_an_approval_from_a_tab_opened_before_another_member_returned_the_answer_says_so(
    published, commissioner, second_commissioner, admin_user
):
    answer = draft_answer(published, commissioner)
    approval.response_submit(response=answer, actor=commissioner)
    reviewer = _signed_in(second_commissioner)
    stale = _seen(_work(reviewer, published), "approve")
    approval.response_return(response=answer, reviewer=admin_user, note="Name the article.")
    page = reviewer.post(
        f"/ru/staff/commission/proposals/{published.pk}/response/approve/", {"seen": stale}, follow=True
    )
    assert page.status_code == 200
    assert "ответ изменился после того, как вы открыли страницу" in page.content.decode().lower()
    answer.refresh_from_db()
    assert answer.state == "returned"
