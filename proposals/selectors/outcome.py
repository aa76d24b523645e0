"""The outcome of a consultation in numbers: what was received, published and answered, and how.

A campaign cluster counts once (its representative), everywhere here. The outcome page, `/api/v1/stats`
and the tests read the same function.
"""

from __future__ import annotations

from statistics import median

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone

from ..models import ObligationRule, Proposal, ProposalResponse, ProposalStatus, ResponseState, ResponseStatus
from ..models.proposal import PUBLIC_STATUSES
from .response import AWAITING_ANSWER, deadline_for, due_before, obligation_rules


def _counts(queryset, field: str) -> dict:
    return {
        row[field]: row["n"]
        for row in queryset.values(field).annotate(n=Count("id", distinct=True)).order_by(field)
    }


def consultation_stats_shared(*, consultation) -> dict:
    """`consultation_stats`, computed at most once per OUTCOME_STATS_CACHE_SECONDS for all web processes.

    The numbers take about twenty aggregate queries over every proposal (1.8 s at 100,000); the outcome page
    and /api/v1/stats show them to everyone, so they may lag by those seconds rather than be counted again
    for each reader. They hold counts only: no text that moderation could have to withdraw at once."""
    from django.conf import settings
    from django.core.cache import cache

    key = f"outcome-stats:{consultation.pk}"
    stats = cache.get(key)
    if stats is None:
        stats = consultation_stats(consultation=consultation)
        cache.set(key, stats, settings.OUTCOME_STATS_CACHE_SECONDS)
    return stats


def consultation_stats(*, consultation=None) -> dict:
    """Plain numbers (JSON-ready); labels are added by the page."""
    proposals = Proposal.objects.filter(cluster_of__isnull=True)
    responses = ProposalResponse.objects.filter(
        state=ResponseState.PUBLISHED, proposal__cluster_of__isnull=True
    )
    if consultation is not None:
        proposals = proposals.filter(consultation=consultation)
        responses = responses.filter(proposal__consultation=consultation)
    # Received: everything that left the author's draft (a draft withdrawn unsent was never received).
    received = (
        proposals.exclude(status=ProposalStatus.DRAFT)
        .exclude(status=ProposalStatus.WITHDRAWN, submitted_at__isnull=True)
        .count()
    )
    public = proposals.filter(status__in=PUBLIC_STATUSES)
    published = public.count()
    answered_rows = list(
        public.filter(status=ProposalStatus.RESPONDED, responded_at__isnull=False).values_list(
            "published_at", "responded_at", "supports_count", "consultation_id"
        )
    )
    answered = len(answered_rows)
    days = [
        (responded - published_at).total_seconds() / 86400
        for published_at, responded, _supports, _consultation in answered_rows
        if published_at
    ]
    # Obligations kept and missed: answers against their deadline, and what is overdue now.
    all_rules = list(ObligationRule.objects.filter(is_active=True))
    on_time = late = 0
    for published_at, responded, supports, consultation_id in answered_rows:
        rules = obligation_rules(consultation_id, among=all_rules)
        deadline = deadline_for(published_at=published_at, supports=supports, rules=rules)
        if deadline is not None:
            on_time += responded <= deadline
            late += responded > deadline
    overdue = 0
    awaiting = public.filter(status__in=AWAITING_ANSWER)
    now = timezone.now()
    consultation_ids = awaiting.values_list("consultation_id", flat=True).order_by().distinct()
    for consultation_id in consultation_ids:
        rules = obligation_rules(consultation_id, among=all_rules)
        if rules:
            overdue += awaiting.filter(consultation_id=consultation_id).filter(due_before(rules, now)).count()
    by_response = _counts(responses, "status")
    by_topic = {
        (slug or ""): n
        for slug, n in public.values_list("topic__slug").annotate(n=Count("id")).order_by("topic__slug")
    }
    by_article = dict(
        public.filter(articles__isnull=False)
        .values_list("articles__key")
        .annotate(n=Count("id", distinct=True))
        .order_by("articles__key")
    )
    by_week = {
        timezone.localtime(week).date().isoformat(): n
        for week, n in public.filter(published_at__isnull=False)
        .annotate(week=TruncWeek("published_at"))
        .values_list("week")
        .annotate(n=Count("id"))
        .order_by("week")
    }
    answered_by_topic = _counts(public.filter(status=ProposalStatus.RESPONDED), "topic__slug")
    return {
        "received": received,
        "published": published,
        "answered": answered,
        "response_rate": round(100 * answered / published, 1) if published else 0.0,
        "median_days_to_response": round(median(days), 1) if days else None,
        "answered_on_time": on_time,
        "answered_late": late,
        "overdue": overdue,
        "by_status": _counts(public, "status"),
        "by_response_status": {status: by_response.get(status, 0) for status in ResponseStatus.values},
        "by_topic": by_topic,
        "answered_by_topic": {(k or ""): v for k, v in answered_by_topic.items()},
        "by_article": by_article,
        "by_submitter_type": _counts(public, "submitter_type"),
        "by_week": by_week,
    }
