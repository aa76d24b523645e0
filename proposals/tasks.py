"""Celery tasks of the participation domain: thin, idempotent, keyed by primary key."""

from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from .models import Comment, Consultation, Proposal, ProposalStatus
from .selectors import outcome as outcome_selectors
from .services.commitment import commitment_overdue_announce
from .services.hearing_notices import hearing_reminders_send
from .services.outcome_report import outcome_report_build
from .services.response import deadline_misses_record
from .services.screening import comment_screen, proposal_screen
from .services.support import supports_fold


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=10, max_retries=5)
def screen_proposal(self, proposal_id: int) -> str:
    """Pre-screens a submitted proposal. Running it twice does nothing more: it acts only on `submitted`."""
    proposal = Proposal.objects.filter(pk=proposal_id, status=ProposalStatus.SUBMITTED).first()
    if proposal is None:
        return "skipped"
    return proposal_screen(proposal=proposal)


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=10, max_retries=5)
def screen_comment(self, comment_id: int) -> bool:
    """Pre-screens a new or edited comment. Idempotent: it acts only on a text not screened yet."""
    comment = Comment.objects.filter(pk=comment_id, screened_at__isnull=True).first()
    if comment is None:
        return False
    return comment_screen(comment=comment)


# A swept item is queued again only after this many sweep cut-offs: its task may still be waiting in a long
# queue, and queueing the whole backlog again at every sweep would multiply the backlog it is stuck behind.
REQUEUE_AFTER_CUTOFFS = 10


@shared_task
def screen_unscreened(older_than_seconds: int = 60) -> int:
    """Beat sweep: queues screening for submissions and comments the broker never received (it was down) or
    a worker died holding. Each item is queued at most once per REQUEUE_AFTER_CUTOFFS × `older_than_seconds`
    (marked in the cache: if Redis lost the marks, it lost its queue too, and queueing again is right)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    requeue_after = max(1, older_than_seconds * REQUEUE_AFTER_CUTOFFS)

    def not_queued_lately(kind: str, pk: int) -> bool:
        return cache.add(f"screening-swept:{kind}:{pk}", True, timeout=requeue_after)

    proposal_ids = Proposal.objects.filter(
        status=ProposalStatus.SUBMITTED, submitted_at__lt=cutoff
    ).values_list("pk", flat=True)
    proposal_ids = [pk for pk in proposal_ids if not_queued_lately("proposal", pk)]
    for proposal_id in proposal_ids:
        screen_proposal.delay(proposal_id)
    comment_ids = Comment.objects.filter(
        screened_at__isnull=True, deleted_at__isnull=True, hidden_at__isnull=True, created_at__lt=cutoff
    ).values_list("pk", flat=True)[:5000]
    comment_ids = [pk for pk in comment_ids if not_queued_lately("comment", pk)]
    for comment_id in comment_ids:
        screen_comment.delay(comment_id)
    return len(proposal_ids) + len(comment_ids)


@shared_task
def fold_support_tallies() -> int:
    """Adds the pending support-count changes of hot proposals to their counters (see services/support.py).

    Queued a second after a support that found its counter locked, and swept by beat as a safety net."""
    folded = 0
    while batch := supports_fold():
        folded += batch
    return folded


@shared_task
def send_hearing_reminders() -> int:
    """Beat sweep: reminders of hearings starting within HEARING_REMINDER_BEFORE, each sent once."""
    return hearing_reminders_send()


@shared_task
def record_missed_deadlines() -> int:
    """Beat sweep: announces, once each, the answers that became overdue (see `deadline_misses_record`)."""
    return deadline_misses_record()


@shared_task
def announce_overdue_commitments() -> int:
    """Beat sweep: tells followers, once per due date, of the commitments that became overdue."""
    return commitment_overdue_announce()


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=10, max_retries=3)
def build_outcome_report(self, report_id: int) -> int:
    """Writes one outcome report file (PDF or DOCX); idempotent."""
    return outcome_report_build(report_id=report_id).pk


@shared_task
def recount_outcome_stats(consultation_id: int) -> None:
    """Recounts a consultation's outcome numbers that readers found older than their period; they read the
    old ones meanwhile (selectors.outcome.consultation_stats_shared)."""
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is not None:
        outcome_selectors.consultation_stats_refresh(consultation=consultation)
