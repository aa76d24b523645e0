import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery

from portal.core.rows import prepared_cursor

from ..models import (
    Article,
    ArticleIdentity,
    Consultation,
    ConsultationStatus,
    Document,
    DocumentVersion,
    Follow,
    Paragraph,
    Section,
)
from ..models.proposal import PUBLIC_STATUSES
from ..permissions.consultation import can_import_document
from .consultation import current_consultation


def latest_version(document: Document) -> DocumentVersion | None:
    """The latest published version: what citizens read and propose changes to."""
    return document.versions.published().order_by("-position").first()


def public_document(document_id: int) -> Document | None:
    """The document with its consultation, unless that consultation is still a draft (None then)."""
    return (
        Document.objects.select_related("consultation")
        .exclude(consultation__status=ConsultationStatus.DRAFT)
        .filter(pk=document_id)
        .first()
    )


def _articles_with_text():
    """Articles with what shows one whole: its identity, section and version, and its paragraphs in order."""
    return Article.objects.select_related("identity", "section", "version").prefetch_related(
        Prefetch("paragraphs", queryset=Paragraph.objects.order_by("number"))
    )


def public_version_articles(version_id: int):
    """The articles of a published version of a public consultation's document, in their order; None when
    there is no such version."""
    public = DocumentVersion.objects.published().exclude(
        document__consultation__status=ConsultationStatus.DRAFT
    )
    if not public.filter(pk=version_id).exists():
        return None
    return _articles_with_text().filter(version_id=version_id).order_by("position")


def latest_published_article(document: Document, key: str) -> Article | None:
    """The article `key` of the document as it stands in the latest published version that has it: two
    queries, and one for its paragraphs."""
    identity = ArticleIdentity.objects.filter(document=document, key=key).first()
    if identity is None:
        return None
    return (
        _articles_with_text()
        .filter(identity=identity, version__published_at__isnull=False)
        .order_by("-version__position")
        .first()
    )


def in_latest_version(identity: ArticleIdentity) -> bool:
    """Whether the latest published version has the article: only such an article can be named by a
    proposal (`article_choices`). One query."""
    return Article.objects.filter(
        identity=identity,
        version=DocumentVersion.objects.published()
        .filter(document_id=identity.document_id)
        .order_by("-position")
        .values("pk")[:1],
    ).exists()


def article_consultation_slug(article_id: str) -> str:
    """The slug of the public consultation an article identity belongs to ("" for none): one query."""
    if not article_id.isdecimal() or len(article_id) > 18:
        return ""
    slug = (
        ArticleIdentity.objects.filter(pk=int(article_id))
        .exclude(document__consultation__status=ConsultationStatus.DRAFT)
        .values_list("document__consultation__slug", flat=True)
        .first()
    )
    return slug or ""


def visible_versions(document: Document, user) -> list[DocumentVersion]:
    """The versions `user` may read, in order: published ones, and drafts too for staff who publish them."""
    versions = document.versions.order_by("position")
    if not can_import_document(user):
        versions = versions.published()
    return list(versions)


def staff_versions(document: Document):
    """Every version of the document for the staff pages, drafts included, with who published each."""
    return document.versions.order_by("position").select_related("published_by")


def changeable_matches(document: Document) -> list[tuple[Article, str]]:
    """The confirmed matches the secretariat may still change (those of the drafts and of the latest published
    version), each with the article's number in the version before it ("" for an article new there)."""
    latest = latest_version(document)
    versions = document.versions.filter(Q(published_at__isnull=True) | Q(pk=getattr(latest, "pk", None)))
    articles = list(
        Article.objects.filter(version__in=versions, identity_proposed=False)
        .select_related("identity", "version")
        .order_by("version__position", "position")
    )
    earlier = {
        (position, identity_id): number
        for position, identity_id, number in Article.objects.filter(
            version__document=document,
            version__position__in={article.version.position - 1 for article in articles},
        ).values_list("version__position", "identity_id", "number")
    }
    return [
        (article, earlier.get((article.version.position - 1, article.identity_id), ""))
        for article in articles
    ]


def work_date(document: Document):
    """The date of the document as a work: its first version's, the same whichever version is exported."""
    first = document.versions.order_by("position").values_list("created_at", flat=True).first()
    return first.date() if first else None


def article_choices(consultation=None) -> list[tuple[int, str]]:
    """(identity id, "7. Heading") for the latest version of the consultation's documents (default: the
    current one), in the order of that version."""
    consultation = consultation or current_consultation()
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


def articles_ever_published(consultation) -> list[ArticleIdentity]:
    """Every article identity a published version of the consultation's documents had: the latest version's
    in its order, then those removed since. One query per document and one for its latest version, as
    `article_choices` (the documents prefetched)."""
    identities = []
    for document in consultation.documents.all():
        version = latest_version(document)
        if version is None:
            continue
        position = Article.objects.filter(identity=OuterRef("pk"), version=version).values("position")[:1]
        identities += (
            ArticleIdentity.objects.published()
            .filter(document=document)
            .select_related("document")
            .annotate(position=Subquery(position))
            .order_by(F("position").asc(nulls_last=True), "pk")
        )
    return identities


