"""A hidden proposal is not merged: a merged proposal's page shows its text again, so what a moderator hid (abuse,
someone's personal data) would be public by a later decision that says nothing of it."""

import pytest
from django.core.exceptions import ValidationError

from proposals.models import ModerationCase, ProposalStatus
from proposals.services.moderation import allowed_decisions, moderation_case_claim, moderation_decide
from proposals.services.proposal import PROPOSAL_LIFECYCLE

from .factories import ProposalFactory
from .moderation_helpers import STATEMENT

pytestmark = pytest.mark.django_db


def test_a_hidden_proposal_is_restored_before_it_can_be_merged(client, consultation, published, moderator):
    target = ProposalFactory(consultation=consultation)
    case = ModerationCase.objects.create(proposal=published, source=ModerationCase.Source.MODERATOR)
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case, moderator=moderator, decision="hide", reason_code="abuse", statement=STATEMENT
    )
    published.refresh_from_db()
    assert published.status == ProposalStatus.HIDDEN
    appeal = ModerationCase.objects.create(proposal=published, source=ModerationCase.Source.MODERATOR)
    assert "merge" not in allowed_decisions(appeal)
    assert not PROPOSAL_LIFECYCLE.allows(ProposalStatus.HIDDEN, ProposalStatus.MERGED)
    moderation_case_claim(case=appeal, moderator=moderator)
    with pytest.raises(ValidationError):
        moderation_decide(
            case=appeal,
            moderator=moderator,
            decision="merge",
            reason_code="duplicate",
            statement=STATEMENT,
            merge_into=target,
        )
    published.refresh_from_db()
    assert published.status == ProposalStatus.HIDDEN
    assert published.body not in client.get(f"/en/proposals/{published.pk}/").content.decode()
