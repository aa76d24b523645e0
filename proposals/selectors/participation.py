"""Everything one person did on the portal, for their own "My participation" page. One query per list."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from ..models import (
    Comment,
    Follow,
    HearingRegistration,
    ModerationCase,
    Proposal,
    ProposalStatus,
    RegistrationStatus,
    Report,
    Support,
)
from .moderation import appealable_hiding, changes_request, under_review

# Each list shows the newest this many; the page is an overview, the lists elsewhere have everything.
LIMIT = 50


@dataclass
class Participation:
    drafts: QuerySet[Proposal]
    proposals: QuerySet[Proposal]
    supports: QuerySet[Support]
    comments: QuerySet[Comment]
    follows: QuerySet[Follow]
    registrations: QuerySet[HearingRegistration]
    reports: QuerySet[Report]
    appeals: QuerySet[ModerationCase]


def participation_of(user) -> Participation:
    own = Proposal.objects.filter(author=user).select_related("consultation").order_by("-updated_at", "-pk")
    return Participation(
        drafts=own.filter(status=ProposalStatus.DRAFT).annotate(changes_requested=changes_request())[:LIMIT],
        proposals=own.exclude(status=ProposalStatus.DRAFT)[:LIMIT],
        supports=Support.objects.filter(user=user).select_related("proposal").order_by("-created_at")[:LIMIT],
        comments=Comment.objects.filter(author=user, deleted_at__isnull=True)
        .annotate(under_review=under_review(), appealable=appealable_hiding())
        .select_related("proposal")
        .order_by("-created_at")[:LIMIT],
        follows=Follow.objects.filter(user=user)
        .select_related("proposal", "article__document__consultation", "topic")
        .order_by("-created_at")[:LIMIT],
        registrations=HearingRegistration.objects.filter(
            user=user, status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED]
        )
        .select_related("hearing")
        .order_by("hearing__starts_at")[:LIMIT],
        reports=Report.objects.filter(reporter=user)
        .select_related("proposal", "comment", "case")
        .order_by("-created_at")[:LIMIT],
        # Their own appeals: of a decision on their proposal, or on their comment (under anyone's proposal).
        appeals=ModerationCase.objects.filter(appeal_of__isnull=False)
        .filter(Q(comment__isnull=True, proposal__author=user) | Q(comment__author=user))
        .select_related("proposal")
        .order_by("-created_at")[:LIMIT],
    )
