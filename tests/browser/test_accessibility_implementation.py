"""axe-core (WCAG 2.1 A/AA) on the implementation pages: the tracker with its SVG chart, the overdue list, a
commitment with its chain and updates, the article and proposal pages that show it, and the staff pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from proposals.models import CommitmentStatus
from tests.conftest import give_totp
from tests.proposals.commitment_helpers import adopted_change, post, record, texts
from tests.proposals.factories import ConsultationFactory

from .test_accessibility import axe_failures_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bypass_csp():
    return True


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_no_wcag_violations_on_the_implementation_pages(
    page, login_as, commissioner, second_commissioner, language
):
    consultation = ConsultationFactory(slug="reform")
    change = adopted_change(consultation, drafter=commissioner, approver=second_commissioner)
    late = record(change, commissioner, due_date=timezone.localdate() - timedelta(days=5))
    post(late, commissioner, to_status=CommitmentStatus.IN_PROGRESS, progress=30)
    post(
        late,
        commissioner,
        to_status=CommitmentStatus.DELAYED,
        **texts("Кешікті.", "Отложено.", "Delayed.", prefix="reason"),
    )
    post(record(change, commissioner), commissioner, to_status=CommitmentStatus.DONE)  # awaits approval
    give_totp(commissioner)
    login_as(commissioner)
    paths = [
        f"/{language}/consultations/reform/implementation/",
        f"/{language}/consultations/reform/implementation/overdue/",
        f"/{language}/consultations/reform/implementation/{late.pk}/",
        f"/{language}/consultations/reform/basic-law/articles/liberty/",
        f"/{language}/proposals/{change.proposal.pk}/",
        f"/{language}/staff/implementation/",
        f"/{language}/staff/implementation/new/reform/?article={change.article.pk}",
        f"/{language}/staff/implementation/{late.pk}/",
    ]
    assert axe_failures_at(page, paths) == {}
