"""The Commission's answer sent twice, or from a page that is no longer true: a double click does once what it
asks and says so, a drafter's page outdated by the approval says why nothing changed, an approval without the
page's mark publishes nothing, and only the member who saved an answer last sends it for approval."""

import pytest
from django.core.exceptions import PermissionDenied

from portal.notifications.models import Notification
from proposals.models import ProposalResponse
from proposals.services import response_approval as approval
from tests.conftest import give_totp

from .factories import ProposalFactory
from .response_helpers import draft_answer
from .test_commission_answers_meanwhile import _save, _seen, _signed_in, _work

pytestmark = pytest.mark.django_db


def _approve(client, proposal, seen):
    return client.post(
        f"/ru/staff/commission/proposals/{proposal.pk}/response/approve/", {"seen": seen}, follow=True
    )


def _flashed(page) -> str:
    return " ".join(str(message) for message in page.context["messages"])


def test_save_and_send_clicked_twice_sends_once_and_warns_of_no_other_member(
    published, commissioner, second_commissioner
):
    drafter = _signed_in(commissioner)
    give_totp(second_commissioner)  # the member told of it, in full
    seen = _seen(_work(drafter, published), "response")
    for _click in range(2):
        sent = _save(drafter, published, seen, "Ответ Комиссии.", submit="review")
        assert sent.status_code == 302
    answer = ProposalResponse.objects.get(proposal=published)
    assert answer.state == "in_review"
    assert [step.to_state for step in answer.transitions.all()] == ["in_review"]
    assert Notification.objects.filter(kind="response.awaiting_approval").count() == 1
    page = drafter.get(sent["Location"])
    assert "другой член комиссии сохранил" not in page.content.decode().lower()
    assert "отправлен на утверждение" in _flashed(page).lower()


def test_approve_clicked_twice_publishes_once_and_says_it_is_published(
    published, commissioner, second_commissioner
):
    approval.response_submit(response=draft_answer(published, commissioner), actor=commissioner)
    reviewer = _signed_in(second_commissioner)
    seen = _seen(_work(reviewer, published), "approve")
    _approve(reviewer, published, seen)
    again = _approve(reviewer, published, seen)
    assert "ответ опубликован" in _flashed(again).lower()
    assert "ничего не опубликовано" not in _flashed(again).lower()
    answer = ProposalResponse.objects.get(proposal=published)
    assert [step.to_state for step in answer.transitions.all()] == ["in_review", "published"]
    assert Notification.objects.filter(kind="proposal.responded").count() == 1


def test_an_approval_from_a_tab_opened_before_another_member_published_names_them(
    published, commissioner, second_commissioner, admin_user
):
    approval.response_submit(response=draft_answer(published, commissioner), actor=commissioner)
    reviewer = _signed_in(second_commissioner)
    seen = _seen(_work(reviewer, published), "approve")
    approval.response_approve(response=ProposalResponse.objects.get(proposal=published), reviewer=admin_user)
    late = _approve(reviewer, published, seen)
    assert "Admin Saule уже утвердил(а) и опубликовал(а) этот ответ." in _flashed(late)
    assert ProposalResponse.objects.get(proposal=published).reviewed_by == admin_user


def test_an_approval_without_the_page_s_mark_publishes_nothing(published, commissioner, second_commissioner):
    approval.response_submit(response=draft_answer(published, commissioner), actor=commissioner)
    blind = _signed_in(second_commissioner).post(
        f"/ru/staff/commission/proposals/{published.pk}/response/approve/", follow=True
    )
    assert "ответ изменился после того, как вы открыли страницу" in _flashed(blind).lower()
    assert ProposalResponse.objects.get(proposal=published).state == "in_review"


def test_a_drafter_saving_from_a_page_outdated_by_the_approval_is_told_it_is_published(
    published, commissioner, second_commissioner
):
    drafter = _signed_in(commissioner)
    answer = draft_answer(published, commissioner, reasoning_kk="Бірінші мәтін.")
    seen = _seen(_work(drafter, published), "response")
    approval.response_submit(response=answer, actor=commissioner)
    approval.response_approve(response=answer, reviewer=second_commissioner)
    refused = _save(drafter, published, seen, "Изменённый после утверждения текст.")
    assert refused.status_code == 400
    page = refused.content.decode()
    # On the page, where the form was: the form is gone, the answer as published is shown.
    assert "его больше нельзя изменить" in page
    assert "Изменённый после утверждения текст." not in page
    answer.refresh_from_db()
    assert (answer.state, answer.reasoning_kk) == ("published", "Бірінші мәтін.")


