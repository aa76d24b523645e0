"""The rows sitemap.xml lists: public consultations, their outcome pages, articles of published versions,
proposals in public view and hearings. Each is a queryset of the few values a location and a `lastmod` need,
ordered by primary key so pages of the sitemap are stable; none names a draft consultation's content, a
hidden or withdrawn proposal, or an article only a draft version has."""

from django.db.models import DateTimeField, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from ..models import (
    Article,
    ArticleIdentity,
    Consultation,
    ConsultationStatus,
    DocumentVersion,
    ProposalResponse,
    ResponseState,
)
from ..models.proposal import PUBLIC_STATUSES
from .public import public_hearings, public_proposals


def _public(queryset: QuerySet, prefix: str = "") -> QuerySet:
    return queryset.exclude(**{f"{prefix}status": ConsultationStatus.DRAFT})


def sitemap_consultations() -> QuerySet:
    """Public consultations; `lastmod`: their creation or their documents' latest published version."""
    versions = DocumentVersion.objects.published().filter(document__consultation=OuterRef("pk"))
    latest_version = Subquery(
        versions.order_by("-published_at").values("published_at")[:1], output_field=DateTimeField()
    )
    return (
        _public(Consultation.objects.all())
        .annotate(lastmod=Greatest("created_at", Coalesce(latest_version, "created_at")))
        .values("pk", "slug", "lastmod")
        .order_by("pk")
    )


def sitemap_outcomes() -> QuerySet:
    """Outcome pages of public consultations; `lastmod`: the outcome's publication or the latest answer."""
    answers = ProposalResponse.objects.filter(
        state=ResponseState.PUBLISHED,
        proposal__consultation=OuterRef("pk"),
        proposal__status__in=PUBLIC_STATUSES,
    )
    latest_answer = Subquery(
        answers.order_by("-published_at").values("published_at")[:1], output_field=DateTimeField()
    )
    return (
        _public(Consultation.objects.all())
        .annotate(
            lastmod=Greatest(
                Coalesce("outcome_published_at", "created_at"), Coalesce(latest_answer, "created_at")
            )
        )
        .values("pk", "slug", "lastmod")
        .order_by("pk")
    )


def sitemap_articles() -> QuerySet:
    """Articles that a published version holds; `lastmod`: the latest published version that holds them."""
    holding = Article.objects.filter(identity=OuterRef("pk"), version__published_at__isnull=False)
    latest_version = Subquery(
        holding.order_by("-version__published_at").values("version__published_at")[:1],
        output_field=DateTimeField(),
    )
    return (
        _public(ArticleIdentity.objects.published(), "document__consultation__")
        .annotate(
            lastmod=latest_version,
            document_slug=F("document__slug"),
            consultation_slug=F("document__consultation__slug"),
        )
        .values("pk", "key", "document_slug", "consultation_slug", "lastmod")
        .order_by("pk")
    )


def sitemap_proposals() -> QuerySet:
    """Proposals in public view (published, under review, answered) of public consultations."""
    return public_proposals().annotate(lastmod=F("updated_at")).values("pk", "lastmod").order_by("pk")


def sitemap_hearings() -> QuerySet:
    """Hearings of public consultations (every hearing is public once scheduled)."""
    return public_hearings().annotate(lastmod=F("updated_at")).values("pk", "lastmod").order_by("pk")
