"""The Commission's answers: the work queue, drafting and four-eyes review."""

from django.conf import settings
from django.db.models import Q

from portal.core.roles import is_auditor, is_commission_member

from ..models.proposal import Proposal
from ..models.response import ResponseState
from .proposal import has_interest_in

_DRAFTABLE = {ResponseState.DRAFT, ResponseState.RETURNED}


def can_work_commission_queue(user) -> bool:
    """The Commission's work queue, internal notes and assignments."""
    return is_commission_member(user)


def can_read_commission_work(user) -> bool:
    """The work queue and the work pages to read: members, and auditors, who read the drafts, the four-eyes
    review and the notes behind each answer and take no part in answering."""
    return can_work_commission_queue(user) or is_auditor(user)


def can_read_answer_work(user, proposal) -> bool:
    """A proposal's work page. A member stands aside from their own proposal (or their organisation's):
    its draft answer, the review and the notes are the Commission's deliberation about their own text."""
    if can_work_commission_queue(user):
        return can_answer_proposal(user, proposal)
    return is_auditor(user)


def has_interest_in_answer(user, proposal) -> bool:
    """An answer speaks for the proposal and every proposal clustered with it: the author of any of them (or
    a member of its organisation) has an interest in the answer."""
    if has_interest_in(user, proposal):
        return True
    return (
        user.is_authenticated
        and Proposal.objects.filter(cluster_of_id=proposal.pk)
        .filter(Q(author_id=user.pk) | Q(organisation__memberships__user_id=user.pk))
        .exists()
    )


def can_answer_proposal(user, proposal) -> bool:
    """Commission members answer proposals, except their own and their organisation's."""
    return is_commission_member(user) and not has_interest_in_answer(user, proposal)


def can_draft_response(user, response=None) -> bool:
    """Commission members write and edit an answer until it is sent for approval or published."""
    if not is_commission_member(user):
        return False
    return response is None or (
        response.state in _DRAFTABLE and not has_interest_in_answer(user, response.proposal)
    )


def can_submit_response(user, response) -> bool:
    """Sending a draft or returned answer for approval. With four eyes on, only its drafter (the member who
    saved it last): sent by another member, it could be approved by someone who wrote most of it."""
    if not can_draft_response(user, response):
        return False
    return not settings.RESPONSE_FOUR_EYES or response.drafted_by_id == user.pk


def can_recall_response(user, response) -> bool:
    """Taking an answer sent for approval back to a draft, before anyone approved it: its drafter."""
    return (
        is_commission_member(user)
        and response.state == ResponseState.IN_REVIEW
        and response.drafted_by_id == user.pk
        and not has_interest_in_answer(user, response.proposal)
    )


def can_review_response(user, response) -> bool:
    """Approving (publishing) or returning a draft. With four eyes on, never the member who drafted it."""
    if not is_commission_member(user) or response.state == ResponseState.PUBLISHED:
        return False
    if has_interest_in_answer(user, response.proposal):
        return False
    if settings.RESPONSE_FOUR_EYES:
        return response.state == ResponseState.IN_REVIEW and response.drafted_by_id != user.pk
    return True


def can_correct_response(user, response) -> bool:
    """Correcting the articles and version a published answer names, with a reason (logged)."""
    return (
        is_commission_member(user)
        and response.state == ResponseState.PUBLISHED
        and not has_interest_in_answer(user, response.proposal)
    )
