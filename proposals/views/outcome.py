"""The public outcome of a consultation: numbers and charts, what is overdue, and what changed and why."""

from datetime import date

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.core.formats import format_when
from portal.core.page_cache import cache_anonymous_page
from portal.core.shared_pages import render_for_reader

from ..models import (
    ConsultationStatus,
    Proposal,
    ProposalStatus,
    ReportFormat,
    ReportState,
    ResponseStatus,
    Topic,
)
from ..permissions import consultation as permissions
from ..selectors import document as document_selectors
from ..selectors import outcome as outcome_selectors
from ..selectors import response as response_selectors
from ..services.outcome_report import outcome_report_is_current, outcome_report_request
from .consultation import visible_consultation

# A 640-unit-wide drawing: labels end at LABEL_END (right-aligned), bars start at BAR_START. At 13 px, a label
# of LABEL_CHARS letters fits its column in every language ("Статья 4 (больше нет в проекте)" is 31); the
# table under the chart gives every label whole. The longest bar leaves room for a five-digit value after it.
LABEL_END = 300
BAR_START = 308
BAR_AREA = 280  # width of the longest bar, in SVG units
LABEL_CHARS = 36
ROW_HEIGHT = 28


def chart(*, key: str, title: str, description: str, items: list[tuple[str, int]]) -> dict:
    """A horizontal bar chart's geometry; the template draws it as SVG and repeats the numbers in a table."""
    largest = max((value for _label, value in items), default=0) or 1
    rows = [
        {
            "label": label,
            "value": value,
            "rect_y": index * ROW_HEIGHT + 4,
            "text_y": index * ROW_HEIGHT + 18,
            "width": round(BAR_AREA * value / largest, 1),
            "value_x": BAR_START + 6 + round(BAR_AREA * value / largest, 1),
        }
        for index, (label, value) in enumerate(items)
    ]
    return {
        "key": key,
        "label_end": LABEL_END,
        "bar_start": BAR_START,
        "label_chars": LABEL_CHARS,
        "title": title,
        "description": description,
        "rows": rows,
        "height": max(len(rows), 1) * ROW_HEIGHT,
    }


def _article_items(consultation, by_article: dict[str, int]) -> list[tuple[str, int]]:
    """Counts per article in the draft's order; an article removed from the draft is named as such, so it
    is not mistaken for the article that now has its number."""
    items = []
    for identity, in_draft in document_selectors.consultation_articles(consultation):
        if identity.key not in by_article:
            continue
        label = _("Article %(number)s") % {"number": identity.number} if identity.number else identity.key
        if not in_draft:
            label = _("%(article)s (no longer in the draft)") % {"article": label}
        items.append((label, by_article[identity.key]))
    return items


def outcome_charts(stats: dict, consultation) -> list[dict]:
    status_labels = dict(ProposalStatus.choices)
    response_labels = dict(ResponseStatus.choices)
    topics = {topic.slug: str(topic) for topic in Topic.objects.filter(slug__in=list(stats["by_topic"]))}
    submitter_labels = dict(Proposal.SubmitterType.choices)

    def describe(items):
        return "; ".join(f"{label}: {value}" for label, value in items)

    specs = [
        (
            "response-status",
            _("Answers by outcome"),
            [(str(response_labels[s]), n) for s, n in stats["by_response_status"].items()],
        ),
        (
            "status",
            _("Published proposals by status"),
            [(str(status_labels.get(s, s)), n) for s, n in stats["by_status"].items()],
        ),
        (
            "topic",
            _("Published proposals by topic"),
            [(topics.get(slug, _("No topic")), n) for slug, n in stats["by_topic"].items()],
        ),
        (
            "article",
            _("Published proposals by article"),
            _article_items(consultation, stats["by_article"]),
        ),
        (
            "submitter",
            _("Published proposals by type of submitter"),
            [(str(submitter_labels.get(t, t)), n) for t, n in stats["by_submitter_type"].items()],
        ),
        (
            "week",
            _("Proposals published per week"),
            # Stats keep the ISO date (JSON-ready); people read the week's first day in their language.
            [(format_when(date.fromisoformat(day), "date_short"), n) for day, n in stats["by_week"].items()],
        ),
    ]
    return [
        chart(key=key, title=title, description=describe(items), items=items) for key, title, items in specs
    ]


@cache_anonymous_page()
def consultation_outcome(request, slug):
    consultation = visible_consultation(request, slug)
    can_download_report = permissions.can_download_outcome_report(request.user, consultation)

    def context() -> dict:
        stats = outcome_selectors.consultation_stats_shared(consultation=consultation)
        return {
            "consultation": consultation,
            "stats": stats,
            "charts": outcome_charts(stats, consultation),
            "changed_articles": response_selectors.articles_with_changes(consultation=consultation),
            # The shared count, not the list of up to 500 overdue proposals read again for each reader.
            "overdue_count": stats["overdue"],
            "can_download_report": can_download_report,
        }

    # Publication day is when the most people sign in to read it: everyone who may download the report sees
    # the same page, and so does everyone who may not. A draft's page, seen by the secretariat, is theirs.
    situation = None if consultation.status == ConsultationStatus.DRAFT else (can_download_report,)
    return render_for_reader(request, "proposals/outcome.html", context, situation=situation)


def consultation_overdue(request, slug):
    consultation = visible_consultation(request, slug)
    return render(
        request,
        "proposals/overdue.html",
        {
            "consultation": consultation,
            "rows": response_selectors.overdue_proposals(consultation=consultation),
            "rules": response_selectors.obligation_rules(consultation.pk),
        },
    )


CONTENT_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def outcome_report(request, slug, file_format):
    """The report file in the page's language once built; until then a page that shows the progress."""
    consultation = visible_consultation(request, slug)
    if not permissions.can_download_outcome_report(request.user, consultation):
        raise Http404
    report = outcome_report_request(
        consultation=consultation, language=request.LANGUAGE_CODE, file_format=file_format
    )
    report.refresh_from_db()
    if outcome_report_is_current(report):
        response = FileResponse(
            report.file.open("rb"),
            as_attachment=True,
            filename=f"{consultation.slug}-{report.language}.{report.file_format}",
            content_type=CONTENT_TYPES[report.file_format],
        )
        response["Cache-Control"] = "no-store"
        return response
    context = {"consultation": consultation, "report": report, "failed": report.state == ReportState.FAILED}
    response = render(request, "proposals/outcome_report_progress.html", context, status=202)
    response["Cache-Control"] = "no-store"
    return response
