"""Moderation: the queue, decisions and account blocks."""

from portal.core.roles import is_auditor, is_moderator

from .proposal import has_interest_in


def can_moderate(user) -> bool:
    return is_moderator(user)


def can_read_moderation(user) -> bool:
    """The queue and the cases with their decisions and reasons, to read: moderators, and auditors, who
    answer for the decisions to someone outside the portal and take none."""
    return can_moderate(user) or is_auditor(user)


def can_decide_case(user, case) -> bool:
    """Nobody decides on their own content or their organisation's, nor on comments under it: hiding a
    critical comment on one's own proposal is deciding in one's own cause."""
    if not can_moderate(user):
        return False
    if case.comment_id is not None and case.comment.author_id == user.pk:
        return False
    return not has_interest_in(user, case.proposal)


def is_for_another_moderator(user, case) -> bool:
    """Whether the queue should tell `user` to leave the case to a colleague: it is about their own content or
    a comment under it, or appeals their own decision. Reads only what the queue has loaded (the case's
    proposal, comment and appealed case); the organisation check stays with `can_decide_case`."""
    if user.pk in (case.proposal.author_id, case.comment.author_id if case.comment_id else None):
        return True
    return case.appeal_of_id is not None and case.appeal_of.decided_by_id == user.pk
