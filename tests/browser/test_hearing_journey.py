"""A citizen finds the hearing from their proposal's page, registers, sees the
confirmation with the code, and cancels; a second time they cancel from the link in the email. The hearing
pages pass axe-core in three languages."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from proposals.models import HearingRegistration
from tests.factories import UserFactory
from tests.proposals.factories import AgendaItemFactory, HearingFactory, ProposalFactory

from .test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_registers_for_the_hearing_of_their_proposal_and_cancels(page, login_as):
    citizen = UserFactory(email="citizen@example.test", display_name="Citizen C.", preferred_language="en")
    proposal = ProposalFactory(author=citizen, title="Budgets need a public hearing")
    hearing = HearingFactory(consultation=proposal.consultation, title_en="Hearing on local budgets")
    AgendaItemFactory(hearing=hearing, title_en="Local budgets", proposals=[proposal])
    login_as(citizen)

    page.goto(f"/en/proposals/{proposal.pk}/")
    expect(page.get_by_text("To be discussed at the hearing")).to_be_visible()
    page.get_by_role("link", name="Hearing on local budgets").click()
    page.wait_for_url(re.compile(rf"/en/hearings/{hearing.pk}/$"))
    agenda = page.locator("section", has=page.get_by_role("heading", name="Agenda"))
    expect(agenda.get_by_role("link", name="Budgets need a public hearing")).to_be_visible()

    page.get_by_role("button", name="Register for a seat").click()
    registration = HearingRegistration.objects.get(user=citizen)
    assert registration.status == "registered"
    page.get_by_text(f"Your registration code: {registration.code}").wait_for()
    assert page.get_by_text("1 of 50 free").count() == 0
    expect(page.get_by_text("49 of 50 free")).to_be_visible()
    confirmation = [m for m in mail.outbox if m.to == [citizen.email]][-1]
    assert registration.code in confirmation.body

    page.get_by_role("button", name="Cancel my registration").click()
    page.get_by_text("Your registration is cancelled.").wait_for()
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    expect(page.get_by_role("button", name="Register for a seat")).to_be_visible()

    # Registering again and cancelling from the link in the email, signed out.
    page.get_by_role("button", name="Register for a seat").click()
    page.get_by_text("Your registration code:").wait_for()
    link = re.search(r"https?://\S+/hearings/cancel/\S+/", mail.outbox[-1].body).group(0)
    page.context.clear_cookies()
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    page.get_by_role("button", name="Cancel my registration").click()
    page.get_by_text("Your registration is cancelled.").wait_for()
    assert not HearingRegistration.objects.exclude(status="cancelled").exists()
    assert page.console_errors == []


class TestAccessibility:
    @pytest.fixture
    def bypass_csp(self):
        """axe-core is injected as a script, which the CSP would refuse."""
        return True

    @pytest.mark.parametrize("language", ["kk", "ru", "en"])
    def test_no_wcag_violations_on_the_hearing_pages(self, page, login_as, language):
        citizen = UserFactory()
        proposal = ProposalFactory(author=citizen)
        hearing = HearingFactory(consultation=proposal.consultation)
        AgendaItemFactory(hearing=hearing, proposals=[proposal])
        login_as(citizen)
        failures = {}
        for path in (f"/{language}/hearings/", f"/{language}/hearings/{hearing.pk}/"):
            page.goto(path)
            violations = axe_violations(page)
            if violations:
                failures[path] = violations
        assert failures == {}
