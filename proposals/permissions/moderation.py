"""Moderation: the queue, decisions and account blocks."""

from portal.core.roles import is_moderator

from .proposal import has_interest_in


def can_moderate(user) -> bool:
    return is_moderator(user)


def can_decide_case(user, case) -> bool:
    """Nobody decides on their own content or their organisation's, nor on comments under it: hiding a
    critical comment on one's own proposal is deciding in one's own cause."""
    if not can_moderate(user):
        return False
    if case.comment_id is not None and case.comment.author_id == user.pk:
        return False
    return not has_interest_in(user, case.proposal)