def test_only_the_member_who_saved_an_answer_last_sends_it_for_approval(
    published, commissioner, second_commissioner
):
    answer = draft_answer(published, commissioner)
    approval.response_submit(response=answer, actor=commissioner)
    approval.response_return(response=answer, reviewer=second_commissioner, note="Shorter, please.")
    # The reviewer rewrites the returned answer; its first drafter may not send it on and approve it then.
    answer = draft_answer(published, second_commissioner, reasoning_kk="Қысқа мәтін.")
    with pytest.raises(PermissionDenied, match="Commissioner Gulnara saved this answer last"):
        approval.response_submit(response=answer, actor=commissioner)
    # Saved by the first drafter, the answer is theirs to send, and the other member's to approve.
    answer = draft_answer(published, commissioner, reasoning_kk="Қысқа мәтін.")
    approval.response_submit(response=answer, actor=commissioner)
    approval.response_approve(response=answer, reviewer=second_commissioner)
    assert ProposalResponse.objects.get(proposal=published).state == "published"


def test_a_returned_answer_is_sent_again_only_with_what_its_form_holds(
    published, commissioner, second_commissioner
):
    answer = draft_answer(published, commissioner)
    approval.response_submit(response=answer, actor=commissioner)
    approval.response_return(response=answer, reviewer=second_commissioner, note="Shorter, please.")
    page = _work(_signed_in(commissioner), published).content.decode()
    # A second button beside the form sent the answer as it was returned, dropping what was just rewritten.
    assert "/response/submit/" not in page
    assert 'name="submit" value="review"' in page


def test_the_queue_finds_the_answers_awaiting_the_member_s_approval(
    consultation, commissioner, second_commissioner
):
    others = ProposalFactory(consultation=consultation, title="Drafted by another member")
    own = ProposalFactory(consultation=consultation, title="Drafted by this member")
    returned = ProposalFactory(consultation=consultation, title="Returned to its drafter")
    ProposalFactory(consultation=consultation, title="Not answered yet")
    approval.response_submit(response=draft_answer(others, commissioner), actor=commissioner)
    approval.response_submit(response=draft_answer(own, second_commissioner), actor=second_commissioner)
    sent_back = draft_answer(returned, commissioner)
    approval.response_submit(response=sent_back, actor=commissioner)
    approval.response_return(response=sent_back, reviewer=second_commissioner, note="Shorter.")
    client = _signed_in(second_commissioner)
    listed = {
        choice: [
            row["proposal"].title
            for row in client.get(f"/kk/staff/commission/?answer={choice}").context["rows"]
        ]
        for choice in ("to_approve", "returned")
    }
    assert listed == {"to_approve": ["Drafted by another member"], "returned": ["Returned to its drafter"]}
    assert "Менің бекітуімді күтуде" in client.get("/kk/staff/commission/").content.decode()


def test_the_drafter_takes_an_answer_back_before_it_is_approved_and_no_one_else_does(
    published, commissioner, second_commissioner
):
    approval.response_submit(response=draft_answer(published, commissioner), actor=commissioner)
    reviewer = _signed_in(second_commissioner)
    stale = _seen(_work(reviewer, published), "approve")
    assert "/response/recall/" not in _work(reviewer, published).content.decode()
    with pytest.raises(PermissionDenied):
        approval.response_recall(
            response=ProposalResponse.objects.get(proposal=published), actor=second_commissioner
        )
    drafter = _signed_in(commissioner)
    url = f"/ru/staff/commission/proposals/{published.pk}/"
    assert "/response/recall/" in _work(drafter, published).content.decode()
    for _click in range(2):
        taken = drafter.post(url + "response/recall/", follow=True)
    assert "ответ снова черновик" in _flashed(taken).lower()
    answer = ProposalResponse.objects.get(proposal=published)
    assert [step.to_state for step in answer.transitions.all()] == ["in_review", "draft"]
    # Its form is open again; the approval from a page shown before publishes nothing.
    assert 'name="submit" value="review"' in taken.content.decode()
    assert "ответ изменился" in _flashed(_approve(reviewer, published, stale)).lower()
    assert ProposalResponse.objects.get(proposal=published).state == "draft"


def test_return_clicked_twice_returns_once_and_says_it_is_returned(
    published, commissioner, second_commissioner
):
    approval.response_submit(response=draft_answer(published, commissioner), actor=commissioner)
    give_totp(commissioner)  # the drafter told of the return, in full
    reviewer = _signed_in(second_commissioner)
    url = f"/ru/staff/commission/proposals/{published.pk}/response/return/"
    for _click in range(2):
        returned = reviewer.post(url, {"note": "Сошлитесь на статью 3."}, follow=True)
        assert returned.status_code == 200
    assert "черновик возвращён автору" in _flashed(returned).lower()
    answer = ProposalResponse.objects.get(proposal=published)
    assert [step.to_state for step in answer.transitions.all()] == ["in_review", "returned"]
    assert Notification.objects.filter(kind="response.returned").count() == 1
