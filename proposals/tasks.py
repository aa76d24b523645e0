"""Celery tasks of the participation domain: thin, idempotent, keyed by primary key."""

from celery import shared_task

from .models import Proposal, ProposalStatus


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=10, max_retries=5)
def screen_proposal(self, proposal_id: int) -> str:
    """Pre-screens a submitted proposal. Running it twice does nothing more: it acts only on `submitted`."""
    from .services.screening import proposal_screen

    proposal = Proposal.objects.filter(pk=proposal_id, status=ProposalStatus.SUBMITTED).first()
    if proposal is None:
        return "skipped"
    return proposal_screen(proposal=proposal)


@shared_task
def screen_unscreened(older_than_seconds: int = 60) -> int:
    """Beat sweep: queues screening for submissions the broker never received (it was down at the time)."""
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Proposal.objects.filter(status=ProposalStatus.SUBMITTED, submitted_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for proposal_id in ids:
        screen_proposal.delay(proposal_id)
    return len(ids)


@shared_task
def record_missed_deadlines() -> int:
    """Beat sweep: announces, once each, the answers that became overdue (see `deadline_misses_record`)."""
    from .services.response import deadline_misses_record

    return deadline_misses_record()
