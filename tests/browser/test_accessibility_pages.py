"""axe-core (WCAG 2.1 A/AA) on the consultation, document, article, compare and proposal pages, in three languages."""

import pytest

from proposals.demo import seed_consultation
from proposals.models import Proposal
from tests.proposals.factories import ProposalFactory

from .test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/{lang}/consultations/constitutional-reform/",
    "/{lang}/consultations/constitutional-reform/constitution/",
    "/{lang}/consultations/constitutional-reform/constitution/articles/local-budgets/",
    "/{lang}/consultations/constitutional-reform/constitution/compare/",
    "/{lang}/proposals/",
    "/{lang}/proposals/{proposal}/",
]


@pytest.fixture
def bypass_csp():
    return True


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_no_wcag_violations_on_the_reading_pages(page, language):
    consultation = seed_consultation()
    proposal = ProposalFactory(consultation=consultation, title="Accessible proposal")
    assert Proposal.objects.filter(pk=proposal.pk).exists()
    failures = {}
    for path in PAGES:
        page.goto(path.format(lang=language, proposal=proposal.pk))
        violations = axe_violations(page)
        if violations:
            failures[path] = violations
    assert failures == {}
