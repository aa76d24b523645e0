"""A Commission member drafts an answer linking article 7 of the new draft; a second
member approves it; the author gets the email; the proposal page and the article's "what changed and why"
show it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from proposals.models import ProposalResponse
from tests.conftest import give_totp
from tests.factories import UserFactory
from tests.proposals.factories import ConsultationFactory, ProposalFactory, revised_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_drafts_another_approves_and_the_public_sees_the_answer(
    page, login_as, commissioner, second_commissioner
):
    consultation = ConsultationFactory()
    _document, _old, _new, liberty = revised_document(consultation)
    author = UserFactory(email="author@example.test", display_name="Author", preferred_language="en")
    proposal = ProposalFactory(
        consultation=consultation, author=author, title="Courts must review every arrest"
    )
    proposal.articles.add(liberty)
    give_totp(commissioner)
    give_totp(second_commissioner)

    # The first member finds the proposal in the queue and drafts the answer.
    login_as(commissioner)
    page.goto("/en/staff/commission/")
    page.get_by_role("link", name="Courts must review every arrest").click()
    page.get_by_label("Outcome").select_option(label="Accepted")
    page.get_by_label("Reasoning in English").fill("Accepted: article 7 now has a court review every arrest.")
    page.get_by_label("Articles the answer concerns").select_option(label=["7. Personal liberty"])
    page.get_by_label("Draft version where the change was made").select_option(label="Basic Law — New draft")
    page.get_by_role("button", name="Save and send for approval").click()
    page.get_by_text("The answer is sent for approval by another member.").wait_for()
    # The drafter cannot approve their own answer.
    assert page.get_by_role("button", name="Approve and publish").count() == 0

    # A second member approves: the answer is published.
    mail.outbox.clear()
    login_as(second_commissioner)
    page.reload()
    page.get_by_role("button", name="Approve and publish").click()
    page.get_by_text("The answer is published").wait_for()
    response = ProposalResponse.objects.get(proposal=proposal)
    assert response.state == "published"
    # The author hears of the answer, and the drafter of its approval.
    told = {message.to[0]: message for message in mail.outbox}
    assert sorted(told) == sorted(["author@example.test", commissioner.email])
    assert "The Commission answered the proposal" in told["author@example.test"].subject
    assert (
        "Commissioner Gulnara «Courts must review every arrest» ұсынысына сіз дайындаған жауапты бекітті"
        in (
            told[commissioner.email].body  # in the drafter's language, Kazakh
        )
    )

    # The public sees the answer on the proposal page, and beside the diff on the article page.
    page.context.clear_cookies()
    page.goto(f"/en/proposals/{proposal.pk}/")
    answer = page.get_by_role("region", name="The Commission's answer")
    expect(answer.get_by_text("Accepted: article 7 now has a court review every arrest.")).to_be_visible()
    answer.get_by_role("link", name="Article 7").click()
    page.wait_for_url(re.compile(r"/articles/liberty/\?version=2#what-changed$"))
    changes = page.get_by_role("region", name="What changed and why")
    expect(changes.get_by_role("link", name="Courts must review every arrest")).to_be_visible()
    expect(changes.get_by_text("Accepted: article 7 now has a court review every arrest.")).to_be_visible()
    assert "court reviews every arrest" in changes.locator("ins").all_inner_texts()[0]
    assert page.console_errors == []
