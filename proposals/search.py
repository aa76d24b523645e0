"""Full-text search on proposals: PostgreSQL with Kazakh (simple), Russian and English stemming."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

# Kazakh has no PostgreSQL stemmer: the `simple` configuration still matches exact word forms.
CONFIGS = ("simple", "russian", "english")


def proposal_search_vector():
    vector = None
    for config in CONFIGS:
        part = (
            SearchVector("title", weight="A", config=config)
            + SearchVector("summary", weight="B", config=config)
            + SearchVector("body", weight="C", config=config)
        )
        vector = part if vector is None else vector + part
    return vector


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def search_index_update(queryset: QuerySet) -> int:
    """Refreshes the stored vectors of these proposals (no-op on SQLite)."""
    if not uses_postgres():
        return 0
    return queryset.update(search_vector=proposal_search_vector())


def search_filter(queryset: QuerySet, text: str) -> QuerySet:
    text = " ".join(text.split())[:200]
    if not text:
        return queryset
    if not uses_postgres():
        return queryset.filter(
            Q(title__icontains=text) | Q(summary__icontains=text) | Q(body__icontains=text)
        )
    query = None
    for config in CONFIGS:
        part = SearchQuery(text, config=config, search_type="websearch")
        query = part if query is None else query | part
    return queryset.filter(search_vector=query).annotate(search_rank=SearchRank("search_vector", query))
