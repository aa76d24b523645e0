"""Moderation: cases from screening and reports, claimed by one moderator at a time, decided with reasons
(one by one or in bulk), appealed once to another moderator; hiding and restoring published content.

Every decision that goes against an author carries a reason code and a statement of reasons, which the
author receives in-app and by email and sees on their proposal, with the way to appeal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.audit import audit_record
from portal.core.text import shown_length
from portal.notifications.services import notifications_withdraw, notify
from proposals.permissions.moderation import can_decide_case, can_moderate
from proposals.permissions.proposal import has_interest_in

from ..detectors.pii import contains_personal_data
from ..models import Comment, ModerationCase, Proposal, ProposalStatus
from ..models.moderation import CASE_PRIORITY
from ..selectors.proposal import proposal_speakers
from .comment import comment_announce, comment_author_tell, comment_url
from .proposal import proposal_transition
from .response_approval import response_reach_late_member

# A claim left untouched this long may be taken over (a moderator went home with a case open).
CLAIM_EXPIRY = timedelta(minutes=30)
MIN_STATEMENT = 20
OWN_CONTENT = gettext_lazy(
    "You cannot decide on your own content, your organisation's, or comments under them."
)
Decision = ModerationCase.Decision
Source = ModerationCase.Source
S = ProposalStatus


class ConflictOfInterest(PermissionDenied):
    """A moderator refused a case on their own content, their organisation's, or an appeal of their own
    decision: the attempt is itself recorded (`moderation_conflict_record`)."""


class CaseTaken(Exception):
    def __init__(self, holder_name: str):
        self.holder_name = holder_name
        super().__init__(holder_name)


# --- opening cases -------------------------------------------------------------------------------------


@transaction.atomic
def moderation_case_open(
    *,
    proposal: Proposal,
    result=None,
    comment: Comment | None = None,
    source: str = Source.SCREENING,
    reasons: list[str] | None = None,
) -> ModerationCase:
    """Opens a case on the proposal (or one of its comments), or adds to the one already open.

    `result` is a screening result (masked excerpts only); `reasons` are extra reason words (from reports).
    """
    new_reasons = [str(reason) for reason in (result.reasons if result else [])] + list(reasons or [])
    findings = [{"reason": str(f.reason), "excerpt": f.excerpt} for f in (result.findings if result else [])]
    open_cases = ModerationCase.objects.select_for_update(of=("self",)).filter(
        status=ModerationCase.Status.OPEN, proposal=proposal, comment=comment
    )
    case = open_cases.first()
    if case is None:
        return ModerationCase.objects.create(
            proposal=proposal,
            comment=comment,
            source=source,
            priority=CASE_PRIORITY[source],
            # The queue's language filter sends a case to moderators who read the text under review.
            language=(comment.language if comment is not None else "") or proposal.language,
            risk_score=result.risk_score if result else 0.0,
            reasons=sorted(set(new_reasons)),
            findings=findings,
        )
    # An impersonation report on a case opened by screening moves it to the front of the queue.
    if CASE_PRIORITY[source] > case.priority:
        case.source, case.priority = source, CASE_PRIORITY[source]
    case.reasons = sorted(set(case.reasons) | set(new_reasons))
    case.findings = case.findings + findings
    if result:
        case.risk_score = max(case.risk_score, result.risk_score)
    case.save(update_fields=["source", "priority", "reasons", "findings", "risk_score"])
    return case


# --- claiming ------------------------------------------------------------------------------------------


@transaction.atomic
def moderation_case_claim(*, case: ModerationCase, moderator) -> ModerationCase:
    """Gives the case to `moderator` unless another holds a fresh claim (then CaseTaken names them)."""
    if not can_moderate(moderator):
        raise PermissionDenied(_("Only moderators can claim cases."))
    case = (
        ModerationCase.objects.select_for_update(of=("self",))
        .select_related("claimed_by", "appeal_of")
        .get(pk=case.pk)
    )
    if case.status != ModerationCase.Status.OPEN:
        raise ValidationError(_("This case is already decided."))
    if not can_decide_case(moderator, case):
        raise ConflictOfInterest(OWN_CONTENT)
    if case.appeal_of_id and case.appeal_of.decided_by_id == moderator.pk:
        raise ConflictOfInterest(_("An appeal must be decided by another moderator."))
    fresh = case.claimed_at and timezone.now() - case.claimed_at < CLAIM_EXPIRY
    if case.claimed_by_id and case.claimed_by_id != moderator.pk and fresh:
        raise CaseTaken(case.claimed_by.display_name)
    case.claimed_by, case.claimed_at = moderator, timezone.now()
    case.save(update_fields=["claimed_by", "claimed_at"])
    return case


# --- deciding ------------------------------------------------------------------------------------------


def allowed_decisions(case: ModerationCase) -> list[str]:
    """What a moderator may decide on this case, given where its content stands now."""
    if case.comment_id:
        return [Decision.APPROVE, Decision.HIDE]
    status = case.proposal.status
    if status == S.IN_MODERATION:
        return [Decision.APPROVE, Decision.REJECT, Decision.REQUEST_CHANGES, Decision.MERGE]
    if status == S.PUBLISHED:
        return [Decision.APPROVE, Decision.HIDE, Decision.MERGE]
    if status in (S.UNDER_REVIEW, S.RESPONDED):
        return [Decision.APPROVE]
    if status == S.HIDDEN:
        return [Decision.APPROVE, Decision.HIDE]  # merging would publish its text again (PROPOSAL_LIFECYCLE)
    return []


def _validate_decision(case, *, moderator, decision, reason_code, statement, merge_into) -> None:
    if decision not in Decision.values or decision not in allowed_decisions(case):
        raise ValidationError({"decision": _("Choose one of the decisions offered for this case.")})
    # An approval answers no one, except on appeal: the author who appealed is owed the reasons either way.
    if decision == Decision.APPROVE and not case.is_appeal:
        return
    errors = {}
    if decision != Decision.APPROVE and reason_code not in ModerationCase.ReasonCode.values:
        errors["reason_code"] = _("Choose the reason.")
    if shown_length(statement) < MIN_STATEMENT:
        errors["statement"] = _("Explain the decision to the author in at least 20 characters.")
    elif _statement_is_public(case, decision) and contains_personal_data(statement):
        errors["statement"] = _(
            "This statement of reasons is published on the proposal's page: remove the IIN, phone number, "
            "email or card number from it."
        )
    if decision == Decision.MERGE and (
        merge_into is None or merge_into.pk == case.proposal_id or not merge_into.is_public
    ):
        errors["merge_into"] = _("Give the number of the published proposal this one duplicates.")
    elif decision == Decision.MERGE and merge_into.consultation_id != case.proposal.consultation_id:
        # A number mistyped by one digit names a proposal of another consultation just as well; its
        # supporters and its answer belong to that consultation.
        errors["merge_into"] = _(
            "Proposal %(number)d belongs to another consultation: a proposal is merged only into one of its "
            "own consultation."
        ) % {"number": merge_into.pk}
    elif decision == Decision.MERGE and has_interest_in(moderator, merge_into):
        # A merge favours its target: its author (or their organisation) would decide in their own favour.
        errors["merge_into"] = _("You cannot merge into your own proposal or your organisation's.")
    if errors:
        raise ValidationError(errors)


def _statement_is_public(case: ModerationCase, decision: str) -> bool:
    """Whether the statement is shown as the reason of its step on the proposal's public timeline: a
    rejection's (read by everyone once an appeal is upheld) and a merge's. A hiding's, a request for changes'
    and any on a comment go to the author only; an approval's step shows no reason."""
    return not case.comment_id and decision in (Decision.REJECT, Decision.MERGE)


