"""Acceptance 3: every transition outside the table is refused, and each allowed one writes a log row."""

import itertools

import pytest

from portal.core.lifecycle import TransitionNotAllowed
from proposals.models import ProposalStatus, ProposalTransition
from proposals.services.proposal import PROPOSAL_LIFECYCLE, proposal_transition

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db
ALL = list(ProposalStatus.values)
ALLOWED = set(PROPOSAL_LIFECYCLE.pairs())


def test_the_table_covers_every_status():
    assert PROPOSAL_LIFECYCLE.statuses == set(ALL)


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
