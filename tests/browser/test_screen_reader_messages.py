"""A flash message after a redirect is read out: it stood in the status region from the page's start, which a
screen reader does not announce, so the region takes the focus (and the message is in the page once)."""

import re

import pytest
from playwright.sync_api import expect

from tests.proposals.factories import CommentFactory, ConsultationFactory, ProposalFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def test_the_message_after_following_a_proposal_takes_the_focus_and_is_said_once(page, login_as, citizen):
    proposal = ProposalFactory(consultation=ConsultationFactory(), status="published")
    login_as(citizen)
    page.goto(f"/ru/proposals/{proposal.pk}/")
    expect(page.locator("#messages")).not_to_be_focused()
    page.locator(f'form[action="/ru/proposals/{proposal.pk}/follow/"] button').click()
    page.wait_for_url(f"**/ru/proposals/{proposal.pk}/")
    messages = page.locator("#messages")
    expect(messages).to_be_focused()
    expect(messages).to_have_attribute("role", "status")
    expect(page.get_by_text("Вы следите за этим предложением")).to_have_count(1)
    assert page.console_errors == []


def test_a_refused_comment_brings_its_reason_into_view_on_a_phone(page, login_as, citizen):
    """Sent back to #comments, the reason stood at the top of the page, out of sight on a phone."""
    proposal = ProposalFactory(consultation=ConsultationFactory(), status="published")
    login_as(citizen)
    page.set_viewport_size(PHONE)
    page.goto(f"/kk/proposals/{proposal.pk}/")
    page.fill("textarea[name=body]", "   ")  # passes the browser's check, not the form's
    page.locator("form:has(textarea[name=body]) button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"#comments$"))
    messages = page.locator("#messages")
    expect(messages).to_be_focused()
    expect(messages.locator(".message-error")).to_be_in_viewport()


def test_good_news_after_a_report_is_said_where_the_reader_keeps_their_place(page, login_as, citizen):
    proposal = ProposalFactory(consultation=ConsultationFactory(), status="published")
    for number in range(8):
        CommentFactory(proposal=proposal, body=f"Комментарий {number}. " + "Довод за доводом. " * 20)
    reported = proposal.comments.order_by("pk").last()
    login_as(citizen)
    page.set_viewport_size(PHONE)
    page.goto(f"/ru/proposals/{proposal.pk}/")
    comment = page.locator(f"#comment-{reported.pk}")
    comment.get_by_text("Пожаловаться").click()
    comment.locator("input[name=kind]").first.check()
    comment.get_by_role("button", name="Отправить жалобу").click()
    page.wait_for_url(re.compile(rf"#comment-{reported.pk}$"))
    expect(page.locator("#messages")).to_be_focused()
    expect(page.locator(f"#comment-{reported.pk}")).to_be_in_viewport()