def _apply(case: ModerationCase, *, moderator, decision: str, statement: str, merge_into) -> None:
    """Carries the decision out on the content, through the transition service for proposals.

    The author of an appeal hears the appeal's outcome, which is final, instead of the notice of a first
    decision: that one offers the appeal they have just made, and a reversal would read as a bare
    "published"."""
    first_decision = not case.is_appeal
    if case.comment_id:
        comment_set_hidden(
            comment=case.comment,
            hidden=decision == Decision.HIDE,
            moderator=moderator,
            statement=statement,
            tell_author=first_decision,
        )
    else:
        _apply_to_proposal(
            case, moderator=moderator, decision=decision, statement=statement, merge_into=merge_into
        )
    # A merge on appeal is told by its own notice, with the reasons.
    if case.is_appeal and decision != Decision.MERGE:
        _notify_appeal_decided(case, upheld=decision == Decision.APPROVE, statement=statement)


def _apply_to_proposal(case: ModerationCase, *, moderator, decision: str, statement: str, merge_into) -> None:
    proposal, status = case.proposal, case.proposal.status
    tell_author = not case.is_appeal
    if decision == Decision.APPROVE:
        if status in (S.IN_MODERATION, S.HIDDEN):
            published = proposal_transition(
                proposal=proposal,
                to_status=S.PUBLISHED,
                actor=moderator,
                reason=statement,
                tell_author=tell_author,
            )
            response_reach_late_member(proposal=published)
        return
    target = {
        Decision.REJECT: S.REJECTED,
        Decision.REQUEST_CHANGES: S.DRAFT,
        Decision.MERGE: S.MERGED,
        Decision.HIDE: S.HIDDEN,
    }[decision]
    if target == status:  # hidden content kept hidden: nothing moves, the statement is still sent
        if tell_author:
            _notify_hidden(proposal=proposal, statement=statement)
        return
    # A hidden proposal's page stays public to say that it is hidden, timeline included: the statement of
    # reasons, which may quote what was hidden (a name, a phone number), goes to the author only.
    public_reason = "" if target == S.HIDDEN else statement
    proposal_transition(
        proposal=proposal,
        to_status=target,
        actor=moderator,
        reason=public_reason,
        internal_note=f"moderation case {case.pk}" if target == S.HIDDEN else "",
        merged_into=merge_into,
        tell_author=tell_author,
    )
    if target == S.HIDDEN and tell_author:
        _notify_hidden(proposal=proposal, statement=statement)
    elif target == S.MERGED:
        notify(
            recipients=proposal_speakers(proposal),
            category="moderation",
            kind="proposal.merged",
            params={"title": proposal.title, "into": merge_into.title, "reason": statement},
            url=merge_into.get_absolute_url(),
        )


