"""Two Commission members on the same answer at once: the second one's save from a page the first one's save
has outdated is refused with their text kept, and an approval from a page showing an older text of the answer
publishes nothing."""

import re

import pytest
from django.test import Client

from proposals.models import ArticleIdentity, ProposalResponse
from proposals.services import response_approval as approval
from tests.conftest import give_totp
from tests.form_fields import form_fields

from .factories import publish_response
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


def _loaded_then_returned_by_another(published, drafter, reviewer, other):
    """The answer sent for approval, the reviewer's page loaded, then the answer returned by another member:
    the reviewer's client, the page it showed and the answer."""
    answer = draft_answer(published, drafter)
    approval.response_submit(response=answer, actor=drafter)
    client = _signed_in(reviewer)
    page = _work(client, published)
    approval.response_return(response=answer, reviewer=other, note="Name the article.")
    return client, page, answer


def test_an_approval_from_a_tab_opened_before_another_member_returned_the_answer_says_so(
    published, commissioner, second_commissioner, admin_user
):
    reviewer, loaded, answer = _loaded_then_returned_by_another(
        published, commissioner, second_commissioner, admin_user
    )
    stale = _seen(loaded, "approve")
    page = reviewer.post(
        f"/ru/staff/commission/proposals/{published.pk}/response/approve/", {"seen": stale}, follow=True
    )
    assert page.status_code == 200
    assert "ответ изменился после того, как вы открыли страницу" in page.content.decode().lower()
    answer.refresh_from_db()
    assert answer.state == "returned"


def _form_of(page, action: str) -> dict:
    return form_fields(page, f"/{action}/")


def test_a_return_from_a_page_showing_an_older_text_returns_nothing_and_keeps_the_note(
    published, commissioner, second_commissioner
):
    answer = draft_answer(published, commissioner, reasoning_en="First text.", reasoning_kk="Бірінші мәтін.")
    approval.response_submit(response=answer, actor=commissioner)
    reviewer = _signed_in(second_commissioner)
    loaded = _form_of(_work(reviewer, published), "return")
    # Meanwhile the drafter takes it back, rewrites it and sends it again.
    approval.response_recall(response=answer, actor=commissioner)
    answer = draft_answer(published, commissioner, reasoning_en="Second text.", reasoning_kk="Екінші мәтін.")
    approval.response_submit(response=answer, actor=commissioner)
    loaded["note"] = ["Назовите статью в первом тексте."]
    refused = reviewer.post(f"/ru/staff/commission/proposals/{published.pk}/response/return/", loaded)
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "ответ изменился после того, как вы открыли страницу" in page.lower()
    # The note typed is kept, beside the text as it now stands.
    assert "Назовите статью в первом тексте." in page
    assert "Second text." in page or "Екінші мәтін." in page
    answer.refresh_from_db()
    assert (answer.state, answer.review_note) == ("in_review", "")
    # Having read the new text, the reviewer may return it from the page shown.
    again = reviewer.post(
        f"/ru/staff/commission/proposals/{published.pk}/response/return/", _form_of(refused, "return")
    )
    assert again.status_code == 302
    answer.refresh_from_db()
    assert answer.state == "returned"


def test_a_return_from_a_tab_opened_before_another_member_returned_it_says_so(
    published, commissioner, second_commissioner, admin_user
):
    reviewer, page, answer = _loaded_then_returned_by_another(
        published, commissioner, second_commissioner, admin_user
    )
    loaded = _form_of(page, "return")
    loaded["note"] = ["Назовите статью."]
    refused = reviewer.post(f"/ru/staff/commission/proposals/{published.pk}/response/return/", loaded)
    assert refused.status_code == 400
    assert "ответ изменился после того, как вы открыли страницу" in refused.content.decode().lower()
    answer.refresh_from_db()
    assert "Назовите статью." in refused.content.decode()
    assert (answer.reviewed_by, answer.review_note) == (admin_user, "Name the article.")


def test_a_correction_from_a_page_another_correction_has_outdated_corrects_nothing(
    published, commissioner, second_commissioner, draft_article
):
    publish_response(published, drafter=commissioner, approver=second_commissioner, articles=[draft_article])
    other = (
        ArticleIdentity.objects.published()
        .filter(document=draft_article.document)
        .exclude(pk=draft_article.pk)[0]
    )
    first, second = _signed_in(commissioner), _signed_in(second_commissioner)
    url = f"/ru/staff/commission/proposals/{published.pk}/response/correct/"
    loaded = [_form_of(_work(member, published), "correct") for member in (first, second)]
    loaded[0].update(articles=[str(draft_article.pk), str(other.pk)], reason=["Статья 3 тоже меняется."])
    assert first.post(url, loaded[0]).status_code == 302
    loaded[1].update(articles=[str(other.pk)], reason=["Меняется только статья 3."])
    refused = second.post(url, loaded[1])
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "другой член комиссии исправил этот ответ" in page.lower()
    assert "Меняется только статья 3." in page
    answer = ProposalResponse.objects.get(proposal=published)
    assert set(answer.articles.all()) == {draft_article, other}
    # Read again, the second member's correction goes through from the page shown.
    assert second.post(url, _form_of(refused, "correct")).status_code == 302
    assert list(answer.articles.all()) == [other]
