"""Screening of new proposals: detectors run, then the moderation policy publishes or queues."""

from django.conf import settings
from django.db import transaction

from ..models import Proposal, ProposalStatus
from .proposal import proposal_transition


@transaction.atomic
def proposal_screen(*, proposal: Proposal) -> str:
    """Runs the detectors on the proposal's text; returns the status it moved to.

    Clean proposals are published at once when the policy is `auto_publish_clean`; anything with a finding,
    and everything under `review_all`, goes to a moderator.
    """
    from ..screening import screen_text

    # Two deliveries of the same task (a sweep and a late broker) must not screen twice.
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.SUBMITTED:
        return proposal.status
    text = "\n\n".join([proposal.title, proposal.summary, proposal.body])
    result = screen_text(text, language=proposal.language)
    _join_campaign(proposal)
    if not result.findings and settings.PORTAL_MODERATION_POLICY == "auto_publish_clean":
        proposal = proposal_transition(
            proposal=proposal, to_status=ProposalStatus.PUBLISHED, actor=None, reason="automatic: no findings"
        )
        return proposal.status
    proposal = proposal_transition(
        proposal=proposal,
        to_status=ProposalStatus.IN_MODERATION,
        actor=None,
        internal_note="; ".join(str(reason) for reason in result.reasons),
    )
    from .moderation import moderation_case_open

    moderation_case_open(proposal=proposal, result=result)
    return proposal.status


def _join_campaign(proposal: Proposal) -> None:
    """Records the text's fingerprint and, when another person's public proposal has the same text, makes
    this one a member of that cluster (the representative counts the people behind the text)."""
    from django.db.models import F

    from ..models.proposal import PUBLIC_STATUSES
    from ..screening import text_fingerprint

    fingerprint = text_fingerprint(proposal.summary, proposal.body)
    representative = (
        Proposal.objects.select_for_update()
        .filter(text_fingerprint=fingerprint, status__in=PUBLIC_STATUSES, cluster_of__isnull=True)
        .exclude(author_id=proposal.author_id)
        .order_by("published_at", "id")
        .first()
    )
    proposal.text_fingerprint = fingerprint
    fields = ["text_fingerprint"]
    if representative is not None:
        proposal.cluster_of = representative
        fields.append("cluster_of")
        Proposal.objects.filter(pk=representative.pk).update(cluster_size=F("cluster_size") + 1)
    proposal.save(update_fields=fields)