def _notify_appeal_decided(case: ModerationCase, *, upheld: bool, statement: str) -> None:
    if case.comment_id:
        kind = "comment.appeal_upheld" if upheld else "comment.appeal_dismissed"
        recipient, url = case.comment.author_id, f"{reverse('participation')}#my-comment-{case.comment_id}"
    else:
        kind = "proposal.appeal_upheld" if upheld else "proposal.appeal_dismissed"
        recipient, url = case.proposal.author_id, case.proposal.get_absolute_url()
    notify(
        recipients=[recipient],
        category="moderation",
        kind=kind,
        params={"title": case.proposal.title, "reason": statement},
        url=url,
    )


@transaction.atomic
def moderation_decide(
    *,
    case: ModerationCase,
    moderator,
    decision: str,
    reason_code: str = "",
    statement: str = "",
    merge_into: Proposal | None = None,
) -> ModerationCase:
    """Decides a claimed case and carries it out; every decision but approval needs its reasons."""
    case = (
        ModerationCase.objects.select_for_update(of=("self",))
        .select_related("proposal", "comment", "appeal_of")
        .get(pk=case.pk)
    )
    if case.status != ModerationCase.Status.OPEN:
        raise ValidationError(_("This case is already decided."))
    if case.claimed_by_id != moderator.pk:
        raise PermissionDenied(_("Claim the case before deciding it."))
    if not can_decide_case(moderator, case):
        raise ConflictOfInterest(OWN_CONTENT)
    if case.appeal_of_id and case.appeal_of.decided_by_id == moderator.pk:
        raise ConflictOfInterest(_("An appeal must be decided by another moderator."))
    statement = statement.strip()
    _validate_decision(
        case,
        moderator=moderator,
        decision=decision,
        reason_code=reason_code,
        statement=statement,
        merge_into=merge_into,
    )
    _apply(case, moderator=moderator, decision=decision, statement=statement, merge_into=merge_into)
    case.status = ModerationCase.Status.DECIDED
    case.decision, case.reason_code, case.statement = decision, reason_code, statement
    case.decided_by, case.decided_at = moderator, timezone.now()
    case.save(update_fields=["status", "decision", "reason_code", "statement", "decided_by", "decided_at"])
    audit_record(
        actor=moderator,
        action=f"moderation.{decision}",
        target=case.comment or case.proposal,
        details={
            "case": case.pk,
            "reason_code": reason_code,
            "appeal": case.is_appeal,
            "merge_into": merge_into.pk if merge_into else None,
        },
    )
    return case


