"""Readers' reports of proposals and comments.

Every report reaches the moderation queue (one open case per piece of content gathers them). Only verified
persons' reports count towards hiding, and a campaign counts once: reporters on one network (a keyed
fingerprint of the address's /24 or /48, never the address) are one voice, and all reporters whose accounts
were made shortly before they reported are one voice together. Content reported by
`reports_needed_to_hide` voices (MODERATION_REPORT_HIDE_THRESHOLD, more for a proposal many people support)
is hidden until a moderator decides, and its author is told why (once: content a moderator kept or restored
after reports is not hidden again by more reports, which wait in the queue); an "I did not submit this" report
(impersonation) goes to the front of the queue at once. Several reports from one network, or from new accounts
together, flag the case as a possible campaign for the moderator.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.http import network_fingerprint
from portal.core.ratelimit import address_within, rate_limit_hit
from portal.core.text import plain_text
from portal.notifications.messages import in_every_language
from portal.notifications.services import notify
from proposals.permissions.proposal import can_report

from ..models import Comment, ModerationCase, Proposal, ProposalStatus, Report
from ..models.moderation import CASE_PRIORITY, NEW_ACCOUNT_AGE
from .comment import comment_author_tell
from .moderation import Source, comment_set_hidden, moderation_case_open
from .proposal import proposal_transition

Kind = Report.Kind
REPORTS_PER_HOUR = 30


@transaction.atomic
def report_create(
    *,
    reporter,
    proposal: Proposal,
    comment: Comment | None = None,
    kind: str,
    details: str = "",
    ip: str | None = None,
) -> Report:
    """Records one person's report (a second report of the same content by them changes nothing).

    `ip` is the client address (`portal.core.http.client_ip`); only its network's keyed fingerprint is kept.
    """
    if not can_report(reporter):
        raise PermissionDenied(_("Sign in with an account in good standing to report content."))
    # One pace for a person whatever the door (page today, the API tomorrow).
    within = rate_limit_hit(scope="report", key=str(reporter.pk), limit=REPORTS_PER_HOUR, period_seconds=3600)
    # Each report of another item opens a case: a hundred throw-away accounts on one address would fill the
    # queue at thirty reports an hour each.
    within = within and address_within(
        ip, scope="report-ip", limit=settings.REPORTS_PER_ADDRESS_PER_HOUR, period_seconds=3600
    )
    if not within:
        raise ValidationError(_("Too many reports in a short time. Try again later."))
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose what is wrong.")})
    details = " ".join(plain_text(details).split())[:500]
    if kind == Kind.OTHER and not details:
        raise ValidationError({"details": _("Say what is wrong.")})
    author_id = comment.author_id if comment else proposal.author_id
    if author_id == reporter.pk:
        raise ValidationError(_("You cannot report your own content; edit or withdraw it instead."))
    # Lock the content so that the count of distinct reporters and the hiding agree under concurrency.
    locked = Proposal.objects.select_for_update().filter(pk=proposal.pk).first()
    # Hidden content shows nothing to report, and what is left to decide on it is its author's appeal.
    if (
        Comment.objects.filter(pk=comment.pk).exclude(hidden_at=None, deleted_at=None).exists()
        if comment
        else locked.status == ProposalStatus.HIDDEN
    ):
        raise ValidationError(_("This is already hidden; moderators decide on it."))
    try:
        with transaction.atomic():
            report = Report.objects.create(
                proposal=proposal,
                comment=comment,
                reporter=reporter,
                kind=kind,
                details=details,
                network=network_fingerprint(ip),
            )
    except IntegrityError:
        return Report.objects.get(proposal=proposal, comment=comment, reporter=reporter)
    source = Source.IMPERSONATION if kind == Kind.IMPERSONATION else Source.REPORT
    reports = Report.objects.filter(proposal=proposal, comment=comment)
    reasons = [f"report_{kind}", *report_campaign_signs(reports)]
    case = moderation_case_open(proposal=proposal, comment=comment, source=source, reasons=reasons)
    reports.filter(case__isnull=True).update(case=case)
    voices = reporting_voices(reports)
    if voices >= reports_needed_to_hide(proposal=proposal, comment=comment) and not _kept_after_reports(
        proposal=proposal, comment=comment
    ):
        _hide_pending_review(proposal=proposal, comment=comment, case=case, reports=reports, voices=voices)
    return report


def _kept_after_reports(*, proposal: Proposal, comment: Comment | None) -> bool:
    """Whether a moderator has kept or restored this published content: on reports, on an appeal of a
    decision on reports, or on their own initiative. They have judged it, so more reports go to them in the
    queue and no longer hide it by themselves. Approving a submission (screening, no reports) is not that."""
    kept = ModerationCase.objects.filter(
        proposal=proposal,
        comment=comment,
        status=ModerationCase.Status.DECIDED,
        decision=ModerationCase.Decision.APPROVE,
    ).filter(
        Q(reports__isnull=False)
        | Q(appeal_of__reports__isnull=False)
        | Q(source=ModerationCase.Source.MODERATOR)
    )
    # The moderator judged the text they read. A comment edited since (its edit window outlasts a quick
    # decision) is text nobody has judged, and keeping the old one must not shield it.
    edited_at = (
        Comment.objects.filter(pk=comment.pk).values_list("edited_at", flat=True).first() if comment else None
    )
    if edited_at is not None:
        kept = kept.filter(decided_at__gt=edited_at)
    return kept.exists()


# Signs of a report campaign on one piece of content, each a reason on the moderation case. They are for
# the moderator's judgement; what they change by themselves is only how reports count towards hiding.
REPORT_CAMPAIGN = "report_campaign"  # several new accounts within the hour
REPORT_CAMPAIGN_NETWORK = "report_campaign_network"  # several reporters on one network
REPORT_CAMPAIGN_SIZE = 3
REPORT_CAMPAIGN_WINDOW = timedelta(hours=1)


def _is_new_account() -> Q:
    return Q(reporter__date_joined__gt=F("created_at") - NEW_ACCOUNT_AGE)


def report_campaign_signs(reports) -> list[str]:
    """The campaign reasons that `reports` (of one piece of content) show."""
    signs = []
    new_reporters = (
        reports.filter(_is_new_account(), created_at__gte=timezone.now() - REPORT_CAMPAIGN_WINDOW)
        .values("reporter")
        .distinct()
        .count()
    )
    if new_reporters >= REPORT_CAMPAIGN_SIZE:
        signs.append(REPORT_CAMPAIGN)
    crowded_network = (
        reports.exclude(network="")
        .values("network")
        .annotate(reporters=Count("reporter", distinct=True))
        .filter(reporters__gte=REPORT_CAMPAIGN_SIZE)
        .exists()
    )
    if crowded_network:
        signs.append(REPORT_CAMPAIGN_NETWORK)
    return signs


def reporting_voices(reports) -> int:
    """How many independent voices `reports` (of one piece of content) carry towards hiding it.

    Only verified persons count. Reporters on one network are one voice, and all reporters whose accounts
    were new when they reported are one voice together, so neither kind of campaign hides content alone.
    """
    voice = Case(
        When(_is_new_account(), then=Value("new")),
        When(~Q(network=""), then=Concat(Value("network:"), "network")),
        default=Concat(Value("person:"), Cast("reporter_id", CharField())),
        output_field=CharField(),
    )
    return (
        reports.filter(reporter__identity_verification__isnull=False)
        .annotate(voice=voice)
        .values("voice")
        .distinct()
        .count()
    )


# One more verified report needed for every this many supports: a proposal 5,000 people support needs 53.
SUPPORTS_PER_EXTRA_REPORT = 100


def reports_needed_to_hide(*, proposal: Proposal, comment: Comment | None = None) -> int:
    """How many independent verified voices hide content pending review; a proposal's support raises it."""
    base = settings.MODERATION_REPORT_HIDE_THRESHOLD
    if comment is not None:
        return base
    return base + proposal.supports_count // SUPPORTS_PER_EXTRA_REPORT