def versions_an_answer_may_name(consultation):
    """Every version of the consultation's documents, published or still a draft: an answer may name the
    draft version that will carry the change, and the public pages name it once it is published. Versions
    are published in order, so a draft is always newer than every published version of its document."""
    return (
        DocumentVersion.objects.filter(document__consultation=consultation)
        .select_related("document")
        .order_by("document_id", "position")
    )


def consultation_articles(consultation) -> list[tuple[ArticleIdentity, bool]]:
    """Every article identity of the consultation with whether the latest draft still has it: the latest
    version's articles in their order first, then those removed since (which keep their last number, so a
    removed "4" and the new "4" must be told apart). Two queries per document."""
    ordered = []
    for document in Document.objects.filter(consultation=consultation).order_by("pk"):
        version = latest_version(document)
        positions = (
            dict(Article.objects.filter(version=version).values_list("identity_id", "position"))
            if version
            else {}
        )
        identities = ArticleIdentity.objects.published().filter(document=document).order_by("pk")
        current = sorted((i for i in identities if i.pk in positions), key=lambda i: positions[i.pk])
        removed = [i for i in identities if i.pk not in positions]
        ordered += [(identity, True) for identity in current] + [(identity, False) for identity in removed]
    return ordered


def articles_new_in_drafts(consultation) -> list[Article]:
    """The articles of the consultation's unpublished versions whose identity no published version has, as
    the latest draft words them, in the drafts' order: an answer may name the article that will carry the
    change before the public can read it. One query."""
    latest: dict[int, Article] = {}
    for article in (
        Article.objects.filter(
            version__document__consultation=consultation, version__published_at__isnull=True
        )
        .exclude(identity__in=ArticleIdentity.objects.published())
        .select_related("version__document")
        .order_by("version__document_id", "-version__position", "position")
    ):
        latest.setdefault(article.identity_id, article)
    return sorted(
        latest.values(),
        key=lambda a: (a.version.document_id, a.version.position, a.position),
    )


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


def reader_follows_article(*, consultation_slug: str, document_slug: str, key: str, reader) -> bool:
    """Whether the reader follows the article at this address, asked before anything else on its page (the
    page itself may come from the shared store); SQL written once per process (portal/core/rows.py)."""
    with prepared_cursor() as cursor:
        cursor.execute(
            _follows_article_sql(),
            {"user": reader.pk, "key": key, "document": document_slug, "consultation": consultation_slug},
        )
        return bool(cursor.fetchone()[0])


@functools.cache
def _follows_article_sql() -> str:
    quote = connection.ops.quote_name
    return f"""
        SELECT EXISTS (
            SELECT 1 FROM {quote(Follow._meta.db_table)} f
            JOIN {quote(ArticleIdentity._meta.db_table)} a ON a.id = f.article_id
            JOIN {quote(Document._meta.db_table)} d ON d.id = a.document_id
            JOIN {quote(Consultation._meta.db_table)} c ON c.id = d.consultation_id
            WHERE f.user_id = %(user)s AND a.key = %(key)s AND d.slug = %(document)s
                AND c.slug = %(consultation)s
        )
    """  # noqa: S608 (table names from the models; every value is a parameter)


def article_heading_in_version(identity: ArticleIdentity, version: DocumentVersion) -> Article | None:
    """The article with its section, without its text (`article_paragraphs` reads that)."""
    return Article.objects.filter(identity=identity, version=version).select_related("section").first()


@dataclass(frozen=True)
class ArticleNeighbours:
    previous: Article | None
    next: Article | None


def article_neighbours(article: Article) -> ArticleNeighbours:
    """The articles before and after `article` in its version (across sections), with their identities for
    their addresses: one query, whatever the length of the document."""
    same_version = Article.objects.filter(version_id=article.version_id)
    before = same_version.filter(position__lt=article.position).order_by("-position").values("position")[:1]
    after = same_version.filter(position__gt=article.position).order_by("position").values("position")[:1]
    found = list(
        same_version.filter(Q(position=Subquery(before)) | Q(position=Subquery(after))).select_related(
            "identity"
        )
    )
    return ArticleNeighbours(
        previous=next((other for other in found if other.position < article.position), None),
        next=next((other for other in found if other.position > article.position), None),
    )


def article_paragraphs(article: Article) -> list[Paragraph]:
    return list(article.paragraphs.order_by("number"))


def article_history(identity: ArticleIdentity) -> list[Article]:
    """The article in every published version that has it, oldest first, with its number there."""
    return list(
        Article.objects.filter(identity=identity, version__published_at__isnull=False)
        .select_related("version")
        .order_by("version__position")
    )


def article_proposal_count(identity: ArticleIdentity) -> int:
    """As many as the list of proposals on the article shows: a campaign cluster counts once."""
    return identity.proposals.filter(status__in=PUBLIC_STATUSES, cluster_of__isnull=True).count()


def version_languages(version: DocumentVersion) -> list[str]:
    """The languages the version's text was imported in. Each file of a version holds the whole structure
    (docs/document-format.md), so one paragraph tells: one query."""
    paragraph = Paragraph.objects.filter(article__version=version).order_by("pk").first()
    return paragraph.languages_of("text") if paragraph else []


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
