"""Reads about answers: the published response a page shows, deadlines, the Commission's queue, and
"what changed and why" per article."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from ..documents.diff import diff_words, render_html
from ..models import (
    Article,
    ArticleIdentity,
    CommissionAssignment,
    ObligationRule,
    Paragraph,
    Proposal,
    ProposalResponse,
    ResponseState,
    ResponseTransition,
)
from .comparison import _text, text_language

AWAITING_ANSWER = ("published", "under_review")
_ARTICLES = ArticleIdentity.objects.select_related("document__consultation")
# The articles a published answer names that the public may read: an answer may name an article new in a draft
# version, which no page, API or open data names (by number, heading or key) before that version is published.
PUBLIC_ANSWER_ARTICLES = ArticleIdentity.objects.published().select_related("document__consultation")
# A published answer's public corrections (when and why its articles or version were corrected), oldest
# first: the published → published rows of its log. The review before publication stays internal.
PUBLIC_CORRECTIONS = ResponseTransition.objects.filter(
    from_state=ResponseState.PUBLISHED, to_state=ResponseState.PUBLISHED
).order_by("created_at", "id")


def published_responses() -> QuerySet[ProposalResponse]:
    return ProposalResponse.objects.filter(state=ResponseState.PUBLISHED)


def public_response_for(proposal: Proposal) -> ProposalResponse | None:
    """The published answer shown on a proposal's page: its own, or its cluster representative's, with its
    public corrections as `corrections` (when and why; the review before publication stays internal)."""
    target = proposal.cluster_of_id or proposal.pk
    return (
        published_responses()
        .filter(proposal_id=target)
        .select_related("version", "proposal")
        .prefetch_related(
            Prefetch("articles", queryset=PUBLIC_ANSWER_ARTICLES),
            Prefetch("transitions", queryset=PUBLIC_CORRECTIONS, to_attr="corrections"),
        )
        .first()
    )


def public_corrections(response: ProposalResponse) -> list[dict]:
    """The corrections as open data and the API give them: when (UTC) and why, oldest first. `response`
    comes with `corrections` prefetched (`PUBLIC_CORRECTIONS`)."""
    return [{"at": correction.created_at, "reason": correction.note} for correction in response.corrections]


def answer_revision(response: ProposalResponse | None) -> str:
    """A mark of the answer as a page shows it ("" for no answer yet). Every save and every move of its
    review renews `updated_at`, so a form carrying an older mark was written on an older text."""
    return response.updated_at.isoformat() if response is not None else ""


# --- obligations -----------------------------------------------------------------------------------------


def obligation_rules(
    consultation_id: int, *, among: list[ObligationRule] | None = None
) -> list[ObligationRule]:
    """The active rules for a consultation's proposals (picked from `among`, all active rules, if given)."""
    if among is not None:
        return [rule for rule in among if rule.consultation_id in (None, consultation_id)]
    return list(
        ObligationRule.objects.filter(is_active=True).filter(
            Q(consultation__isnull=True) | Q(consultation_id=consultation_id)
        )
    )


def deadline_for(
    *, published_at: datetime | None, supports: int, rules: list[ObligationRule]
) -> datetime | None:
    """The earliest deadline of the rules that apply (None: unpublished, or no rule applies)."""
    days = [rule.days for rule in rules if supports >= rule.min_supports]
    return published_at + timedelta(days=min(days)) if days and published_at else None


def answer_deadline(proposal: Proposal, rules: list[ObligationRule] | None = None) -> datetime | None:
    """A proposal's answer deadline; a cluster member shares its representative's (supports go there)."""
    if rules is None:
        rules = obligation_rules(proposal.consultation_id)
    supports = proposal.cluster_of.supports_count if proposal.cluster_of_id else proposal.supports_count
    return deadline_for(published_at=proposal.published_at, supports=supports, rules=rules)


def due_before(rules: list[ObligationRule], moment: datetime) -> Q:
    """Proposals whose deadline under some rule falls before `moment` (a filter usable on the database)."""
    condition = Q(pk__in=[])
    for rule in rules:
        condition |= Q(
            supports_count__gte=rule.min_supports, published_at__lt=moment - timedelta(days=rule.days)
        )
    return condition


@dataclass
class DeadlineRow:
    proposal: Proposal
    deadline: datetime | None
    days_overdue: int


