"""The public outcome of a consultation: numbers and charts, what is overdue, and what changed and why."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from portal.core.page_cache import cache_anonymous_page

from ..models import ArticleIdentity, Consultation, Proposal, ProposalStatus, ResponseStatus, Topic
from ..selectors import outcome as outcome_selectors
from ..selectors import response as response_selectors

BAR_AREA = 360  # width of the longest bar, in SVG units
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
            "value_x": 234 + round(BAR_AREA * value / largest, 1),
        }
        for index, (label, value) in enumerate(items)
    ]
    return {
        "key": key,
        "title": title,
        "description": description,
        "rows": rows,
        "height": max(len(rows), 1) * ROW_HEIGHT,
    }


def outcome_charts(stats: dict) -> list[dict]:
    status_labels = dict(ProposalStatus.choices)
    response_labels = dict(ResponseStatus.choices)
    topics = {topic.slug: str(topic) for topic in Topic.objects.filter(slug__in=list(stats["by_topic"]))}
    articles = {
        identity.key: identity
        for identity in ArticleIdentity.objects.filter(key__in=list(stats["by_article"])).order_by("id")
    }
    submitter_labels = dict(Proposal.SubmitterType.choices)

    def article_label(key):
        identity = articles.get(key)
        return _("Article %(number)s") % {"number": identity.number} if identity and identity.number else key

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
            [(article_label(key), n) for key, n in stats["by_article"].items()],
        ),
        (
            "submitter",
            _("Published proposals by type of submitter"),
            [(str(submitter_labels.get(t, t)), n) for t, n in stats["by_submitter_type"].items()],
        ),
        ("week", _("Proposals published per week"), list(stats["by_week"].items())),
    ]
    return [
        chart(key=key, title=title, description=describe(items), items=items) for key, title, items in specs
    ]


@cache_anonymous_page()
def consultation_outcome(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    stats = outcome_selectors.consultation_stats_shared(consultation=consultation)
    return render(
        request,
        "proposals/outcome.html",
        {
            "consultation": consultation,
            "stats": stats,
            "charts": outcome_charts(stats),
            "changed_articles": response_selectors.articles_with_changes(consultation=consultation),
            "overdue_count": len(response_selectors.overdue_proposals(consultation=consultation)),
        },
    )


def consultation_overdue(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    return render(
        request,
        "proposals/overdue.html",
        {
            "consultation": consultation,
            "rows": response_selectors.overdue_proposals(consultation=consultation),
            "rules": response_selectors.obligation_rules(consultation.pk),
        },
    )
