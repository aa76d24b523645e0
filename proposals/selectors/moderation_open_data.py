"""The moderation figures of the public transparency page as open data, per consultation and week, and the
public statements of reasons of the decisions a proposal's public timeline shows.

Counts and codes only, from the same definitions as the page (`selectors.moderation`): no name, no text a
moderator wrote for the author alone, and never who decided.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..detectors.pii import contains_personal_data
from ..models import ModerationCase
from ..models.moderation import DECISION_OUTCOMES
from ..models.proposal import VISIBLE_STATUSES
from .commitment import iso_utc
from .consultation import public_consultation_slugs
from .moderation import (
    appeal_cases,
    moderator_decisions,
    report_hidings,
    screening_changes_requests,
    screening_publications,
    week_of,
)

Decision = ModerationCase.Decision
DECIDED = ModerationCase.Status.DECIDED
WEEK_END = timedelta(days=6)

_WEEK_NOTE = format_lazy(
    _("Weeks run from Monday to Sunday, in the portal's time zone ({})."), settings.TIME_ZONE
)

# The transparency page's figures, field by field (Frictionless type, meaning in kk, ru and en).
MODERATION_FIELDS = {
    "consultation": ("string", _("Short name (slug) of the consultation.")),
    "week_start": ("date", format_lazy("{} {}", _("Monday the week starts on."), _WEEK_NOTE)),
    "week_end": ("date", _("Sunday the week ends on.")),
    "moderator_decisions": (
        "integer",
        _(
            "Decisions taken by moderators in the week, on proposals and comments, "
            "decisions on appeal included."
        ),
    ),
    **{
        f"decisions_{code}": ("integer", format_lazy(_("Decisions by moderators of the kind: {}."), label))
        for code, label in DECISION_OUTCOMES.items()
    },
    **{
        f"reason_{code}": (
            "integer",
            format_lazy(_("Decisions by moderators against content for the reason: {}."), label),
        )
        for code, label in ModerationCase.ReasonCode.choices
    },
    "screening_publications": (
        "integer",
        _("Proposals published automatically after a clean screening."),
    ),
    "screening_changes_requests": (
        "integer",
        _("Submissions sent back automatically by screening to remove personal data."),
    ),
    "report_hidings": (
        "integer",
        _("Proposals hidden automatically after readers' reports, until a moderator decides."),
    ),
    "cases_waiting": (
        "integer",
        _("Cases opened in the week that still wait for a decision when the file is read."),
    ),
    "appeals": ("integer", _("Appeals lodged in the week.")),
    "appeals_decided": ("integer", _("Appeals decided in the week.")),
    "appeals_upheld": ("integer", _("Appeals upheld in the week: the decision was reversed.")),
    "appeals_dismissed": ("integer", _("Appeals dismissed in the week: the decision stands.")),
    "median_hours_to_decision": (
        "number",
        _(
            "Median time from a case's opening to the moderator's decision in the week, in hours; "
            "empty without one."
        ),
    ),
}

STATEMENT_FIELDS = {
    "id": ("integer", _("Number of the moderation decision.")),
    "proposal": ("integer", _("Number of the proposal decided on.")),
    "url": ("string", _("Address of the proposal's public page, whose timeline shows the statement.")),
    "consultation": ("string", _("Short name (slug) of the consultation.")),
    "decision": ("string", _("Code of the decision: reject or merge.")),
    "reason": (
        "string",
        _(
            "Code of the reason: personal_data, abuse, spam, off_topic, duplicate, illegal, impersonation "
            "or other."
        ),
    ),
    "statement": ("string", _("The statement of reasons, as the proposal's public timeline shows it.")),
    "decided_at": ("datetime", _("When the decision was taken (UTC, ISO 8601).")),
}

MODERATION_RESOURCES = [
    {
        "name": "moderation",
        "paths": ("open-data/moderation.csv", "open-data/moderation.json"),
        "title": _("Moderation in numbers, per consultation and week"),
        "fields": MODERATION_FIELDS,
        "primary_key": ["consultation", "week_start"],
    },
    {
        "name": "moderation-statements",
        "paths": ("open-data/moderation-statements.csv", "open-data/moderation-statements.json"),
        "title": _("Public statements of reasons of moderation decisions"),
        "fields": STATEMENT_FIELDS,
        "primary_key": ["id"],
    },
]


def _empty_row() -> dict:
    return {name: 0 for name in MODERATION_FIELDS if name not in ("consultation", "week_start", "week_end")}


def moderation_rows(*, consultation=None) -> Iterator[dict]:
    """One row per public consultation and week, every week from its first counted event to its last (a week
    without any reads as zeros rather than as missing), oldest first. Each figure is the page's, counted in
    the week it happened: a decision when it was taken, an appeal when it was lodged, a waiting case when it
    was opened. Summed over the rows, they are the page's totals."""
    slugs = public_consultation_slugs()
    if consultation is not None:
        slugs = {consultation.pk: consultation.slug} if consultation.pk in slugs else {}
    where = {"proposal__consultation__in": list(slugs)}
    rows: dict[tuple[int, date], Counter] = defaultdict(Counter)
    hours: dict[tuple[int, date], list[float]] = defaultdict(list)

    def count(consultation_id, moment, *fields):
        if moment is not None:
            rows[consultation_id, week_of(moment)].update(fields)

    decisions = moderator_decisions().filter(**where)
    for consultation_id, decision, reason, created, decided in decisions.values_list(
        "proposal__consultation", "decision", "reason_code", "created_at", "decided_at"
    ):
        against = [f"reason_{reason}"] if reason and decision != Decision.APPROVE else []
        count(consultation_id, decided, "moderator_decisions", f"decisions_{decision}", *against)
        if decided is not None:
            hours[consultation_id, week_of(decided)].append((decided - created).total_seconds() / 3600)
    for consultation_id, decided, created in (
        screening_changes_requests()
        .filter(**where)
        .values_list("proposal__consultation", "decided_at", "created_at")
    ):
        count(consultation_id, decided or created, "screening_changes_requests")
    for name, transitions in (
        ("screening_publications", screening_publications()),
        ("report_hidings", report_hidings()),
    ):
        for consultation_id, at in transitions.filter(**where).values_list(
            "proposal__consultation", "created_at"
        ):
            count(consultation_id, at, name)
    waiting = ModerationCase.objects.filter(status=ModerationCase.Status.OPEN, **where)
    for consultation_id, created in waiting.values_list("proposal__consultation", "created_at"):
        count(consultation_id, created, "cases_waiting")
    for consultation_id, status, decision, created, decided in (
        appeal_cases()
        .filter(**where)
        .values_list("proposal__consultation", "status", "decision", "created_at", "decided_at")
    ):
        count(consultation_id, created, "appeals")
        if status == DECIDED:
            upheld = "appeals_upheld" if decision == Decision.APPROVE else "appeals_dismissed"
            count(consultation_id, decided or created, "appeals_decided", upheld)

    weeks_of: dict[int, list[date]] = defaultdict(list)
    for consultation_id, monday in rows:
        weeks_of[consultation_id].append(monday)
    for consultation_id in sorted(weeks_of, key=lambda pk: slugs[pk]):
        monday, last = min(weeks_of[consultation_id]), max(weeks_of[consultation_id])
        while monday <= last:
            key = (consultation_id, monday)
            durations = hours.get(key)
            yield {
                "consultation": slugs[consultation_id],
                "week_start": monday,
                "week_end": monday + WEEK_END,
                **_empty_row(),
                **rows.get(key, {}),
                "median_hours_to_decision": round(statistics.median(durations), 1) if durations else None,
            }
            monday += timedelta(weeks=1)