@dataclass
class BulkOutcome:
    decided: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def moderation_decide_bulk(
    *, case_ids: list[int], moderator, decision: str, reason_code: str = "", statement: str = ""
) -> BulkOutcome:
    """The same decision on many cases (e.g. a spam wave): each is claimed and decided in its own
    transaction, so one case held by a colleague or already decided does not stop the rest."""
    if not can_moderate(moderator):
        raise PermissionDenied(_("Only moderators can decide cases."))
    if decision == Decision.MERGE:
        raise ValidationError({"decision": _("Merging needs a target: decide duplicates one by one.")})
    outcome = BulkOutcome()
    for case in ModerationCase.objects.filter(pk__in=case_ids).order_by("pk"):
        # An appeal is owed an answer to its grounds, which a bulk statement written for a wave of spam does
        # not give; and a case selected in the queue may have become an appeal since (the author appealed
        # and the waiting case took the appeal over).
        if case.is_appeal:
            outcome.skipped[case.pk] = _("An appeal is decided on its own page, after reading its grounds.")
            continue
        try:
            with transaction.atomic():
                moderation_case_claim(case=case, moderator=moderator)
                moderation_decide(
                    case=case,
                    moderator=moderator,
                    decision=decision,
                    reason_code=reason_code,
                    statement=statement,
                )
        except CaseTaken as taken:
            outcome.skipped[case.pk] = _("%(name)s is already working on this case.") % {
                "name": taken.holder_name
            }
        except (ValidationError, PermissionDenied) as error:
            outcome.skipped[case.pk] = " ".join(getattr(error, "messages", [str(error)]))
            moderation_conflict_record(
                error, moderator=moderator, proposal=case.proposal, comment=case.comment, case=case
            )
        else:
            outcome.decided.append(case.pk)
    return outcome


def moderation_conflict_record(error: Exception, *, moderator, proposal, comment=None, case=None) -> None:
    """Writes the refused attempt to the audit log when `error` is a conflict of interest: the refusal
    rolled back everything the attempt wrote, and a moderator trying to decide for themselves, or to confirm
    their own decision on appeal, is what an auditor looks for. Called after the attempt's transaction."""
    if not isinstance(error, ConflictOfInterest):
        return
    audit_record(
        actor=moderator,
        action="moderation.refused_conflict",
        target=comment or proposal,
        details={
            "case": case.pk if case is not None and case.pk else None,
            "appeal": bool(case and case.is_appeal),
        },
    )


# --- appeals -------------------------------------------------------------------------------------------


@transaction.atomic
def moderation_appeal(
    *, proposal: Proposal, author, grounds: str, comment: Comment | None = None
) -> ModerationCase:
    """The author contests a moderator's rejection or hiding of their proposal, or hiding of their comment,
    once; the appeal goes to a different moderator."""
    grounds = grounds.strip()
    if shown_length(grounds) < 10:
        raise ValidationError({"grounds": _("Say why the decision should change (at least 10 characters).")})
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if comment is None:
        last = (
            ModerationCase.objects.filter(
                proposal=proposal, comment__isnull=True, decision__in=[Decision.REJECT, Decision.HIDE]
            )
            .order_by("-decided_at", "-id")
            .first()
        )
        if last is None or proposal.author_id != author.pk or proposal.status not in (S.REJECTED, S.HIDDEN):
            raise PermissionDenied(_("Only the author of a rejected or hidden proposal can appeal."))
    else:
        comment = Comment.objects.select_for_update().get(pk=comment.pk, proposal=proposal)
        last = (
            ModerationCase.objects.filter(comment=comment, status=ModerationCase.Status.DECIDED)
            .order_by("-decided_at", "-id")
            .first()
        )
        if (
            last is None
            or last.decision != Decision.HIDE
            or comment.author_id != author.pk
            or comment.hidden_at is None
            or comment.deleted_at is not None
        ):
            raise PermissionDenied(_("Only the author of a comment a moderator hid can appeal."))
    if last.is_appeal or last.appeals.exists():
        raise ValidationError(_("This decision was already reviewed on appeal; it is final."))
    if comment is None and proposal.status == S.REJECTED:
        # The grounds are for the moderator (the case keeps them); written as the step's reason, they stood on
        # the public timeline once the appeal was upheld, often with something about the author.
        proposal_transition(
            proposal=proposal, to_status=S.IN_MODERATION, actor=author, internal_note="appeal of a rejection"
        )
    appeal = {
        "source": Source.APPEAL,
        "priority": CASE_PRIORITY[Source.APPEAL],
        "appeal_of": last,
        "appeal_grounds": grounds,
    }
    # A case already open on the content (readers reported it meanwhile) becomes the appeal, with its
    # reports, since only one case is open per item; the one who took the appealed decision lets go of it.
    waiting = (
        ModerationCase.objects.select_for_update(of=("self",))
        .filter(status=ModerationCase.Status.OPEN, proposal=proposal, comment=comment)
        .first()
    )
    if waiting is not None:
        for name, value in appeal.items():
            setattr(waiting, name, value)
        waiting.reasons = sorted(set(waiting.reasons) | set(last.reasons))
        if waiting.claimed_by_id == last.decided_by_id:
            waiting.claimed_by, waiting.claimed_at = None, None
        waiting.save()
        return waiting
    return ModerationCase.objects.create(
        proposal=proposal,
        comment=comment,
        language=proposal.language,
        risk_score=last.risk_score,
        reasons=last.reasons,
        findings=last.findings,
        **appeal,
    )


