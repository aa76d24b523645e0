"""The rows of the open data exports: public proposals, their status and their published answer."""

from collections.abc import Iterator
from datetime import UTC

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation

from ..models import ArticleIdentity, ObligationRule, Proposal, ProposalResponse, ResponseState
from ..models.proposal import PUBLIC_STATUSES
from .response import answer_deadline, obligation_rules

FIELDS = (
    "id",
    "url",
    "consultation",
    "title",
    "summary",
    "language",
    "status",
    "submitter_type",
    "organisation",
    "topic",
    "articles",
    "supports_count",
    "comments_count",
    "published_at",
    "responded_at",
    "cluster_of",
    "cluster_size",
    "answer_deadline",
    "answered_on_time",
    "response_status",
    "response_reasoning_kk",
    "response_reasoning_ru",
    "response_reasoning_en",
    "response_articles",
    "response_version",
    "response_published_at",
)


def _iso(moment) -> str | None:
    """UTC, to the second: the same text in the CSV and the JSON."""
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def open_data_rows(*, site_url: str) -> Iterator[dict]:
    """One dict per public proposal, oldest first, read in chunks. A cluster member carries its
    representative's answer (one answer for the whole cluster)."""
    rules = list(ObligationRule.objects.filter(is_active=True))
    responses = {
        response.proposal_id: response
        for response in ProposalResponse.objects.filter(state=ResponseState.PUBLISHED)
        .select_related("version")
        .prefetch_related(Prefetch("articles", queryset=ArticleIdentity.objects.order_by("id")))
    }
    queryset = (
        Proposal.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("consultation", "organisation", "topic", "cluster_of")
        .prefetch_related(Prefetch("articles", queryset=ArticleIdentity.objects.order_by("id")))
        .order_by("published_at", "id")
    )
    # Links in the default language, whatever language the request negotiated.
    with translation.override(settings.LANGUAGE_CODE):
        page_url = site_url + reverse("proposal_detail", kwargs={"pk": 0})[:-2]
    for proposal in queryset.iterator(chunk_size=2000):
        response = responses.get(proposal.cluster_of_id or proposal.pk)
        deadline = answer_deadline(proposal, obligation_rules(proposal.consultation_id, among=rules))
        yield {
            "id": proposal.pk,
            "url": f"{page_url}{proposal.pk}/",
            "consultation": proposal.consultation.slug,
            "title": proposal.title,
            "summary": proposal.summary,
            "language": proposal.language,
            "status": proposal.status,
            "submitter_type": proposal.submitter_type,
            "organisation": proposal.organisation.name if proposal.organisation_id else None,
            "topic": proposal.topic.slug if proposal.topic_id else None,
            "articles": [article.key for article in proposal.articles.all()],
            "supports_count": proposal.supports_count,
            "comments_count": proposal.comments_count,
            "published_at": _iso(proposal.published_at),
            "responded_at": _iso(proposal.responded_at),
            "cluster_of": proposal.cluster_of_id,
            "cluster_size": proposal.cluster_size,
            "answer_deadline": _iso(deadline),
            "answered_on_time": (response.published_at <= deadline) if response and deadline else None,
            "response_status": response.status if response else None,
            "response_reasoning_kk": response.reasoning_kk if response else None,
            "response_reasoning_ru": response.reasoning_ru if response else None,
            "response_reasoning_en": response.reasoning_en if response else None,
            "response_articles": [article.key for article in response.articles.all()] if response else [],
            "response_version": str(response.version) if response and response.version else None,
            "response_published_at": _iso(response.published_at) if response else None,
        }
