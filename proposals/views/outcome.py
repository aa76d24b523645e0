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

# Labels and numbers are HTML text at the page's size, wrapping where a phone is narrow: inside a 640-unit SVG
# they shrank with the drawing (to 7 px at 390 px) and a long label had to be cut. Only the bars are drawn,
# each its own SVG stretched over the bar column, BAR_AREA units for the largest count.
BAR_AREA = 280


def chart(*, key: str, title: str, items: list[tuple[str, int]]) -> dict:
    """A horizontal bar chart's rows; the template draws the bars and repeats the numbers in a table. A chart
    whose every count is 0 has no rows: its page says there is nothing to show, not a row of blank bars."""
    largest = max((value for _label, value in items), default=0)
    rows = (
        [
            {"label": label, "value": value, "width": round(BAR_AREA * value / largest, 1)}
            for label, value in items
        ]
        if largest
        else []
    )
    return {"key": key, "title": title, "bar_area": BAR_AREA, "rows": rows}


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
    return [chart(key=key, title=title, items=items) for key, title, items in specs]


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
            # Only answers to proposals an obligation covers have a deadline: shown as a third count, the
            # answered ones add up instead of reading "answered 2, on time 0, late 0".
            "answered_without_deadline": (
                stats["answered"] - stats["answered_on_time"] - stats["answered_late"]
            ),
            "can_download_report": can_download_report,
            # While intake or answering goes on, the page must not read as the final word.
            "outcome_published": consultation.status
            in (ConsultationStatus.OUTCOME_PUBLISHED, ConsultationStatus.ARCHIVED),
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
