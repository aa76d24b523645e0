"""What the public may read, in one place: every open-data file and API list starts from these querysets.

A consultation staff have not published yet is prepared out of sight: its proposals, answers, commitments,
updates and hearings stay out of every public output as surely as the consultation itself does, whatever a
test, a seed or an import left attached to it.
"""

from django.db.models import QuerySet

from ..models import (
    Commitment,
    CommitmentUpdate,
    ConsultationStatus,
    Hearing,
    Proposal,
    UpdateState,
)
from ..models.proposal import PUBLIC_STATUSES

DRAFT = ConsultationStatus.DRAFT


def public_proposals() -> QuerySet[Proposal]:
    """Published proposals (published, under review, answered) of published consultations."""
    return Proposal.objects.filter(status__in=PUBLIC_STATUSES).exclude(consultation__status=DRAFT)


def public_commitments() -> QuerySet[Commitment]:
    return Commitment.objects.exclude(consultation__status=DRAFT)


def public_commitment_updates() -> QuerySet[CommitmentUpdate]:
    """Published updates of public commitments, oldest first."""
    return (
        CommitmentUpdate.objects.filter(state=UpdateState.PUBLISHED)
        .exclude(commitment__consultation__status=DRAFT)
        .order_by("published_at", "id")
    )


def public_hearings() -> QuerySet[Hearing]:
    return Hearing.objects.exclude(consultation__status=DRAFT)