def statement_rows(*, site_url: str, consultation=None) -> Iterator[dict]:
    """The rejections and merges of proposals whose page, and so its timeline, the public may read, with the
    statement of reasons that timeline shows, oldest first. Hidings, requests for changes and decisions on
    comments are told to their author alone and are left out, as is a statement in which personal data is
    found (an old one, written before statements were checked for it)."""
    slugs = public_consultation_slugs()
    cases = moderator_decisions().filter(
        comment__isnull=True,
        decision__in=(Decision.REJECT, Decision.MERGE),
        proposal__status__in=VISIBLE_STATUSES,
        proposal__consultation__in=list(slugs),
    )
    if consultation is not None:
        cases = cases.filter(proposal__consultation=consultation)
    with translation.override(settings.LANGUAGE_CODE):
        page_url = site_url + reverse("proposal_detail", kwargs={"pk": 0})[:-2]
    for pk, proposal_id, consultation_id, decision, reason, statement, decided in cases.order_by(
        "decided_at", "pk"
    ).values_list(
        "pk", "proposal", "proposal__consultation", "decision", "reason_code", "statement", "decided_at"
    ):
        if not statement or contains_personal_data(statement):
            continue
        yield {
            "id": pk,
            "proposal": proposal_id,
            "url": f"{page_url}{proposal_id}/",
            "consultation": slugs[consultation_id],
            "decision": decision,
            "reason": reason or None,
            "statement": statement,
            "decided_at": iso_utc(decided),
        }
