"""Finding existing proposals like the one being written, so people can support instead of repeating."""

import re
from collections import Counter
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Q

from ..models import Proposal
from ..models.proposal import PUBLIC_STATUSES
from ..search import CONFIGS, uses_postgres

_WORD = re.compile(r"\w{4,}", re.UNICODE)
CANDIDATES = 60
MIN_SCORE = 0.08


def _words(text: str) -> set[str]:
    return {word.casefold() for word in _WORD.findall(text)}


def _keywords(text: str, count: int = 12) -> list[str]:
    frequencies = Counter(word.casefold() for word in _WORD.findall(text))
    return [word for word, _n in frequencies.most_common(count)]


def rank_similar(*, text: str, consultation_id: int | None, limit: int) -> list[Proposal]:
    """Candidates from the search index, re-ranked by word overlap (Jaccard); `similarity` set on each."""
    keywords = _keywords(text)
    if not keywords:
        return []
    queryset = Proposal.objects.filter(status__in=PUBLIC_STATUSES).only(
        "id", "title", "summary", "body", "supports_count", "status"
    )
    if consultation_id is not None:
        queryset = queryset.filter(consultation_id=consultation_id)
    if uses_postgres():
        terms = " or ".join(keywords)
        query = reduce(
            or_, (SearchQuery(terms, config=config, search_type="websearch") for config in CONFIGS)
        )
        candidates = (
            queryset.filter(search_vector=query)
            .annotate(rank=SearchRank("search_vector", query))
            .order_by("-rank")[:CANDIDATES]
        )
    else:
        condition = reduce(or_, (Q(title__icontains=word) | Q(summary__icontains=word) for word in keywords))
        candidates = queryset.filter(condition).order_by("-id")[:CANDIDATES]
    wanted = _words(text)
    scored = []
    for proposal in candidates:
        theirs = _words(f"{proposal.title} {proposal.summary} {proposal.body[:3000]}")
        union = wanted | theirs
        score = len(wanted & theirs) / len(union) if union else 0.0
        if score >= MIN_SCORE:
            proposal.similarity = score
            scored.append(proposal)
    scored.sort(key=lambda proposal: proposal.similarity, reverse=True)
    return scored[:limit]
