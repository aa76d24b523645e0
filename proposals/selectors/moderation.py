"""Reads for moderation: the queue with its filters, and the public transparency figures."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..models import ArticleIdentity, ModerationCase, Proposal, ProposalStatus, ProposalTransition, Report
from ..models.moderation import NEW_ACCOUNT_AGE

Decision = ModerationCase.Decision
APPROVED = "approved"

# What the reason words that screening and reports record mean, for the moderator's eyes.
REASON_LABELS = {
    "personal_data_iin": _("Personal data: IIN"),
    "personal_data_phone": _("Personal data: phone number"),
    "personal_data_email": _("Personal data: email"),
    "personal_data_card": _("Personal data: card number"),
    "abuse": _("Abusive language"),
    "spam_links": _("Spam: many links"),
    "spam_shouting": _("Spam: shouting"),
    "spam_repetition": _("Spam: repetition"),
    "near_duplicate": _("Possible duplicate"),
    "burst_account": _("Burst from one account"),
    "burst_address": _("Burst from one address"),
    "burst_text": _("Burst of one text"),
    "report_campaign": _("Possible report campaign: new accounts reported this together"),
    "report_campaign_network": _("Possible report campaign: several reporters on one network"),
}
_REPORT_KINDS = dict(Report.Kind.choices)


def reason_labels(reasons: list[str]) -> list[str]:
    """Labels in the active language; a report reason reads "Report: <what the reader chose>"."""
    labels = []
    for reason in reasons:
        kind = reason.removeprefix("report_")
        if kind != reason and kind in _REPORT_KINDS:
            labels.append(gettext("Report: %(kind)s") % {"kind": _REPORT_KINDS[kind]})
        else:
            labels.append(str(REASON_LABELS.get(reason, reason)))
    return labels


# Screening stores some excerpts as counts written in English ("6 links", "4 in 10 min", "#49 (71%)"): they
# are read back here and said in the moderator's language.
_LINKS_EXCERPT = re.compile(r"^(\d+) links$")
_BURST_EXCERPT = re.compile(r"^(\d+) in (\d+) min$")
_DUPLICATE_EXCERPT = re.compile(r"^#(\d+) \((\d+)%\)$")


@dataclass(frozen=True)
class FindingRow:
    label: str
    excerpt: str
    duplicate_of: int | None = None  # the proposal a possible duplicate resembles


def finding_rows(findings: list[dict]) -> list[FindingRow]:
    """What screening found, as the moderator reads it: each reason's label and its excerpt in the active
    language (masked personal data and the first letter of an abusive word stay as stored)."""
    rows = []
    for finding in findings:
        reason, excerpt = finding.get("reason", ""), finding.get("excerpt", "")
        label = str(REASON_LABELS.get(reason, reason))
        if match := _LINKS_EXCERPT.match(excerpt):
            count = int(match[1])
            excerpt = ngettext("%(count)d link", "%(count)d links", count) % {"count": count}
        elif match := _BURST_EXCERPT.match(excerpt):
            count, minutes = int(match[1]), int(match[2])
            excerpt = ngettext(
                "%(count)d within %(minutes)d minutes", "%(count)d within %(minutes)d minutes", count
            ) % {"count": count, "minutes": minutes}
        elif match := _DUPLICATE_EXCERPT.match(excerpt):
            rows.append(
                FindingRow(
                    label,
                    gettext("proposal no. %(number)s, %(share)s%% alike")
                    % {"number": match[1], "share": match[2]},
                    duplicate_of=int(match[1]),
                )
            )
            continue
        rows.append(FindingRow(label, excerpt))
    return rows


def earlier_decisions(case: ModerationCase) -> QuerySet[ModerationCase]:
    """The decisions already taken on the same proposal or comment, newest first: a resubmission after a
    request for changes, or content reported again after it was kept, is judged knowing what was said."""
    return (
        ModerationCase.objects.filter(
            proposal_id=case.proposal_id, comment_id=case.comment_id, status=ModerationCase.Status.DECIDED
        )
        .exclude(pk=case.pk)
        .select_related("decided_by")
        .order_by("-decided_at", "-id")
    )


def changes_request() -> Subquery:
    """For a proposal row (`OuterRef("pk")`): what a moderator, or screening finding personal data, asked its
    author to change when it last sent it back to draft; None for a draft never sent back."""
    return Subquery(
        ProposalTransition.objects.filter(proposal=OuterRef("pk"), to_status=ProposalStatus.DRAFT)
        .exclude(from_status__in=["", ProposalStatus.DRAFT])
        .order_by("-created_at", "-id")
        .values("reason")[:1]
    )


def proposal_changes_request(proposal) -> str | None:
    """What its author was last asked to change, while the proposal is a draft sent back to them."""
    if proposal.status != ProposalStatus.DRAFT:
        return None
    return Proposal.objects.filter(pk=proposal.pk).values_list(changes_request(), flat=True).first()


def appealable_hiding() -> Exists:
    """For a comment row (`OuterRef("pk")`): a moderator's decision to hide it, not appealed yet (an
    appeal is once, and the decision on it is final)."""
    return Exists(
        ModerationCase.objects.filter(
            comment=OuterRef("pk"),
            status=ModerationCase.Status.DECIDED,
            decision=Decision.HIDE,
            appeal_of__isnull=True,
            appeals__isnull=True,
        )
    )


def under_review() -> Exists:
    """For a comment row (`OuterRef("pk")`): whether a moderation case on it is still open."""
    return Exists(ModerationCase.objects.filter(comment=OuterRef("pk"), status=ModerationCase.Status.OPEN))


@dataclass(frozen=True)
class QueueFilters:
    reason: str = ""
    min_risk: float | None = None
    min_age_days: int | None = None
    language: str = ""
    kind: str = ""  # "proposal" or "comment"
    source: str = ""
    mine_of: int | None = None


def with_where_it_belongs(cases: QuerySet[ModerationCase]) -> QuerySet[ModerationCase]:
    """Cases with the consultation and the articles of their proposal, read in two queries for any number of
    cases, so the moderator sees where each item belongs."""
    return cases.select_related("proposal__consultation").prefetch_related(
        # With document and consultation: each article is a link to its page.
        Prefetch(
            "proposal__articles",
            queryset=ArticleIdentity.objects.select_related("document__consultation").order_by("id"),
        )
    )


def queue_cases(filters: QueueFilters) -> QuerySet[ModerationCase]:
    """Open cases, most urgent first: impersonation, appeals, reports, then screening; oldest first within."""
    open_cases = ModerationCase.objects.filter(status=ModerationCase.Status.OPEN)
    cases = with_where_it_belongs(open_cases).select_related("comment", "claimed_by", "appeal_of")
    if filters.reason:
        # Reason codes are plain words inside a JSON list: a quoted substring match works on every database.
        cases = cases.filter(reasons__icontains=f'"{filters.reason[:40]}')
    if filters.min_risk is not None:
        cases = cases.filter(risk_score__gte=filters.min_risk)
    if filters.min_age_days is not None:
        cases = cases.filter(created_at__lte=timezone.now() - timedelta(days=filters.min_age_days))
    if filters.language:
        cases = cases.filter(language=filters.language)
    if filters.kind == "comment":
        cases = cases.filter(comment__isnull=False)
    elif filters.kind == "proposal":
        cases = cases.filter(comment__isnull=True)
    if filters.source:
        cases = cases.filter(source=filters.source)
    if filters.mine_of is not None:
        cases = cases.filter(claimed_by_id=filters.mine_of)
    return cases.order_by("-priority", "created_at", "id")


@dataclass(frozen=True)
class CaseReport:
    """One report on a case as the moderator sees it: no name, no address, only what helps to weigh it."""

    report: Report
    reporter_label: int  # "Reporter 1, 2, …" in the order they reported on this case
    verified: bool
    new_account: bool  # made shortly before the report (NEW_ACCOUNT_AGE)
    same_network: int  # how many other reporters of this case reported from the same network
    reports_made: int
    upheld: int  # the moderator acted against the content
    rejected: int  # the moderator kept or restored it


def case_reports(case: ModerationCase) -> list[CaseReport]:
    """The case's reports with each reporter's history: how many reports they made and how those cases were
    decided. Two queries whatever the number of reports."""
    reports = list(
        case.reports.select_related("reporter__identity_verification").order_by("created_at", "id")
    )
    decided = Q(case__status=ModerationCase.Status.DECIDED)
    history = {
        row["reporter"]: row
        for row in Report.objects.filter(reporter__in={report.reporter_id for report in reports})
        .values("reporter")
        .annotate(
            made=Count("id"),
            upheld=Count("id", filter=decided & ~Q(case__decision=Decision.APPROVE)),
            rejected=Count("id", filter=decided & Q(case__decision=Decision.APPROVE)),
        )
    }
    reporters_by_network: dict[str, set[int]] = defaultdict(set)
    for report in reports:
        if report.network:
            reporters_by_network[report.network].add(report.reporter_id)
    labels: dict[int, int] = {}
    rows = []
    for report in reports:
        label = labels.setdefault(report.reporter_id, len(labels) + 1)
        reporter = report.reporter
        counts = history.get(report.reporter_id, {"made": 0, "upheld": 0, "rejected": 0})
        rows.append(
            CaseReport(
                report=report,
                reporter_label=label,
                verified=getattr(reporter, "identity_verification", None) is not None,
                new_account=report.created_at - reporter.date_joined < NEW_ACCOUNT_AGE,
                same_network=len(reporters_by_network[report.network] - {report.reporter_id})
                if report.network
                else 0,
                reports_made=counts["made"],
                upheld=counts["upheld"],
                rejected=counts["rejected"],
            )
        )
    return rows


def case_age(case: ModerationCase, now=None) -> tuple[int, bool]:
    """(whole days in the queue, overdue?) with the overdue mark after MODERATION_OVERDUE_DAYS."""
    days = ((now or timezone.now()) - case.created_at).days
    return days, days >= settings.MODERATION_OVERDUE_DAYS


@dataclass
class TransparencyReport:
    decided: int
    open_cases: int
    automatic_publications: int
    automatic_changes_requests: int  # submissions sent back by screening to remove personal data
    automatic_hidings: int  # proposals hidden by readers' reports until a moderator decides
    by_reason: list[tuple[str, int]]
    by_week: list[tuple[date, dict[str, int]]]  # each week's Monday, every week of the period
    weeks: int  # how many weeks `by_week` covers, the current one included
    columns: list[str]  # of the weekly table: approvals, then each reason code
    median_hours_to_decision: float | None
    appeals: int
    appeals_decided: int
    reversals: int


# What the public figures count, shared by the transparency page and its open data (one definition, so the
# two always agree).


def moderator_decisions() -> QuerySet[ModerationCase]:
    """Decisions taken by a person (an appeal's included)."""
    return ModerationCase.objects.filter(status=ModerationCase.Status.DECIDED, decided_by__isnull=False)


def screening_changes_requests() -> QuerySet[ModerationCase]:
    """Submissions screening sent back by itself to remove personal data."""
    return ModerationCase.objects.filter(status=ModerationCase.Status.DECIDED, decided_by__isnull=True)


def appeal_cases() -> QuerySet[ModerationCase]:
    return ModerationCase.objects.filter(appeal_of__isnull=False)


def screening_publications() -> QuerySet[ProposalTransition]:
    """Proposals the portal published by itself after a clean screening."""
    return ProposalTransition.objects.filter(
        to_status=ProposalStatus.PUBLISHED, actor__isnull=True, from_status=ProposalStatus.SUBMITTED
    )


def report_hidings() -> QuerySet[ProposalTransition]:
    """Proposals hidden by readers' reports until a moderator decides."""
    return ProposalTransition.objects.filter(to_status=ProposalStatus.HIDDEN, actor__isnull=True)


def week_of(moment) -> date:
    """The Monday (local time) of the week `moment` falls in: how the figures are grouped by week."""
    day = timezone.localdate(moment)
    return day - timedelta(days=day.weekday())


def transparency_report(*, weeks: int = 12) -> TransparencyReport:
    """What moderation did, for the public page: no names, no texts, only counts and durations.

    Decisions by people; what the portal did by itself (the request to remove personal data, hiding after
    readers' reports, publication after a clean screening) is counted apart. The weekly table has a row for
    each of the last `weeks` weeks, empty ones too, so that a week without decisions reads as such rather than
    as missing.
    """
    rows = list(
        moderator_decisions().values_list(
            "decision", "reason_code", "created_at", "decided_at", "appeal_of_id"
        )
    )
    by_reason = Counter(reason for decision, reason, *_ in rows if decision != Decision.APPROVE and reason)
    # Weeks by their Monday (local time): a date every language can show, unlike an ISO week code.
    today = timezone.localdate()
    mondays = [today - timedelta(days=today.weekday(), weeks=back) for back in reversed(range(weeks))]
    per_week: dict[date, Counter] = {monday: Counter() for monday in mondays}
    for decision, reason, _created, decided_at, _appeal in rows:
        if decided_at:
            monday = week_of(decided_at)
            if monday in per_week:
                per_week[monday][reason if decision != Decision.APPROVE else APPROVED] += 1
    durations = [
        (decided_at - created).total_seconds() / 3600
        for _d, _r, created, decided_at, _a in rows
        if decided_at
    ]
    appeals = appeal_cases()
    reversals = appeals.filter(status=ModerationCase.Status.DECIDED, decision=Decision.APPROVE).count()
    automatic = screening_publications().count()
    any_in_period = any(per_week.values())
    return TransparencyReport(
        decided=len(rows),
        open_cases=ModerationCase.objects.filter(status=ModerationCase.Status.OPEN).count(),
        automatic_publications=automatic,
        automatic_changes_requests=screening_changes_requests().count(),
        automatic_hidings=report_hidings().count(),
        by_reason=sorted(by_reason.items(), key=lambda item: (-item[1], item[0])),
        by_week=[(week, dict(per_week[week])) for week in mondays] if any_in_period else [],
        weeks=weeks,
        columns=[APPROVED, *ModerationCase.ReasonCode.values],
        median_hours_to_decision=round(statistics.median(durations), 1) if durations else None,
        appeals=appeals.count(),
        appeals_decided=appeals.filter(status=ModerationCase.Status.DECIDED).count(),
        reversals=reversals,
    )
