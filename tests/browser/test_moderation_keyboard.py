"""A moderator works the queue from the keyboard: j/x select cases, b goes to the bulk decision; on a case,
c claims and r chooses rejection. Chromium with the portal's real CSP (the shortcuts are a static script)."""

import pytest

from proposals.models import ModerationCase, Proposal
from proposals.services.moderation import moderation_case_open
from tests.conftest import give_totp
from tests.proposals.factories import ProposalFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bulk_approval_and_a_rejection_from_the_keyboard(page, login_as, moderator):
    proposals = [ProposalFactory(status="in_moderation", title=f"Queued {n}") for n in range(3)]
    cases = [moderation_case_open(proposal=p) for p in proposals]
    give_totp(moderator)
    login_as(moderator)

    page.goto("/en/moderation/")
    for key in ["j", "x", "j", "x"]:
        page.keyboard.press(key)
    assert page.locator("table.queue tr.current").get_attribute("data-case") == str(cases[1].pk)
    page.keyboard.press("b")
    assert page.evaluate("document.activeElement.id") == "id_decision"
    page.select_option("#id_decision", "approve")
    page.get_by_role("button", name="Decide selected").click()
    page.wait_for_selector("text=2 cases decided")
    statuses = dict(Proposal.objects.values_list("title", "status"))
    assert statuses == {"Queued 0": "published", "Queued 1": "published", "Queued 2": "in_moderation"}

    page.goto(f"/en/moderation/cases/{cases[2].pk}/")
    page.keyboard.press("c")
    page.wait_for_selector("#decision-form")
    page.keyboard.press("r")
    assert page.locator("#decision-form input[value=reject]").is_checked()
    page.keyboard.press("s")
    page.keyboard.type("This is an advertisement, not a proposal about the draft.")
    page.select_option("#id_reason_code", "off_topic")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_selector("text=Decision recorded")
    assert ModerationCase.objects.get(pk=cases[2].pk).decision == "reject"
    assert page.console_errors == []


def test_single_key_shortcuts_can_be_turned_off_and_stay_off(page, login_as, moderator):
    """WCAG 2.1.4: speech input types letters as words; with the shortcuts off, "c" claims nothing."""
    case = moderation_case_open(proposal=ProposalFactory(status="in_moderation", title="Queued"))
    give_totp(moderator)
    login_as(moderator)
    page.goto(f"/ru/moderation/cases/{case.pk}/")
    switch = page.get_by_label("Использовать горячие клавиши из одной буквы")
    assert switch.is_checked()
    switch.uncheck()
    page.goto("/ru/moderation/")
    assert not page.get_by_label("Использовать горячие клавиши из одной буквы").is_checked()
    page.keyboard.press("j")
    assert page.locator("table.queue tr.current").count() == 0
    page.goto(f"/ru/moderation/cases/{case.pk}/")
    page.keyboard.press("c")
    page.wait_for_timeout(300)
    assert ModerationCase.objects.get(pk=case.pk).claimed_by_id is None
    page.get_by_label("Использовать горячие клавиши из одной буквы").check()
    page.keyboard.press("c")
    page.wait_for_selector("#decision-form")
    assert ModerationCase.objects.get(pk=case.pk).claimed_by_id == moderator.pk
    assert page.console_errors == []