# --- hiding and restoring ------------------------------------------------------------------------------


def _notify_hidden(*, proposal: Proposal, statement: str) -> None:
    notify(
        recipients=proposal_speakers(proposal),
        category="moderation",
        kind="proposal.hidden",
        params={"title": proposal.title, "reason": statement},
        url=proposal.get_absolute_url(),
    )


def comment_set_hidden(
    *, comment: Comment, hidden: bool, moderator=None, statement: str = "", tell_author: bool = True
) -> Comment:
    """Hides a comment (it leaves the count; its place in the thread says why) or restores it. A moderator's
    hiding is told to the author (`tell_author`), unless the caller tells them otherwise (an appeal)."""
    tell_author = tell_author and moderator is not None
    comment = Comment.objects.select_for_update().select_related("proposal").get(pk=comment.pk)
    if (comment.hidden_at is not None) == hidden:
        if hidden and tell_author:
            _notify_comment_hidden(comment, statement)
        return comment
    comment.hidden_at = timezone.now() if hidden else None
    comment.save(update_fields=["hidden_at"])
    if hidden:
        notifications_withdraw(urls=[comment_url(comment)], keep_for=comment.author_id)
    if comment.deleted_at is None:
        counted = Proposal.objects.filter(pk=comment.proposal_id)
        if hidden:
            counted.filter(comments_count__gt=0).update(comments_count=F("comments_count") - 1)
        else:
            counted.update(comments_count=F("comments_count") + 1)
            # A comment that screening held was never announced: its readers hear of it now.
            comment_announce(comment)
    if hidden and tell_author:
        _notify_comment_hidden(comment, statement)
    elif tell_author:
        # Told it was held, or hidden until a moderator reviewed it, the author never heard it was shown.
        comment_author_tell(comment=comment, kind="comment.shown")
    return comment


def _notify_comment_hidden(comment: Comment, statement: str) -> None:
    comment_author_tell(
        comment=comment,
        kind="comment.hidden",
        params={"title": comment.proposal.title, "reason": statement},
        # Where the author finds the decision's appeal.
        url=f"{reverse('participation')}#my-comment-{comment.pk}",
    )


def _refuse_stale_act(*, proposal: Proposal, comment: Comment | None, decision: str) -> None:
    """The page offers to hide what is shown and to restore what is hidden. Two moderators on one page (or a
    page left open) would otherwise both act: the second decision went through as "done", sent the author a
    second statement of reasons and took the place of the first as the one to appeal. Reads the content
    under a lock, so that of two simultaneous clicks the second sees the first's result."""
    if comment is not None:
        hidden = Comment.objects.select_for_update().get(pk=comment.pk).hidden_at is not None
    else:
        hidden = Proposal.objects.select_for_update().get(pk=proposal.pk).status == S.HIDDEN
    if decision == Decision.HIDE and hidden:
        raise ValidationError(
            _(
                "This is already hidden, probably by another moderator a moment ago: the page you acted "
                "from was out of date. Nothing was changed."
            )
        )
    if decision == Decision.APPROVE and not hidden:
        raise ValidationError(
            _(
                "This is already shown, probably restored by another moderator a moment ago: the page you "
                "acted from was out of date. Nothing was changed."
            )
        )


@transaction.atomic
def moderation_act(
    *,
    moderator,
    proposal: Proposal,
    comment: Comment | None = None,
    decision: str,
    reason_code: str = "",
    statement: str = "",
) -> ModerationCase:
    """A moderator hides or restores published content on their own initiative: recorded as a case they
    open, claim and decide at once, so it has the same statement of reasons, audit entry and appeal."""
    if not can_moderate(moderator):
        raise PermissionDenied(_("Only moderators can hide or restore content."))
    _refuse_stale_act(proposal=proposal, comment=comment, decision=decision)
    case = moderation_case_open(proposal=proposal, comment=comment, source=Source.MODERATOR)
    moderation_case_claim(case=case, moderator=moderator)
    return moderation_decide(
        case=case, moderator=moderator, decision=decision, reason_code=reason_code, statement=statement
    )
