"""The outcome of a consultation in numbers: what was received, published and answered, and how.

A campaign cluster counts once (its representative), everywhere here. The outcome page, `/api/v1/stats`
and the tests read the same function.
"""

from __future__ import annotations

import time
from statistics import median

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone

from portal.core.queue import enqueue_on_commit

from ..models import ObligationRule, Proposal, ProposalResponse, ProposalStatus, ResponseState, ResponseStatus
from ..models.proposal import PUBLIC_STATUSES
from .response import AWAITING_ANSWER, deadline_for, due_before, obligation_rules


def _counts(queryset, field: str) -> dict:
    return {
        row[field]: row["n"]
        for row in queryset.values(field).annotate(n=Count("id", distinct=True)).order_by(field)
    }


# How long computed numbers are kept at all: a consultation nobody reads any more leaves the cache.
OUTCOME_STATS_KEEP_SECONDS = 24 * 3600


def _stats_key(consultation_id: int) -> str:
    return f"outcome-stats:{consultation_id}"


def consultation_stats_shared(*, consultation) -> dict:
    """`consultation_stats`, counted at most once per OUTCOME_STATS_CACHE_SECONDS for all web processes,
    and never while a reader waits once they were counted a first time.

    The numbers take a dozen aggregate queries over every proposal (2.3 s at 100,000); the outcome page and
    /api/v1/stats show them to everyone, so they may lag rather than be counted again for each reader. When
    they are older than the period, readers still get them at once, and the first of them queues one
    recount for a worker (stale-while-revalidate); only the first reader ever, or after the cache lost
    them, counts them itself. They hold counts only: no text that moderation could have to withdraw at once.
    """
    key = _stats_key(consultation.pk)
    kept = cache.get_many([key, f"{key}:counted-at"])
    stats, counted_at = kept.get(key), kept.get(f"{key}:counted-at")
    if stats is None:
        return _counted_once(consultation=consultation)
    # No time: kept by the release before, which stored the numbers alone under the same key (and still
    # reads them there during a rolling deploy).
    stale = counted_at is None or time.time() - counted_at > settings.OUTCOME_STATS_CACHE_SECONDS
    if stale and cache.add(f"{key}:recount-queued", 1, settings.OUTCOME_STATS_CACHE_SECONDS):
        # A recount lost with the broker is queued again by a reader of the next period.
        enqueue_on_commit("proposals.tasks.recount_outcome_stats", consultation.pk)
    return stats


# With no numbers kept (the first reader ever, a cache that lost them), how long a reader waits for the one
# who is counting them, and how long that claim stands if its reader dies while counting.
COLD_WAIT_SECONDS = 15
COUNTING_CLAIM_SECONDS = 60


def _counted_once(*, consultation) -> dict:
    """One reader counts, the others wait for its numbers: sixteen readers counting the same dozen aggregates
    at once took every core for as long as sixteen counts (bench/http_pages.py answered none in 5 s). A
    reader whose wait runs out counts for itself: the one counting may have died."""
    key = _stats_key(consultation.pk)
    if cache.add(f"{key}:counting", 1, COUNTING_CLAIM_SECONDS):
        try:
            return consultation_stats_refresh(consultation=consultation)
        finally:
            cache.delete(f"{key}:counting")
    deadline = time.monotonic() + COLD_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        stats = cache.get(key)
        if stats is not None:
            return stats
    return consultation_stats_refresh(consultation=consultation)


def consultation_stats_refresh(*, consultation) -> dict:
    """Counts the numbers now and shares them with every reader (the worker's recount, a cold cache)."""
    counted_at = time.time()
    stats = consultation_stats(consultation=consultation)
    key = _stats_key(consultation.pk)
    cache.set_many({key: stats, f"{key}:counted-at": counted_at}, OUTCOME_STATS_KEEP_SECONDS)
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