def overdue_proposals(*, consultation, now: datetime | None = None) -> list[DeadlineRow]:
    """Unanswered public proposals (a cluster once) past their deadline, most overdue first."""
    now = now or timezone.now()
    rules = obligation_rules(consultation.pk)
    if not rules:
        return []
    queryset = (
        Proposal.objects.filter(
            consultation=consultation, status__in=AWAITING_ANSWER, cluster_of__isnull=True
        )
        .filter(due_before(rules, now))
        .select_related("topic")
        .prefetch_related(Prefetch("articles", queryset=_ARTICLES))
        .order_by("published_at", "id")
    )
    rows = []
    for proposal in queryset[:500]:
        deadline = answer_deadline(proposal, rules)
        rows.append(DeadlineRow(proposal, deadline, (now - deadline).days if deadline else 0))
    rows.sort(key=lambda row: (row.deadline, row.proposal.pk))
    return rows


# --- the Commission's queue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    consultation: str | None = None  # a slug
    article: int | None = None
    topic: str | None = None
    min_supports: int | None = None
    min_age_days: int | None = None
    deadline: str | None = None  # "overdue" or "week"
    assignee: str | None = None  # "me" or "none"
    answer: str | None = None  # "to_approve" (by the viewer) or "returned"


def _answer_due(rules: list[ObligationRule]):
    """`answer_deadline` as a database expression: of the rules that apply, the one with the fewest days
    (tried first) sets the earliest deadline."""
    whens = [
        When(
            Q(supports_count__gte=rule.min_supports)
            & (Q(consultation_id=rule.consultation_id) if rule.consultation_id else Q()),
            then=F("published_at") + timedelta(days=rule.days),
        )
        for rule in sorted(rules, key=lambda rule: (rule.days, rule.pk))
    ]
    return Case(*whens, output_field=DateTimeField()) if whens else Value(None, output_field=DateTimeField())


def commission_queue(*, filters: QueueFilters, viewer, now: datetime | None = None) -> QuerySet[Proposal]:
    """Proposals (a campaign cluster by its representative) awaiting an answer, the soonest (or longest
    overdue) deadline first, then oldest first: consultations and levels of support promise different
    delays, so the oldest proposal is not always the most urgent."""
    now = now or timezone.now()
    queryset = Proposal.objects.filter(status__in=AWAITING_ANSWER, cluster_of__isnull=True)
    if filters.consultation:
        queryset = queryset.filter(consultation__slug=filters.consultation)
    if filters.article is not None:
        queryset = queryset.filter(articles=filters.article)
    if filters.topic:
        queryset = queryset.filter(topic__slug=filters.topic)
    if filters.min_supports is not None:
        queryset = queryset.filter(supports_count__gte=filters.min_supports)
    if filters.min_age_days is not None:
        queryset = queryset.filter(published_at__lte=now - timedelta(days=filters.min_age_days))
    if filters.deadline:
        rules = list(ObligationRule.objects.filter(is_active=True, consultation__isnull=True))
        # Consultation-specific rules apply only to their own consultation's proposals.
        condition = due_before(rules, now if filters.deadline == "overdue" else now + timedelta(days=7))
        for rule in ObligationRule.objects.filter(is_active=True, consultation__isnull=False):
            moment = now if filters.deadline == "overdue" else now + timedelta(days=7)
            condition |= Q(consultation_id=rule.consultation_id) & due_before([rule], moment)
        queryset = queryset.filter(condition)
    if filters.assignee == "me":
        queryset = queryset.filter(commission_assignment__assignee=viewer)
    elif filters.assignee == "none":
        queryset = queryset.filter(commission_assignment__isnull=True)
    if filters.answer == "to_approve":
        # What the viewer may approve: another member's answer (under four eyes), sent for approval.
        queryset = queryset.filter(response__state=ResponseState.IN_REVIEW)
        if settings.RESPONSE_FOUR_EYES:
            queryset = queryset.exclude(response__drafted_by=viewer)
    elif filters.answer == "returned":
        queryset = queryset.filter(response__state=ResponseState.RETURNED)
    return (
        queryset.select_related("topic", "commission_assignment__assignee", "response")
        .prefetch_related(Prefetch("articles", queryset=_ARTICLES))
        .annotate(
            has_assignment=Exists(CommissionAssignment.objects.filter(proposal=OuterRef("pk"))),
            answer_due=_answer_due(list(ObligationRule.objects.filter(is_active=True))),
        )
        .order_by(F("answer_due").asc(nulls_last=True), "published_at", "id")
    )


