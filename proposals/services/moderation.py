"""Moderation: cases from screening, claimed by one moderator at a time, decided with reasons, appealed."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core import permissions
from portal.core.audit import audit_record

from ..models import ModerationCase, Proposal, ProposalStatus
from .proposal import proposal_transition

# A claim left untouched this long may be taken over (a moderator went home with a case open).
CLAIM_EXPIRY = timedelta(minutes=30)
Decision = ModerationCase.Decision


class CaseTaken(Exception):
    def __init__(self, holder_name: str):
        self.holder_name = holder_name
        super().__init__(holder_name)


def moderation_case_open(*, proposal: Proposal, result) -> ModerationCase:
    """Records what screening found (masked excerpts only) as an open case for the queue."""
    return ModerationCase.objects.create(
        proposal=proposal,
        risk_score=result.risk_score,
        reasons=[str(reason) for reason in result.reasons],
        findings=[{"reason": str(f.reason), "excerpt": f.excerpt} for f in result.findings],
    )


@transaction.atomic
def moderation_case_claim(*, case: ModerationCase, moderator) -> ModerationCase:
    """Gives the case to `moderator` unless another holds a fresh claim (then CaseTaken names them)."""
    if not permissions.can_moderate(moderator):
        raise PermissionDenied(_("Only moderators can claim cases."))
    case = (
        ModerationCase.objects.select_for_update(of=("self",))
        .select_related("claimed_by", "appeal_of")
        .get(pk=case.pk)
    )
    if case.status != ModerationCase.Status.OPEN:
        raise ValidationError(_("This case is already decided."))
    if case.appeal_of_id and case.appeal_of.decided_by_id == moderator.pk:
        raise PermissionDenied(_("An appeal must be decided by another moderator."))
    fresh = case.claimed_at and timezone.now() - case.claimed_at < CLAIM_EXPIRY
    if case.claimed_by_id and case.claimed_by_id != moderator.pk and fresh:
        raise CaseTaken(case.claimed_by.display_name)
    case.claimed_by, case.claimed_at = moderator, timezone.now()
    case.save(update_fields=["claimed_by", "claimed_at"])
    return case


@transaction.atomic
def moderation_decide(
    *, case: ModerationCase, moderator, decision: str, reason_code: str = "", statement: str = ""
) -> ModerationCase:
    """Decides a claimed case and moves the proposal; a rejection or a change request needs its reasons."""
    case = (
        ModerationCase.objects.select_for_update(of=("self",))
        .select_related("proposal", "appeal_of")
        .get(pk=case.pk)
    )
    if case.status != ModerationCase.Status.OPEN:
        raise ValidationError(_("This case is already decided."))
    if case.claimed_by_id != moderator.pk:
        raise PermissionDenied(_("Claim the case before deciding it."))
    if case.appeal_of_id and case.appeal_of.decided_by_id == moderator.pk:
        raise PermissionDenied(_("An appeal must be decided by another moderator."))
    statement = statement.strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    if decision != Decision.APPROVE:
        errors = {}
        if reason_code not in ModerationCase.ReasonCode.values:
            errors["reason_code"] = _("Choose the reason.")
        if len(statement) < 20:
            errors["statement"] = _("Explain the decision to the author in at least 20 characters.")
        if errors:
            raise ValidationError(errors)
    target = {
        Decision.APPROVE: ProposalStatus.PUBLISHED,
        Decision.REJECT: ProposalStatus.REJECTED,
        Decision.REQUEST_CHANGES: ProposalStatus.DRAFT,
    }[decision]
    proposal_transition(proposal=case.proposal, to_status=target, actor=moderator, reason=statement)
    case.status = ModerationCase.Status.DECIDED
    case.decision, case.reason_code, case.statement = decision, reason_code, statement
    case.decided_by, case.decided_at = moderator, timezone.now()
    case.save(update_fields=["status", "decision", "reason_code", "statement", "decided_by", "decided_at"])
    audit_record(
        actor=moderator,
        action=f"moderation.{decision}",
        target=case.proposal,
        details={"case": case.pk, "reason_code": reason_code, "appeal": case.is_appeal},
    )
    return case


@transaction.atomic
def moderation_appeal(*, proposal: Proposal, author, grounds: str) -> ModerationCase:
    """The author contests a rejection once; the appeal goes back to the queue for a different moderator."""
    grounds = grounds.strip()
    if len(grounds) < 10:
        raise ValidationError({"grounds": _("Say why the decision should change (at least 10 characters).")})
    last = (
        ModerationCase.objects.filter(proposal=proposal, decision=Decision.REJECT)
        .order_by("-decided_at", "-id")
        .first()
    )
    if last is None or proposal.author_id != author.pk:
        raise PermissionDenied(_("Only the author of a rejected proposal can appeal."))
    if last.is_appeal or last.appeals.exists():
        raise ValidationError(_("This decision was already reviewed on appeal; it is final."))
    proposal_transition(
        proposal=proposal, to_status=ProposalStatus.IN_MODERATION, actor=author, reason=grounds
    )
    return ModerationCase.objects.create(
        proposal=proposal,
        risk_score=last.risk_score,
        reasons=last.reasons,
        findings=last.findings,
        appeal_of=last,
        appeal_grounds=grounds,
    )
