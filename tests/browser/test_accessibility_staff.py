"""axe-core (WCAG 2.1 A/AA) on the staff pages: dashboard, moderation queue and case, document import."""

import pytest

from proposals.demo import seed_consultation
from proposals.models import Document, ModerationCase
from proposals.services.screening import proposal_screen
from tests.conftest import give_totp
from tests.proposals.factories import ProposalFactory

from .test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bypass_csp():
    return True


@pytest.mark.parametrize("language", ["kk", "en"])
def test_no_wcag_violations_on_staff_pages(page, login_as, admin_user, language):
    consultation = seed_consultation()
    proposal = ProposalFactory(
        consultation=consultation, status="submitted", body="Call me: +7 701 123 45 67"
    )
    proposal_screen(proposal=proposal)
    case = ModerationCase.objects.get(proposal=proposal)
    document = Document.objects.get()
    give_totp(admin_user)
    login_as(admin_user)
    failures = {}
    for path in [
        f"/{language}/staff/",
        f"/{language}/moderation/",
        f"/{language}/moderation/cases/{case.pk}/",
        f"/{language}/staff/documents/{document.pk}/import/",
        f"/{language}/staff/documents/{document.pk}/matches/",
        f"/{language}/notifications/",
        f"/{language}/accounts/profile/",
    ]:
        page.goto(path)
        assert page.url.endswith(path), f"redirected away from {path}"
        violations = axe_violations(page)
        if violations:
            failures[path] = violations
    assert failures == {}
