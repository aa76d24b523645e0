"""Readers' reports of proposals and comments.

Every report reaches the moderation queue (one open case per piece of content gathers them); content that
MODERATION_REPORT_HIDE_THRESHOLD distinct people reported is hidden until a moderator decides; an "I did not
submit this" report (impersonation) goes to the front of the queue at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.core import permissions

from ..models import Comment, Proposal, ProposalStatus, Report
from .moderation import Source, comment_set_hidden, moderation_case_open
from .proposal import proposal_transition

Kind = Report.Kind


@transaction.atomic
def report_create(
    *, reporter, proposal: Proposal, comment: Comment | None = None, kind: str, details: str = ""
) -> Report:
    """Records one person's report (a second report of the same content by them changes nothing)."""
    if not permissions.can_report(reporter):
        raise PermissionDenied(_("Sign in with an account in good standing to report content."))
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose what is wrong.")})
    details = " ".join(details.split())[:500]
    if kind == Kind.OTHER and not details:
        raise ValidationError({"details": _("Say what is wrong.")})
    author_id = comment.author_id if comment else proposal.author_id
    if author_id == reporter.pk:
        raise ValidationError(_("You cannot report your own content; edit or withdraw it instead."))
    # Lock the content so that the count of distinct reporters and the hiding agree under concurrency.
    Proposal.objects.select_for_update().filter(pk=proposal.pk).first()
    try:
        with transaction.atomic():
            report = Report.objects.create(
                proposal=proposal, comment=comment, reporter=reporter, kind=kind, details=details
            )
    except IntegrityError:
        return Report.objects.get(proposal=proposal, comment=comment, reporter=reporter)
    source = Source.IMPERSONATION if kind == Kind.IMPERSONATION else Source.REPORT
    case = moderation_case_open(proposal=proposal, comment=comment, source=source, reasons=[f"report_{kind}"])
    Report.objects.filter(proposal=proposal, comment=comment, case__isnull=True).update(case=case)
    reporters = (
        Report.objects.filter(proposal=proposal, comment=comment).values("reporter").distinct().count()
    )
    if reporters >= settings.MODERATION_REPORT_HIDE_THRESHOLD:
        _hide_pending_review(proposal=proposal, comment=comment, reporters=reporters)
    return report


def _hide_pending_review(*, proposal: Proposal, comment: Comment | None, reporters: int) -> None:
    if comment is not None:
        comment_set_hidden(comment=comment, hidden=True)
        return
    proposal = Proposal.objects.get(pk=proposal.pk)
    if proposal.status == ProposalStatus.PUBLISHED:
        proposal_transition(
            proposal=proposal,
            to_status=ProposalStatus.HIDDEN,
            actor=None,
            reason="",
            internal_note=f"automatic: reported by {reporters} people, hidden pending review",
        )
        from portal.notifications.services import notify

        notify(
            recipients=[proposal.author_id],
            category="moderation",
            kind="proposal.hidden_pending",
            params={"title": proposal.title},
            url=proposal.get_absolute_url(),
        )
