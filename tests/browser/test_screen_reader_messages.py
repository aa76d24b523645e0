"""A flash message after a redirect is read out: it stood in the status region from the page's start, which a
screen reader does not announce, so it is also written into an empty status region once the page is read."""

import pytest
from playwright.sync_api import expect

from tests.proposals.factories import ConsultationFactory, ProposalFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_message_after_following_a_proposal_is_written_into_a_status_region(page, login_as, citizen):
    proposal = ProposalFactory(consultation=ConsultationFactory(), status="published")
    login_as(citizen)
    page.goto(f"/ru/proposals/{proposal.pk}/")
    assert page.locator("#messages-said").text_content() == ""
    page.locator(f'form[action="/ru/proposals/{proposal.pk}/follow/"] button').click()
    page.wait_for_url(f"**/ru/proposals/{proposal.pk}/")
    said = page.locator("#messages-said")
    expect(said).not_to_be_empty()  # the page's CSP allows no script a test would evaluate
    assert said.get_attribute("role") == "status"
    assert said.text_content() == page.locator("#messages .message").first.text_content().strip()
    assert "Вы следите за этим предложением" in said.text_content()
    assert page.console_errors == []


def test_a_page_sent_back_with_errors_says_so_in_its_title(page):
    page.goto("/kk/accounts/login/")
    title = page.title()
    page.fill("input[name=login]", "nobody@example.kz")
    page.fill("input[name=password]", "wrong-password-1")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.title() == f"Қате: {title}"