def _what_readers_reported(reports) -> dict[str, str]:
    """The kinds readers chose, in each language: the reason an author is given for a hiding by reports."""
    kinds = sorted(set(reports.values_list("kind", flat=True)))
    return in_every_language(*(Kind(kind).label for kind in kinds))


def _hide_pending_review(
    *, proposal: Proposal, comment: Comment | None, case: ModerationCase, reports, voices: int
) -> None:
    # Content hidden without a moderator's decision goes to the front of the queue.
    ModerationCase.objects.filter(
        status=ModerationCase.Status.OPEN, proposal=proposal, comment=comment
    ).update(priority=max(CASE_PRIORITY.values()))
    notice = {"title": proposal.title, "count": voices, "reason": _what_readers_reported(reports)}
    if comment is not None:
        if Comment.objects.filter(pk=comment.pk, hidden_at__isnull=True).exists():
            comment_set_hidden(comment=comment, hidden=True)
            _record_hidden_by_reports(comment, case=case, voices=voices)
            comment_author_tell(comment=comment, kind="comment.hidden_pending", params=notice)
        return
    proposal = Proposal.objects.get(pk=proposal.pk)
    if proposal.status == ProposalStatus.PUBLISHED:
        proposal_transition(
            proposal=proposal,
            to_status=ProposalStatus.HIDDEN,
            actor=None,
            reason="",
            internal_note=f"automatic: {voices} independent verified voices reported it; hidden for review",
        )
        _record_hidden_by_reports(proposal, case=case, voices=voices)
        notify(
            recipients=[proposal.author_id],
            category="moderation",
            kind="proposal.hidden_pending",
            params=notice,
            url=proposal.get_absolute_url(),
        )


def _record_hidden_by_reports(content: Proposal | Comment, *, case: ModerationCase, voices: int) -> None:
    """A hiding nobody decided leaves its entry as a moderator's does: the audit log is where an auditor
    reads every hiding, and a comment has no lifecycle log of its own to keep this one."""
    audit_record(
        actor=None,
        action="moderation.hidden_by_reports",
        target=content,
        details={"case": case.pk, "voices": voices},
    )
