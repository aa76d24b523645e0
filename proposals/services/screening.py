"""Screening of new proposals and comments: detectors run, then the moderation policy publishes or queues.

Called from Celery tasks (`proposals/tasks.py`) after the submission commits, and from the beat sweep for
anything the broker missed. Each function locks its row and acts only on unscreened content, so a second
delivery of the same task does nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from ..detectors import Finding, Reason, ScreeningResult, screen_text, text_fingerprint
from ..detectors.bursts import BurstLimits, RecentCounts, detect_bursts
from ..detectors.minhash import band_buckets, signature
from ..models import Comment, DuplicateBand, ModerationCase, Proposal, ProposalStatus
from ..models.proposal import PUBLIC_STATUSES
from ..selectors.near_duplicates import COMPARED_STATUSES, similar_by_signature
from .comment import comment_announce, comment_author_tell
from .moderation import comment_set_hidden, moderation_case_open
from .proposal import proposal_transition
from .response_approval import response_reach_late_member


def _burst_limits() -> BurstLimits:
    return BurstLimits(
        window_minutes=settings.MODERATION_BURST_WINDOW_MINUTES,
        per_account=settings.MODERATION_BURST_PER_ACCOUNT,
        per_address=settings.MODERATION_BURST_PER_ADDRESS,
        per_text=settings.MODERATION_BURST_PER_TEXT,
    )


@transaction.atomic
def proposal_screen(*, proposal: Proposal) -> str:
    """Runs the detectors on the proposal; returns the status it moved to.

    - personal data, the first time: back to the author, who is asked to remove it before publication;
    - another person's near-identical text: the proposal joins that campaign cluster;
    - clean and the policy is `auto_publish_clean`: published at once;
    - anything else: a moderation case with the risk score and the reasons.
    """
    # Two deliveries of the same task (a sweep and a late broker) must not screen twice.
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("consultation", "author")
        .get(pk=proposal.pk)
    )
    if proposal.status != ProposalStatus.SUBMITTED:
        return proposal.status
    result = screen_text(
        "\n\n".join([proposal.title, proposal.summary, proposal.body]), language=proposal.language
    )
    result.findings.extend(_burst_findings(proposal))
    representative, near = _index_and_compare(proposal)
    if representative is not None:
        _join_cluster(proposal, representative)
    elif near is not None:
        match, score = near
        result.findings.append(Finding(Reason.NEAR_DUPLICATE, f"#{match.pk} ({score:.0%})", 0.4))

    if result.has_personal_data and not _personal_data_already_flagged(proposal):
        return _ask_to_remove_personal_data(proposal, result)
    policy = proposal.consultation.effective_moderation_policy
    if not result.findings and policy == "auto_publish_clean":
        proposal = proposal_transition(
            proposal=proposal, to_status=ProposalStatus.PUBLISHED, actor=None, reason="automatic: no findings"
        )
        return response_reach_late_member(proposal=proposal).status
    proposal = proposal_transition(
        proposal=proposal,
        to_status=ProposalStatus.IN_MODERATION,
        actor=None,
        internal_note="; ".join(str(reason) for reason in result.reasons) or "policy: review all",
    )
    moderation_case_open(proposal=proposal, result=result)
    return proposal.status


def _personal_data_already_flagged(proposal: Proposal) -> bool:
    """The author was already asked once: a second submission with the same findings goes to a moderator
    (the detector may be wrong, e.g. a public office's phone number), instead of bouncing forever."""
    return ModerationCase.objects.filter(
        proposal=proposal, comment__isnull=True, reason_code=ModerationCase.ReasonCode.PERSONAL_DATA
    ).exists()


def _ask_to_remove_personal_data(proposal: Proposal, result: ScreeningResult) -> str:
    """Back to draft with the (masked) findings, recorded as a case decided by the system."""
    case = moderation_case_open(proposal=proposal, result=result)
    excerpts = ", ".join(f["excerpt"] for f in case.findings if f["reason"].startswith("personal_data"))
    # Stored once, so written in the author's language.
    with translation.override(proposal.author.preferred_language):
        statement = gettext(
            "Personal data found (%(excerpts)s). Remove it and submit again: nothing that identifies "
            "a person may be published."
        ) % {"excerpts": excerpts}
    proposal_transition(proposal=proposal, to_status=ProposalStatus.DRAFT, actor=None, reason=statement)
    ModerationCase.objects.filter(pk=case.pk).update(
        status=ModerationCase.Status.DECIDED,
        decision=ModerationCase.Decision.REQUEST_CHANGES,
        reason_code=ModerationCase.ReasonCode.PERSONAL_DATA,
        statement=statement,
        decided_at=timezone.now(),
    )
    return ProposalStatus.DRAFT


def _burst_findings(proposal: Proposal) -> list[Finding]:
    limits = _burst_limits()
    since = timezone.now() - timedelta(minutes=limits.window_minutes)
    recent = Proposal.objects.filter(submitted_at__gte=since)
    fingerprint = text_fingerprint(proposal.summary, proposal.body)
    counts = RecentCounts(
        account=recent.filter(author_id=proposal.author_id).count(),
        address=recent.filter(submission_ip=proposal.submission_ip).count() if proposal.submission_ip else 0,
        # The text being screened has no fingerprint stored yet: count it in.
        text=recent.filter(text_fingerprint=fingerprint).exclude(pk=proposal.pk).count() + 1,
    )
    return detect_bursts(counts, limits)


def _index_and_compare(proposal: Proposal) -> tuple[Proposal | None, tuple[Proposal, float] | None]:
    """Stores the proposal's fingerprint, MinHash signature and LSH bands, and compares it with others.

    Returns (the campaign representative it should join, or None; the closest near-duplicate and its
    similarity, or None). A campaign needs another person's public text that is identical after
    normalisation or at least MODERATION_CAMPAIGN_SIMILARITY alike.
    """
    fingerprint = text_fingerprint(proposal.summary, proposal.body)
    sig = signature(proposal.title, proposal.summary, proposal.body)
    buckets = band_buckets(sig)
    proposal.text_fingerprint, proposal.minhash = fingerprint, sig
    proposal.save(update_fields=["text_fingerprint", "minhash"])
    DuplicateBand.objects.filter(proposal=proposal).delete()
    DuplicateBand.objects.bulk_create(
        DuplicateBand(proposal=proposal, band=band, bucket=bucket) for band, bucket in buckets
    )

    others = Proposal.objects.exclude(pk=proposal.pk).filter(status__in=COMPARED_STATUSES)
    exact = (
        others.filter(text_fingerprint=fingerprint, status__in=PUBLIC_STATUSES, cluster_of__isnull=True)
        .exclude(author_id=proposal.author_id)
        .order_by("published_at", "id")
        .first()
    )
    if exact is not None:
        return exact, None
    scored = similar_by_signature(sig, exclude_pk=proposal.pk)
    for score, other in scored:
        if (
            score >= settings.MODERATION_CAMPAIGN_SIMILARITY
            and other.author_id != proposal.author_id
            and other.status in PUBLIC_STATUSES
        ):
            representative = other
            if other.cluster_of_id:
                representative = Proposal.objects.get(pk=other.cluster_of_id)
            return representative, None
    for score, other in scored:
        if score >= settings.MODERATION_NEAR_DUPLICATE_SIMILARITY:
            return None, (other, score)
    return None, None


def _join_cluster(proposal: Proposal, representative: Proposal) -> None:
    """Makes the proposal a member of the campaign whose representative counts the people behind the text:
    counted once it is published (`proposal_transition`), as screening or a moderator may yet refuse it."""
    proposal.cluster_of = representative
    proposal.save(update_fields=["cluster_of"])


# --- comments ------------------------------------------------------------------------------------------

COMMENT_BURST_LIMITS = BurstLimits(window_minutes=5, per_account=10, per_address=10**9, per_text=5)


@transaction.atomic
def comment_screen(*, comment: Comment) -> bool:
    """Screens a new or edited comment; a comment with findings is hidden until a moderator decides.

    Comments appear at once (post-moderation); returns True when this screening hid it.
    """
    comment = Comment.objects.select_for_update().select_related("proposal").get(pk=comment.pk)
    if comment.screened_at is not None or comment.is_removed:
        return False
    result = screen_text(comment.body)
    since = timezone.now() - timedelta(minutes=COMMENT_BURST_LIMITS.window_minutes)
    recent = Comment.objects.filter(created_at__gte=since)
    counts = RecentCounts(
        account=recent.filter(author_id=comment.author_id).count(),
        address=0,
        text=recent.filter(body=comment.body).count(),
    )
    result.findings.extend(detect_bursts(counts, COMMENT_BURST_LIMITS))
    comment.screened_at = timezone.now()
    comment.save(update_fields=["screened_at"])
    if not result.findings:
        comment_announce(comment)
        return False
    comment_set_hidden(comment=comment, hidden=True)
    moderation_case_open(proposal=comment.proposal, comment=comment, result=result)
    # The author is told, rather than seeing the comment vanish.
    comment_author_tell(comment=comment, kind="comment.held")
    return True
