"""Reads on proposals, each with the joins its page needs (query counts are asserted in the tests)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections, router
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.accounts.models import (
    STRONG_LEVELS,
    IdentityLevel,
    IdentityVerification,
    Organisation,
    OrganisationMembership,
)
from portal.core import switches
from portal.core.models import SiteSwitches
from portal.core.revisions import revision, values_of
from portal.core.rows import instance_from_row, prepared_cursor, select_list

from ..models import (
    ArticleIdentity,
    Comment,
    CommentLike,
    Consultation,
    ConsultationStatus,
    Follow,
    Phase,
    Proposal,
    ProposalTransition,
    RetainedSupport,
    Support,
    SupportTally,
)
from ..models.proposal import PUBLIC_STATUSES
from ..search import search_candidates
from .moderation import under_review
from .public import public_proposals
from .similar_proposals import rank_similar

_ARTICLES = ArticleIdentity.objects.select_related("document__consultation")

# Every listed proposal has been published, so `published_at` is never null here; `responded_at` is null until
# the answer, and PostgreSQL puts nulls first in a descending order: "recently answered" would open with the
# unanswered. Its index is built with the same NULLS LAST (migration 0010), so the page still walks it.
ORDERINGS = {
    "-created": ("-published_at", "-id"),
    "created": ("published_at", "id"),
    "-supports": ("-supports_count", "-id"),
    "-comments": ("-comments_count", "-id"),
    "-responded": (F("responded_at").desc(nulls_last=True), "-id"),
}
DEFAULT_ORDERING = "-created"


@dataclass(frozen=True)
class ProposalFilters:
    """Validated filter values (forms and the API build this; raw request data never reaches filter())."""

    status: str | None = None
    topic: str | None = None  # topic slug
    article: int | None = None  # ArticleIdentity pk
    # An article by its key, which is unique within a document only: the same key in another consultation's
    # draft is another article, and the consultation filter tells them apart.
    article_key: str | None = None
    submitter_type: str | None = None
    has_response: bool | None = None
    q: str = ""
    ordering: str = DEFAULT_ORDERING
    # With `q` and the default ordering, the best matches come first; an API client that names the ordering
    # asks for that order exactly.
    relevance_first: bool = True
    consultation_id: int | None = None
    organisation: str | None = None  # slug: what was submitted on its behalf


def organisation_named(slug: str | None) -> Organisation | None:
    """The organisation a list is filtered by, to say so above it."""
    return Organisation.objects.filter(slug=slug).first() if slug else None


def proposal_list(*, filters: ProposalFilters = ProposalFilters()) -> QuerySet[Proposal]:
    """Public proposals matching the filters, ordered; one query for the page plus one for articles."""
    # Members of a campaign cluster are represented by its first proposal.
    queryset = public_proposals().filter(cluster_of__isnull=True)
    if filters.consultation_id is not None:
        queryset = queryset.filter(consultation_id=filters.consultation_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.topic:
        queryset = queryset.filter(topic__slug=filters.topic)
    if filters.article is not None:
        queryset = queryset.filter(articles=filters.article)
    if filters.article_key:
        queryset = queryset.filter(
            pk__in=Proposal.articles.through.objects.filter(articleidentity__key=filters.article_key).values(
                "proposal_id"
            )
        )
    if filters.submitter_type:
        queryset = queryset.filter(submitter_type=filters.submitter_type)
    if filters.organisation:
        queryset = queryset.filter(
            submitter_type=Proposal.SubmitterType.ORGANISATION, organisation__slug=filters.organisation
        )
    if filters.has_response is not None:
        queryset = queryset.filter(responded_at__isnull=not filters.has_response)
    ordering = ORDERINGS.get(filters.ordering, ORDERINGS[DEFAULT_ORDERING])
    if filters.q:
        queryset = search_candidates(queryset, filters.q, ordering=ordering)
    if (
        filters.q
        and filters.relevance_first
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
    """A proposal with its author, organisation, topic and consultation, and the reader's own state (supports,
    follows, has commented) in the same query. What only the shared parts of the page show (articles,
    attachments, timeline) is read by `proposal_articles` and `proposal_attachments` when rendered."""
    queryset = Proposal.objects.select_related(
        "author", "organisation", "topic", "consultation", "merged_into", "cluster_of"
    )
    if viewer.is_authenticated:
        queryset = queryset.annotate(
            viewer_supports=Exists(Support.objects.filter(proposal=OuterRef("pk"), user=viewer)),
            viewer_follows=Exists(Follow.objects.filter(proposal=OuterRef("pk"), user=viewer)),
            viewer_commented=Exists(Comment.objects.filter(proposal=OuterRef("pk"), author=viewer)),
        )
    return queryset.filter(pk=pk).first()


def proposal_articles(proposal: Proposal) -> list[ArticleIdentity]:
    return list(_ARTICLES.filter(proposals=proposal))


def proposal_attachments(proposal: Proposal) -> list:
    return list(proposal.attachments.all())


# What its author edits of a draft, besides the articles it names.
DRAFT_FIELDS = ("title", "summary", "body", "language", "topic", "organisation")


def draft_revision(proposal: Proposal) -> str:
    """The mark of the draft as the edit form shows it: saved from another tab meanwhile, it has another."""
    articles = sorted(proposal.articles.values_list("pk", flat=True))
    return revision(values_of(proposal, DRAFT_FIELDS), articles)


def proposal_transitions(proposal: Proposal) -> list[ProposalTransition]:
    return list(proposal.transitions.order_by("created_at", "id"))


COMMENT_ORDERINGS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "liked": ("-likes_count", "-id"),
}
# Top-level comments on a page of a proposal's thread; replies are shown under theirs.
COMMENTS_PER_PAGE = 20


def comment_thread_page(comment: Comment) -> int:
    """The page of its proposal's thread, oldest first (as a link opens it), that shows the comment; a reply
    is shown under the comment it answers. A deleted or hidden comment keeps its place, so the page a link
    names stays right."""
    top = comment.parent if comment.parent_id else comment
    earlier = Comment.objects.filter(proposal_id=top.proposal_id, parent__isnull=True).filter(
        Q(created_at__lt=top.created_at) | Q(created_at=top.created_at, pk__lt=top.pk)
    )
    return earlier.count() // COMMENTS_PER_PAGE + 1


def with_thread_page(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    """`comment_thread_page` for every comment of a list, in the list's query (`thread_page`)."""
    placed = comments.annotate(
        top_created=Coalesce("parent__created_at", "created_at"), top_pk=Coalesce("parent_id", "pk")
    )
    earlier = (
        Comment.objects.filter(proposal_id=OuterRef("proposal_id"), parent__isnull=True)
        .filter(
            Q(created_at__lt=OuterRef("top_created"))
            | Q(created_at=OuterRef("top_created"), pk__lt=OuterRef("top_pk"))
        )
        .order_by()
        .values("proposal_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return placed.annotate(thread_page=Coalesce(Subquery(earlier), 0) / COMMENTS_PER_PAGE + 1)


def proposal_comments(*, proposal: Proposal, ordering: str = "oldest") -> QuerySet[Comment]:
    """Top-level comments with their replies (oldest first) and authors: two queries per page. Each says
    whether a moderation case on it is open (`under_review`): the author of a hidden comment is told it is
    held only while it is."""
    replies = Comment.objects.select_related("author").annotate(under_review=under_review())
    replies = replies.order_by("created_at", "id")
    return (
        Comment.objects.filter(proposal=proposal, parent__isnull=True)
        .select_related("author")
        .annotate(under_review=under_review())
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by(*COMMENT_ORDERINGS.get(ordering, COMMENT_ORDERINGS["oldest"]))
    )


def comments_liked_by(*, proposal_id: int, viewer) -> frozenset[int]:
    """The ids of the proposal's comments the reader likes: their like buttons are shown pressed."""
    if not viewer.is_authenticated:
        return frozenset()
    return frozenset(
        CommentLike.objects.filter(comment__proposal_id=proposal_id, user=viewer).values_list(
            "comment_id", flat=True
        )
    )


def article_proposals(*, identity_id: int) -> QuerySet[Proposal]:
    return proposal_list(filters=ProposalFilters(article=identity_id))


def similar_proposals(*, text: str, consultation_id: int | None = None, limit: int = 5) -> list[Proposal]:
    """Public proposals resembling the text an author is writing, best first (the "compare" step)."""
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


def supportable_proposal(*, pk: int, supporter) -> Proposal | None:
    """The published proposal with only what a support needs, and in the same query the two facts its
    permission would ask the database for: whether intake is open now (`consultation.intake_open_now`) and
    whether an erased account with the supporter's IIN already supported it (`erased_account_supported`).
    Supports are the hottest write of a surge: this is their one read before the write."""
    return _proposal_with_facts(pk=pk, viewer=supporter, fields=_SUPPORT_FIELDS, reader=False)


def proposal_for_reader(*, pk: int, viewer) -> Proposal | None:
    """The proposal as its page decides who may see what: its own fields but the texts (deferred), its
    consultation, the facts of `supportable_proposal`, and the reader's own state (`viewer_supports`,
    `viewer_follows`, `viewer_commented`, `viewer_liked`: likes one of its comments), in one query written
    once per process. A reader given the shared page needs nothing more; the page's full proposal
    (`proposal_detail`) is read only to render it."""
    return _proposal_with_facts(pk=pk, viewer=viewer, fields=_READER_FIELDS, reader=True)


def public_proposal_facts(*, pk: int) -> Proposal | None:
    """A public proposal with the facts its page decides on that are the same for every reader: as
    `proposal_for_reader` without the reader's own state (proposals/selectors/reader_facts.py keeps them);
    None when it is not public."""
    return _proposal_with_facts(pk=pk, viewer=AnonymousUser(), fields=_READER_FIELDS, reader=False)


def _proposal_with_facts(*, pk: int, viewer, fields: tuple[str, ...], reader: bool) -> Proposal | None:
    # A read like any other: the router may send it to a replica (portal/core/db_routing.py).
    using = router.db_for_read(Proposal) or "default"
    database = connections[using]
    # The ORM answers "no such row" for a number beyond the column's range; this hand-written query must too
    # (SQLite's driver raised OverflowError on `/proposals/<20 digits>/`, a 500).
    lowest, highest = database.ops.integer_field_range(Proposal._meta.pk.get_internal_type())
    if not lowest <= pk <= highest:
        return None
    params = {
        "pk": pk,
        **{f"public{index}": status for index, status in enumerate(PUBLIC_STATUSES)},
        "intake": Phase.Kind.INTAKE.value,
        "now": database.ops.adapt_datetimefield_value(timezone.now()),
        "viewer": viewer.pk,
        "draft": ConsultationStatus.DRAFT.value,
    }
    with prepared_cursor(using) as cursor:
        cursor.execute(_proposal_with_facts_sql(fields, reader), params)
        row = cursor.fetchone()
    if row is None:
        return None
    facts = 6 if reader else 2
    split = facts + len(fields)
    proposal = instance_from_row(Proposal, list(fields), row[facts:split], using=using)
    consultation_end = split + len(_CONSULTATION_FIELDS)
    proposal.consultation = instance_from_row(
        Consultation, _CONSULTATION_FIELDS, row[split:consultation_end], using=using
    )
    switches_row = row[consultation_end:]
    switches.remember_for_request(
        instance_from_row(SiteSwitches, switches.SWITCHES_FIELDS, switches_row, using=using)
        if switches_row[0] is not None
        else SiteSwitches(pk=1)
    )
    proposal.consultation.intake_open_now = bool(row[0])
    proposal.erased_account_supported = bool(row[1])
    if reader:
        (
            proposal.viewer_supports,
            proposal.viewer_follows,
            proposal.viewer_commented,
            proposal.viewer_liked,
        ) = map(bool, row[2:6])
    return proposal


# What support_refusal reads; anything else is loaded if asked for (deferred), as with `only()`.
_SUPPORT_FIELDS = ("id", "status", "author", "consultation")
# The page's permissions and lazy parts read these. The texts, the search vector and what only screening reads
# (the fingerprint, the MinHash signature: half a kilobyte sent as hex on every hit) stay in the database; the
# page rendered for everyone reads the whole proposal itself (`proposal_detail`).
_READER_FIELDS = tuple(
    field.name
    for field in Proposal._meta.concrete_fields
    if field.name
    not in (
        "title",
        "summary",
        "body",
        "body_html",
        "search_vector",
        "withdrawal_reason",
        "text_fingerprint",
        "minhash",
        "submission_ip",
    )
)
_CONSULTATION_FIELDS = ["id", "status", "accepted_identity_levels"]


@functools.cache
def _proposal_with_facts_sql(fields: tuple[str, ...], reader: bool) -> str:
    """Written once per process rather than composed by the ORM on every request (portal/core/rows.py)."""
    quote = connection.ops.quote_name
    public = ", ".join(f"%(public{index})s" for index in range(len(PUBLIC_STATUSES)))
    # Whether the reader supports, follows and has commented on it.
    owned_by = ((Support, "user_id"), (Follow, "user_id"), (Comment, "author_id"))
    viewer_state = "".join(
        f"""
            EXISTS (
                SELECT 1 FROM {quote(model._meta.db_table)} o
                WHERE o.proposal_id = p.id AND o.{column} = %(viewer)s
            ),"""  # noqa: S608 (names from the models)
        for model, column in owned_by
    )
    # Whether the reader likes one of its comments: the thread then shows their own pressed buttons.
    viewer_state += f"""
            EXISTS (
                SELECT 1 FROM {quote(CommentLike._meta.db_table)} l
                JOIN {quote(Comment._meta.db_table)} lc ON lc.id = l.comment_id
                WHERE lc.proposal_id = p.id AND l.user_id = %(viewer)s
            ),"""  # noqa: S608 (names from the models)
    return f"""
        SELECT
            EXISTS (
                SELECT 1 FROM {quote(Phase._meta.db_table)} ph
                WHERE ph.consultation_id = p.consultation_id AND ph.kind = %(intake)s
                    AND ph.starts_at <= %(now)s AND ph.ends_at > %(now)s
            ),
            EXISTS (
                SELECT 1 FROM {quote(RetainedSupport._meta.db_table)} r
                WHERE r.proposal_id = p.id AND r.identity_hash = (
                    SELECT v.identity_hash FROM {quote(IdentityVerification._meta.db_table)} v
                    WHERE v.user_id = %(viewer)s LIMIT 1
                )
            ),{viewer_state if reader else ""}
            {select_list(Proposal, "p", list(fields))},
            {select_list(Consultation, "c", _CONSULTATION_FIELDS)},
            {select_list(SiteSwitches, "sw", switches.SWITCHES_FIELDS)}
        FROM {quote(Proposal._meta.db_table)} p
        JOIN {quote(Consultation._meta.db_table)} c ON c.id = p.consultation_id
        -- The site's switches (one row, when ever saved): the page and a support ask them next.
        LEFT JOIN {quote(SiteSwitches._meta.db_table)} sw ON sw.id = 1
        WHERE p.id = %(pk)s{"" if reader else f" AND p.status IN ({public}) AND c.status <> %(draft)s"}
    """  # noqa: S608 (table and column names from the models; every value is a parameter)


@dataclass(frozen=True)
class SupportsByLevel:
    """Supports of one proposal by the level of their supporters' identity verification."""

    counts: dict[str, int]

    @property
    def strong(self) -> int:
        return sum(count for level, count in self.counts.items() if level in STRONG_LEVELS)

    def rows(self) -> list[tuple[str, int]]:
        """(label, count) for every level, strongest first, as the page lists them."""
        return [(label, self.counts[level]) for level, label in IdentityLevel.choices]


def supports_by_level(proposal_id: int) -> SupportsByLevel:
    """One grouped count over the support rows (index `support_proposal_level_idx`); every level present."""
    found = dict(
        Support.objects.filter(proposal_id=proposal_id)
        .order_by()
        .values("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    return SupportsByLevel({level: found.get(level, 0) for level in IdentityLevel.values})


def with_supports_by_level(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Annotates `supports_<level>` for each level: one indexed subquery each, for exports of many rows."""
    return queryset.annotate(
        **{
            f"supports_{level}": Coalesce(
                Subquery(
                    Support.objects.filter(proposal=OuterRef("pk"), level=level)
                    .order_by()
                    .values("proposal")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )
            for level in IdentityLevel.values
        }
    )


def proposal_speakers(proposal: Proposal) -> set[int]:
    """Who hears of decisions on a proposal as its author does: the author and, for an organisation's
    proposal, the organisation's representatives and the members who may submit for it. The proposal is the
    organisation's: a decision or its reason told only to the member who typed it is lost when that member is
    away or has left, and the organisation can neither appeal nor resubmit in time. The member who typed it
    hears of it while they are one of these: one who has left or may no longer act for it no longer speaks
    for it (`permissions.proposal._speaks_as_author`), and its moderation reasons are not theirs to read."""
    if proposal.organisation_id is None:
        return {proposal.author_id} - {None}
    return set(
        OrganisationMembership.objects.filter(organisation_id=proposal.organisation_id)
        .filter(Q(role=OrganisationMembership.Role.REPRESENTATIVE) | Q(can_act_on_behalf=True))
        .values_list("user_id", flat=True)
    )
