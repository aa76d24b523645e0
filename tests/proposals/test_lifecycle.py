"""Every transition outside the documented lifecycle is refused, and each allowed one writes a log row.

The expected table is written out here from the documented lifecycle (docs/ARCHITECTURE.md), never read from
`PROPOSAL_LIFECYCLE`: a test that derived its cases from the code would follow any wrong change to it.
"""

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from portal.core.lifecycle import TransitionNotAllowed
from portal.notifications.models import Notification
from proposals.models import ProposalStatus, ProposalTransition
from proposals.services.proposal import PROPOSAL_LIFECYCLE, proposal_transition

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db
ALL = list(ProposalStatus.values)
DOCUMENTED = {
    "draft": {"submitted", "withdrawn"},
    "submitted": {"in_moderation", "published", "rejected", "withdrawn", "draft"},
    "in_moderation": {"published", "rejected", "draft", "withdrawn", "merged"},
    "published": {"under_review", "responded", "merged", "withdrawn", "in_moderation", "hidden"},
    "hidden": {"published"},
    "under_review": {"responded", "merged"},
    "responded": set(),
    "rejected": {"in_moderation"},
    "withdrawn": set(),
    "merged": set(),
}
ALLOWED = {(source, target) for source, targets in DOCUMENTED.items() for target in targets}


def test_the_table_covers_every_status():
    assert PROPOSAL_LIFECYCLE.statuses == set(ALL) == set(DOCUMENTED)


def test_the_table_is_the_documented_lifecycle():
    assert set(PROPOSAL_LIFECYCLE.pairs()) == ALLOWED


@pytest.mark.parametrize(("from_status", "to_status"), sorted(ALLOWED))
def test_each_allowed_transition_happens_and_is_logged(from_status, to_status):
    proposal = ProposalFactory(status=from_status)
    merged_into = ProposalFactory() if to_status == ProposalStatus.MERGED else None
    proposal = proposal_transition(
        proposal=proposal, to_status=to_status, actor=None, reason="because", merged_into=merged_into
    )
    proposal.refresh_from_db()
    assert proposal.status == to_status
    log = ProposalTransition.objects.get(proposal=proposal)
    assert (log.from_status, log.to_status, log.reason) == (from_status, to_status, "because")


@pytest.mark.parametrize(("from_status", "to_status"), sorted(set(itertools.product(ALL, ALL)) - ALLOWED))
def test_every_transition_outside_the_table_is_refused_and_leaves_no_trace(from_status, to_status):
    proposal = ProposalFactory(status=from_status)
    with pytest.raises(TransitionNotAllowed):
        proposal_transition(proposal=proposal, to_status=to_status, actor=None, merged_into=ProposalFactory())
    proposal.refresh_from_db()
    assert proposal.status == from_status
    assert not ProposalTransition.objects.filter(proposal=proposal).exists()


def test_publication_stamps_the_time_once():
    proposal = ProposalFactory(status="submitted", published_at=None)
    proposal = proposal_transition(proposal=proposal, to_status="published", actor=None)
    assert proposal.published_at is not None


@pytest.mark.parametrize(
    ("persona", "to_status", "allowed"),
    [
        ("citizen", "published", False),
        ("moderator", "published", True),
        ("commissioner", "published", False),
        ("commissioner", "under_review", True),
        ("moderator", "under_review", False),
    ],
)
def test_who_may_move_a_proposal(request, persona, to_status, allowed):
    from django.core.exceptions import PermissionDenied

    start = "in_moderation" if to_status == "published" else "published"
    proposal = ProposalFactory(status=start)
    actor = request.getfixturevalue(persona)
    if allowed:
        assert proposal_transition(proposal=proposal, to_status=to_status, actor=actor).status == to_status
    else:
        with pytest.raises(PermissionDenied):
            proposal_transition(proposal=proposal, to_status=to_status, actor=actor)


def test_status_cannot_be_set_through_a_model_form():
    from django.forms import modelform_factory

    from proposals.models import Proposal

    form_class = modelform_factory(Proposal, fields="__all__")
    assert "status" not in form_class.base_fields


def test_an_author_cannot_send_their_published_proposal_back_to_moderation(citizen):
    """Only a rejected proposal comes back before a moderator at its author's request (an appeal)."""
    proposal = ProposalFactory(status="published", author=citizen)
    with pytest.raises(PermissionDenied):
        proposal_transition(proposal=proposal, to_status="in_moderation", actor=citizen)
    rejected = ProposalFactory(status="rejected", author=citizen)
    assert proposal_transition(proposal=rejected, to_status="in_moderation", actor=citizen).status == (
        "in_moderation"
    )


@pytest.mark.parametrize(
    ("from_status", "to_status", "kind"),
    [
        ("submitted", "published", "proposal.published"),  # screening found nothing
        ("in_moderation", "published", "proposal.published"),
        ("hidden", "published", "proposal.published"),
        ("submitted", "rejected", "proposal.rejected"),
        ("in_moderation", "rejected", "proposal.rejected"),
        ("submitted", "draft", "proposal.changes_requested"),
        ("in_moderation", "draft", "proposal.changes_requested"),
    ],
)
def test_the_author_is_told_of_every_decision_on_their_proposal(from_status, to_status, kind):
    proposal = ProposalFactory(status=from_status)
    proposal_transition(proposal=proposal, to_status=to_status, actor=None, reason="the reasons")
    notice = Notification.objects.get(recipient=proposal.author)
    assert (notice.category, notice.kind) == ("moderation", kind)
