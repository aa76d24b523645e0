"""Who may do what with commitments. Commission members (and admins) record commitments and post updates;
marking one done or dropped is approved by a second member when four eyes are on (`RESPONSE_FOUR_EYES`,
as for answers)."""

from django.conf import settings

from portal.core.roles import is_commission_member

from ..models import CommitmentStatus, CommitmentUpdate, UpdateState

# The outcomes a single member may not decide alone.
FOUR_EYES_STATUSES = frozenset({CommitmentStatus.DONE, CommitmentStatus.DROPPED})
# Moving to these needs a public reason.
REASONED_STATUSES = frozenset({CommitmentStatus.DELAYED, CommitmentStatus.DROPPED})


def can_manage_commitments(user) -> bool:
    return is_commission_member(user)


def needs_second_approval(to_status: str) -> bool:
    return settings.RESPONSE_FOUR_EYES and to_status in FOUR_EYES_STATUSES


def can_approve_update(user, update: CommitmentUpdate) -> bool:
    """Another member than the one who posted it approves a pending update."""
    return (
        can_manage_commitments(user)
        and update.state == UpdateState.PENDING
        and update.posted_by_id != getattr(user, "pk", None)
    )


def can_decline_update(user, update: CommitmentUpdate) -> bool:
    """Any member may decline a pending change, its poster included (to withdraw it)."""
    return can_manage_commitments(user) and update.state == UpdateState.PENDING


def can_follow(user) -> bool:
    return user.is_authenticated
