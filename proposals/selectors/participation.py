"""Everything one person did on the portal, for their own "My participation" page. One query per list."""

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet

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
from ..models.proposal import CONTENT_WITHHELD
from .moderation import appealable_hiding, changes_request, under_review
from .proposal import with_thread_page

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


def _title_withheld(user, path: str = "proposal") -> ExpressionWrapper:
    """Whether the proposal at `path` is someone else's and hidden or withdrawn: its title is content the page
    no longer shows anyone but its author and moderators (a name or a phone number in it may be why), so a
    supporter, commenter, follower or reporter sees what happened instead."""
    withheld = Q(**{f"{path}__status__in": CONTENT_WITHHELD}) & ~Q(**{f"{path}__author": user})
    return ExpressionWrapper(withheld, output_field=BooleanField())


def participation_of(user) -> Participation:
    own = Proposal.objects.filter(author=user).select_related("consultation").order_by("-updated_at", "-pk")
    return Participation(
        drafts=own.filter(status=ProposalStatus.DRAFT).annotate(changes_requested=changes_request())[:LIMIT],
        proposals=own.exclude(status=ProposalStatus.DRAFT)[:LIMIT],
        supports=Support.objects.filter(user=user)
        .annotate(title_withheld=_title_withheld(user))
        .select_related("proposal")
        .order_by("-created_at")[:LIMIT],
        comments=with_thread_page(Comment.objects.filter(author=user, deleted_at__isnull=True))
        .annotate(
            under_review=under_review(), appealable=appealable_hiding(), title_withheld=_title_withheld(user)
        )
        .select_related("proposal")
        # Those moderation hid first: the author is sent here to appeal, and an active commenter's hidden
        # comment had dropped off the newest fifty, appeal and all.
        .order_by(F("hidden_at").desc(nulls_last=True), "-created_at")[:LIMIT],
        follows=Follow.objects.filter(user=user)
        .annotate(title_withheld=_title_withheld(user))
        .select_related("proposal", "article__document__consultation", "topic")
        .order_by("-created_at")[:LIMIT],
        registrations=HearingRegistration.objects.filter(
            user=user, status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED]
        )
        .select_related("hearing")
        .order_by("hearing__starts_at")[:LIMIT],
        reports=Report.objects.filter(reporter=user)
        .annotate(title_withheld=_title_withheld(user))
        .select_related("proposal", "comment", "case")
        .order_by("-created_at")[:LIMIT],
        # Their own appeals: of a decision on their proposal, or on their comment (under anyone's proposal).
        appeals=ModerationCase.objects.filter(appeal_of__isnull=False)
        .filter(Q(comment__isnull=True, proposal__author=user) | Q(comment__author=user))
        .annotate(title_withheld=_title_withheld(user))
        .select_related("proposal")
        .order_by("-created_at")[:LIMIT],
    )
