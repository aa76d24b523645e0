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
