"""axe-core (WCAG 2.1 A/AA) on the Commission's pages: the outcome with its SVG charts, the overdue list, an
answered proposal, an article's "what changed and why", and the Commission's queue and work page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from proposals.models import ObligationRule
from tests.conftest import give_totp
from tests.proposals.factories import ConsultationFactory, ProposalFactory, publish_response, revised_document

from .test_accessibility import axe_failures_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bypass_csp():
    return True


@pytest.mark.parametrize("language", ["kk", "en"])
def test_no_wcag_violations_on_answer_and_outcome_pages(
    page, login_as, commissioner, second_commissioner, language
):
    consultation = ConsultationFactory(slug="reform")
    _document, _old, new, liberty = revised_document(consultation)
    ObligationRule.objects.create(name_en="Within 7 days", days=7)
    answered = ProposalFactory(consultation=consultation, title="Answered proposal")
    answered.articles.add(liberty)
    waiting = ProposalFactory(
        consultation=consultation, title="Waiting proposal", published_at=timezone.now() - timedelta(days=9)
    )
    publish_response(
        answered, drafter=commissioner, approver=second_commissioner, articles=[liberty], version=new
    )
    give_totp(commissioner)
    login_as(commissioner)
    paths = [
        f"/{language}/consultations/reform/outcome/",
        f"/{language}/consultations/reform/overdue/",
        f"/{language}/proposals/{answered.pk}/",
        f"/{language}/proposals/{waiting.pk}/",
        f"/{language}/consultations/reform/basic-law/articles/liberty/",
        f"/{language}/staff/commission/",
        f"/{language}/staff/commission/proposals/{waiting.pk}/",
        f"/{language}/staff/commission/proposals/{answered.pk}/",
    ]
    assert axe_failures_at(page, paths) == {}
