"""Reads on proposals, each with the joins its page needs (query counts are asserted in the tests)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from ..models import ArticleIdentity, Comment, Follow, Proposal, ProposalTransition, Support, SupportTally
from ..models.proposal import PUBLIC_STATUSES
from ..search import search_filter

_ARTICLES = ArticleIdentity.objects.select_related("document__consultation")

ORDERINGS = {
    "-created": ("-published_at", "-id"),
    "created": ("published_at", "id"),
    "-supports": ("-supports_count", "-id"),
    "-comments": ("-comments_count", "-id"),
    "-responded": ("-responded_at", "-id"),
}
DEFAULT_ORDERING = "-created"


@dataclass(frozen=True)
class ProposalFilters:
    """Validated filter values (forms and the API build this; raw request data never reaches filter())."""

    status: str | None = None
    topic: str | None = None  # topic slug
    article: int | None = None  # ArticleIdentity pk
    submitter_type: str | None = None
    has_response: bool | None = None
    q: str = ""
    ordering: str = DEFAULT_ORDERING
    consultation_id: int | None = None


def proposal_list(*, filters: ProposalFilters = ProposalFilters()) -> QuerySet[Proposal]:
    """Public proposals matching the filters, ordered; one query for the page plus one for articles."""
    # Members of a campaign cluster are represented by its first proposal.
    queryset = Proposal.objects.filter(status__in=PUBLIC_STATUSES, cluster_of__isnull=True)
    if filters.consultation_id is not None:
        queryset = queryset.filter(consultation_id=filters.consultation_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.topic:
        queryset = queryset.filter(topic__slug=filters.topic)
    if filters.article is not None:
        queryset = queryset.filter(articles=filters.article)
    if filters.submitter_type:
        queryset = queryset.filter(submitter_type=filters.submitter_type)
    if filters.has_response is not None:
        queryset = queryset.filter(responded_at__isnull=not filters.has_response)
    if filters.q:
        queryset = search_filter(queryset, filters.q)
    ordering = ORDERINGS.get(filters.ordering, ORDERINGS[DEFAULT_ORDERING])
    if (
        filters.q
        and filters.ordering == DEFAULT_ORDERING
        and hasattr(queryset.query, "annotations")
        and ("search_rank" in queryset.query.annotations)
    ):
        ordering = ("-search_rank", *ordering)
    return (
        queryset.select_related("author", "organisation", "topic")
        .only(
            "id",
            "title",
            "summary",
            "status",
            "submitter_type",
            "supports_count",
            "comments_count",
            "published_at",
            "responded_at",
            "language",
            "consultation_id",
            "cluster_size",
            "author__id",
            "author__display_name",
            "author__erased_at",
            "organisation__id",
            "organisation__name",
            "organisation__slug",
            "topic__id",
            "topic__slug",
            "topic__name_kk",
            "topic__name_ru",
            "topic__name_en",
        )
        .prefetch_related(Prefetch("articles", queryset=_ARTICLES))
        .order_by(*ordering)
    )


def proposal_detail(*, pk: int, viewer) -> Proposal | None:
    """A proposal with its author, organisation, topic, articles, attachments and public timeline."""
    queryset = Proposal.objects.select_related(
        "author", "organisation", "topic", "consultation", "merged_into", "cluster_of"
    )
    queryset = queryset.prefetch_related(
        Prefetch("articles", queryset=_ARTICLES),
        "attachments",
        Prefetch("transitions", queryset=ProposalTransition.objects.order_by("created_at", "id")),
    )
    if viewer.is_authenticated:
        queryset = queryset.annotate(
            viewer_supports=Exists(Support.objects.filter(proposal=OuterRef("pk"), user=viewer)),
            viewer_follows=Exists(Follow.objects.filter(proposal=OuterRef("pk"), user=viewer)),
        )
    return queryset.filter(pk=pk).first()


COMMENT_ORDERINGS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "liked": ("-likes_count", "-id"),
}


def proposal_comments(*, proposal: Proposal, ordering: str = "oldest") -> QuerySet[Comment]:
    """Top-level comments with their replies (oldest first) and authors: two queries per page."""
    replies = Comment.objects.select_related("author").order_by("created_at", "id")
    return (
        Comment.objects.filter(proposal=proposal, parent__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by(*COMMENT_ORDERINGS.get(ordering, COMMENT_ORDERINGS["oldest"]))
    )


def proposals_of_author(*, author) -> QuerySet[Proposal]:
    return Proposal.objects.filter(author=author).select_related("consultation").order_by("-updated_at")


def article_proposals(*, identity_id: int) -> QuerySet[Proposal]:
    return proposal_list(filters=ProposalFilters(article=identity_id))


def similar_proposals(*, text: str, consultation_id: int | None = None, limit: int = 5) -> list[Proposal]:
    """Public proposals resembling the text an author is writing, best first (the "compare" step)."""
    from .similarity import rank_similar

    return rank_similar(text=text, consultation_id=consultation_id, limit=limit)


def supports_count_now(proposal_id: int) -> int:
    """The counter plus its pending changes, read in one statement: what a supporter should see at once."""
    pending = (
        SupportTally.objects.filter(proposal=OuterRef("pk"))
        .order_by()
        .values("proposal")
        .annotate(s=Sum("delta"))
    )
    row = (
        Proposal.objects.filter(pk=proposal_id)
        .annotate(now=F("supports_count") + Coalesce(Subquery(pending.values("s")), 0))
        .values_list("now", flat=True)
        .first()
    )
    return row or 0
