from django.db.models import Count, Prefetch, Q

from ..models import Article, ArticleIdentity, Document, DocumentVersion, Paragraph, Section
from ..models.proposal import PUBLIC_STATUSES


def latest_version(document: Document) -> DocumentVersion | None:
    return document.versions.order_by("-position").first()


def article_choices() -> list[tuple[int, str]]:
    """(identity id, "7. Heading") for the latest version of the current consultation's documents."""
    from .consultation import current_consultation

    consultation = current_consultation()
    if consultation is None:
        return []
    choices = []
    for document in consultation.documents.all():
        version = latest_version(document)
        if version is None:
            continue
        for identity in ArticleIdentity.objects.filter(versions__version=version).order_by(
            "versions__position"
        ):
            choices.append((identity.pk, f"{identity.number}. {identity.translated('heading')}"))
    return choices


def version_table_of_contents(version: DocumentVersion):
    """Sections with their articles (no paragraph text): two queries."""
    return (
        Section.objects.filter(version=version)
        .prefetch_related(
            Prefetch(
                "articles",
                queryset=Article.objects.select_related("identity")
                .order_by("position")
                .annotate(
                    proposals_count=Count(
                        "identity__proposals", filter=Q(identity__proposals__status__in=PUBLIC_STATUSES)
                    )
                ),
            )
        )
        .order_by("position")
    )


def article_in_version(identity: ArticleIdentity, version: DocumentVersion) -> Article | None:
    return (
        Article.objects.filter(identity=identity, version=version)
        .select_related("section")
        .prefetch_related(Prefetch("paragraphs", queryset=Paragraph.objects.order_by("number")))
        .first()
    )


def article_history(identity: ArticleIdentity) -> list[Article]:
    """The article in every version that has it, oldest first, with its number there."""
    return list(
        Article.objects.filter(identity=identity).select_related("version").order_by("version__position")
    )


def article_proposal_count(identity: ArticleIdentity) -> int:
    return identity.proposals.filter(status__in=PUBLIC_STATUSES).count()


def version_for_export(version: DocumentVersion, language: str):
    """(number, heading, [(number, heading, [(number, text)])]) per section, in `language` or a fallback."""
    sections = (
        Section.objects.filter(version=version)
        .order_by("position")
        .prefetch_related(
            Prefetch(
                "articles",
                queryset=Article.objects.order_by("position").prefetch_related(
                    Prefetch("paragraphs", queryset=Paragraph.objects.order_by("number"))
                ),
            )
        )
    )
    return [
        (
            section.number,
            section.translated("heading", language),
            [
                (
                    article.number,
                    article.translated("heading", language),
                    [(p.number, p.translated("text", language)) for p in article.paragraphs.all()],
                )
                for article in section.articles.all()
            ],
        )
        for section in sections
    ]