def proposals_with_interest(*, user, proposal_ids) -> set[int]:
    """Of `proposal_ids`, those `user` may not answer (`has_interest_in_answer`): their own, their
    organisation's, or a cluster holding one of those. One query for a whole queue page."""
    if not user.is_authenticated:
        return set()
    interest = (
        Q(author_id=user.pk)
        | Q(organisation__memberships__user_id=user.pk)
        | Q(cluster_members__author_id=user.pk)
        | Q(cluster_members__organisation__memberships__user_id=user.pk)
    )
    return set(Proposal.objects.filter(interest, pk__in=proposal_ids).values_list("pk", flat=True).distinct())


# --- what changed and why ----------------------------------------------------------------------------------


def article_changes(*, identity: ArticleIdentity, language: str) -> list[dict]:
    """For each draft version that published answers name for this article: the word diff from the version
    before it, beside the proposals and answers that drove the change."""
    responses = list(
        published_responses()
        .filter(articles=identity, version__published_at__isnull=False)
        .select_related("proposal", "version")
        .order_by("version__position", "published_at", "id")
    )
    if not responses:
        return []
    versions = {}
    for response in responses:
        versions.setdefault(response.version_id, {"version": response.version, "responses": []})
        versions[response.version_id]["responses"].append(response)
    articles = {
        (article.version.document_id, article.version.position): article
        for article in Article.objects.filter(identity=identity, version__published_at__isnull=False)
        .select_related("version")
        .prefetch_related(Prefetch("paragraphs", queryset=Paragraph.objects.order_by("number")))
    }
    changes = []
    for entry in versions.values():
        version = entry["version"]
        new = articles.get((version.document_id, version.position))
        older = [
            article
            for (document_id, position), article in articles.items()
            if document_id == version.document_id and position < version.position
        ]
        old = max(older, key=lambda article: article.version.position) if older else None
        ops = diff_words(_text(old, language), _text(new, language))
        changes.append(
            {
                "version": version,
                "previous_version": old.version if old else None,
                "article": new,
                "diff_html": render_html(
                    ops, added_label=_("added"), removed_label=_("removed"), end_label=_("end of change")
                ),
                "changed": any(op.tag != "equal" for op in ops),
                "language": text_language(new or old, language),
                "responses": entry["responses"],
            }
        )
    return changes


def _wording(article: Article | None) -> tuple:
    """An article's paragraphs in every language: what a version may have changed."""
    if article is None:
        return ()
    return tuple((p.number, p.text_kk, p.text_ru, p.text_en) for p in article.paragraphs.all())


def articles_with_changes(*, consultation) -> list[ArticleIdentity]:
    """Articles whose wording a published draft version changed where published answers name that version for
    them, for the outcome page. An answer may name an article its version left word for word as it was: that
    is no change (the article's page says so), and the outcome must not list it as one."""
    named = list(
        ArticleIdentity.objects.published()
        .filter(
            document__consultation=consultation,
            responses__state=ResponseState.PUBLISHED,
            responses__version__published_at__isnull=False,
        )
        .distinct()
        .select_related("document__consultation")
        .order_by("document_id", "id")
    )
    if not named:
        return []
    claims = set(
        ProposalResponse.articles.through.objects.filter(
            articleidentity__in=named,
            proposalresponse__state=ResponseState.PUBLISHED,
            proposalresponse__version__published_at__isnull=False,
        ).values_list(
            "articleidentity_id",
            "proposalresponse__version__document_id",
            "proposalresponse__version__position",
        )
    )
    wordings = {
        (article.identity_id, article.version.document_id, article.version.position): _wording(article)
        for article in Article.objects.filter(identity__in=named, version__published_at__isnull=False)
        .select_related("version")
        .prefetch_related(Prefetch("paragraphs", queryset=Paragraph.objects.order_by("number")))
    }

    def changed(identity_id: int, document_id: int, position: int) -> bool:
        earlier = [key[2] for key in wordings if key[:2] == (identity_id, document_id) and key[2] < position]
        before = wordings.get((identity_id, document_id, max(earlier))) if earlier else ()
        return wordings.get((identity_id, document_id, position), ()) != before

    changed_ids = {identity_id for identity_id, *version in claims if changed(identity_id, *version)}
    return [identity for identity in named if identity.pk in changed_ids]
