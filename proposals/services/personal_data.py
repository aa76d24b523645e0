"""What erasing an account and the retention sweep do to the participation domain."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F

from portal.accounts.models import User
from portal.notifications.services import notifications_withdraw

from ..models import (
    Comment,
    CommentLike,
    CommitmentFollow,
    Follow,
    HearingRegistration,
    Proposal,
    ProposalStatus,
    RegistrationStatus,
    Report,
    SpeakerRequest,
    Support,
)
from ..permissions.consultation import intake_is_open
from .comment import comment_delete, comment_url
from .hearing_registration import hearing_registration_cancel
from .proposal import PROPOSAL_LIFECYCLE, proposal_transition


def content_withdraw(user: User) -> None:
    """Withdraws the person's proposals and deletes their comments where the consultation still takes
    proposals; after intake, what they wrote is part of the record the Commission answered."""
    # What they submitted for an organisation is the organisation's, and stays with its supports: a member
    # leaving the portal does not take back the organisation's word (they can withdraw it first, if they may).
    mine = Proposal.objects.filter(author=user, organisation__isnull=True)
    for proposal in mine.select_related("consultation"):
        if not intake_is_open(proposal.consultation):
            continue
        if proposal.status != ProposalStatus.WITHDRAWN and PROPOSAL_LIFECYCLE.allows(
            proposal.status, ProposalStatus.WITHDRAWN
        ):
            proposal_transition(
                proposal=proposal, to_status=ProposalStatus.WITHDRAWN, actor=None, reason="account deleted"
            )
    for comment in Comment.objects.filter(author=user, deleted_at__isnull=True).select_related(
        "proposal__consultation"
    ):
        if intake_is_open(comment.proposal.consultation):
            comment_delete(comment=comment, deleted_by=user)


# What participation_erase changes; the rows that stay point at the anonymised account.
ERASED_MODELS = (
    Support,
    Proposal,
    Comment,
    Follow,
    CommitmentFollow,
    CommentLike,
    Report,
    HearingRegistration,
    SpeakerRequest,
)


def participation_erase(user: User) -> None:
    """Supports keep counting (the counter is untouched) but lead to nobody; follows and likes go, report
    texts, requests to speak and network fingerprints are emptied, seats at hearings are given back."""
    Support.objects.filter(user=user).update(user=None)
    Proposal.objects.filter(author=user).update(submission_ip=None)
    Follow.objects.filter(user=user).delete()
    # Followed commitments and bodies would go on sending the anonymised account their updates.
    CommitmentFollow.objects.filter(user=user).delete()
    # What the person wrote to the secretariat to be heard; the request itself stays in the hearing's record.
    SpeakerRequest.objects.filter(user=user).update(message="")
    # A like is no formal act the Commission counts, and nobody stands behind it any more: kept, it would go
    # on ranking comments for a person who left (and who may come back and like them again).
    liked = list(CommentLike.objects.filter(user=user).values_list("comment_id", flat=True))
    CommentLike.objects.filter(user=user).delete()
    Comment.objects.filter(pk__in=liked, likes_count__gt=0).update(likes_count=F("likes_count") - 1)
    # What others were told of the person's comments names them ("Aliya commented on …") where the comments
    # themselves now show "Former participant".
    comments = Comment.objects.filter(author=user).select_related("proposal")
    notifications_withdraw(urls=[comment_url(comment) for comment in comments.iterator()])
    Report.objects.filter(reporter=user).update(details="", network="")
    # One by one through the service, so that each seat given back goes to the first person waiting.
    for registration in HearingRegistration.objects.filter(user=user).exclude(
        status=RegistrationStatus.CANCELLED
    ):
        hearing_registration_cancel(registration=registration, user=user, erasing=True)


def submission_addresses_purge(now: datetime) -> dict[str, int]:
    """Submission addresses and reporters' network fingerprints serve abuse checks for
    PRIVACY_IP_RETENTION_DAYS, then go."""
    cutoff = now - timedelta(days=settings.PRIVACY_IP_RETENTION_DAYS)
    purged = Proposal.objects.filter(submission_ip__isnull=False, created_at__lt=cutoff).update(
        submission_ip=None
    )
    networks = Report.objects.filter(created_at__lt=cutoff).exclude(network="").update(network="")
    return {"submission_ips": purged, "report_networks": networks}
