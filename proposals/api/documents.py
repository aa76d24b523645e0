"""/api/v1/consultations, documents, versions, articles and the diff summary (read-only)."""

from datetime import datetime

from django.http import Http404
from ninja import Field, Path, Query, Router, Schema

from portal.core.text import NormalisedSchema

from ..models import Article, Consultation, ConsultationStatus, Document, DocumentVersion, Phase
from ..selectors.comparison import compare_versions
from ..selectors.consultation import public_consultations
from ..selectors.document import latest_published_article, public_document, public_version_articles
from .errors import refuse_unknown_parameters
from .types import MAX_ID, PAGE_PARAMETERS, SLUG, LanguageCode, Page, Translated, codes, page_of, translated

router = Router(tags=["consultations and documents"])
DIFF_PARAMETERS = {"from", "to", "language"}


PhaseKindCode = codes("PhaseKindCode", Phase.Kind)
# A draft consultation is never answered.
ConsultationStatusCode = codes(
    "ConsultationStatusCode", (status for status in ConsultationStatus if status != ConsultationStatus.DRAFT)
)


class PhaseOut(Schema):
    kind: PhaseKindCode
    starts_at: datetime
    ends_at: datetime


class DocumentRef(Schema):
    id: int
    slug: str
    title: Translated


class OutcomeOut(Schema):
    published_at: datetime
    summary: Translated


class ConsultationOut(Schema):
    slug: str
    title: Translated
    description: Translated
    status: ConsultationStatusCode
    outcome: OutcomeOut | None = Field(
        None,
        description="when the Commission published the outcome, and its summary; null until then, while "
        "`/stats` counts what has been answered so far",
    )
    phases: list[PhaseOut]
    documents: list[DocumentRef]


class VersionOut(Schema):
    id: int
    position: int
    label: Translated
    created_at: datetime
    published_at: datetime


class DocumentOut(DocumentRef):
    consultation: str
    versions: list[VersionOut]


class ParagraphOut(Schema):
    number: int
    text: Translated


class ArticleOut(Schema):
    key: str
    # An article the latest version left out is still answered, from the last version that has it: without
    # its version a reader could not tell that text from the current one.
    version: int = Field(..., description="Position of the version this text is from (see /versions).")
    number: str
    section: str
    heading: Translated
    paragraphs: list[ParagraphOut]


class DiffSummaryOut(Schema):
    from_version: int
    to_version: int
    language: LanguageCode
    unchanged: int
    changed: int
    added: int
    removed: int
    moved: int
    renumbered: int
    changed_percent: float


class ConsultationPage(Schema):
    count: int
    results: list[ConsultationOut]


class VersionList(Schema):
    count: int
    results: list[VersionOut]


class ArticlePage(Schema):
    count: int
    results: list[ArticleOut]


def _consultation_out(consultation: Consultation) -> dict:
    return {
        "slug": consultation.slug,
        "title": translated(consultation, "title"),
        "description": translated(consultation, "description"),
        "status": consultation.status,
        "outcome": {
            "published_at": consultation.outcome_published_at,
            "summary": translated(consultation, "outcome_summary"),
        }
        if consultation.outcome_published_at
        else None,
        "phases": [
            {"kind": p.kind, "starts_at": p.starts_at, "ends_at": p.ends_at}
            for p in consultation.phases.all()
        ],
        "documents": [
            {"id": d.pk, "slug": d.slug, "title": translated(d, "title")}
            for d in consultation.documents.all()
        ],
    }


@router.get("/consultations", response=ConsultationPage)
def list_consultations(request, paging: Query[Page]):
    refuse_unknown_parameters(request, PAGE_PARAMETERS)
    queryset = public_consultations()
    return page_of(queryset, page=paging.page, page_size=paging.page_size, out=_consultation_out)


@router.get("/consultations/{slug}", response=ConsultationOut)
def get_consultation(request, slug: str = Path(..., pattern=SLUG, max_length=100)):
    refuse_unknown_parameters(request, set())
    consultation = public_consultations().filter(slug=slug).first()
    if consultation is None:
        raise Http404
    return _consultation_out(consultation)


def _document(document_id: int) -> Document:
    document = public_document(document_id)
    if document is None:
        raise Http404
    return document


def _version_out(version: DocumentVersion) -> dict:
    return {
        "id": version.pk,
        "position": version.position,
        "label": translated(version, "label"),
        "created_at": version.created_at,
        "published_at": version.published_at,
    }


@router.get("/documents/{int:document_id}", response=DocumentOut)
def get_document(request, document_id: int = Path(..., ge=0, le=MAX_ID)):
    refuse_unknown_parameters(request, set())
    document = _document(document_id)
    return {
        "id": document.pk,
        "slug": document.slug,
        "title": translated(document, "title"),
        "consultation": document.consultation.slug,
        "versions": [_version_out(v) for v in document.versions.published().order_by("position")],
    }


@router.get("/documents/{int:document_id}/versions", response=VersionList)
def list_versions(request, paging: Query[Page], document_id: int = Path(..., ge=0, le=MAX_ID)):
    refuse_unknown_parameters(request, PAGE_PARAMETERS)
    queryset = _document(document_id).versions.published().order_by("position")
    return page_of(queryset, page=paging.page, page_size=paging.page_size, out=_version_out)


def _article_out(article: Article) -> dict:
    return {
        "key": article.identity.key,
        "version": article.version.position,
        "number": article.number,
        "section": article.section.number,
        "heading": translated(article, "heading"),
        "paragraphs": [{"number": p.number, "text": translated(p, "text")} for p in article.paragraphs.all()],
    }


@router.get("/versions/{int:version_id}/articles", response=ArticlePage)
def list_articles(request, paging: Query[Page], version_id: int = Path(..., ge=0, le=MAX_ID)):
    refuse_unknown_parameters(request, PAGE_PARAMETERS)
    queryset = public_version_articles(version_id)
    if queryset is None:
        raise Http404
    return page_of(queryset, page=paging.page, page_size=paging.page_size, out=_article_out)


@router.get("/documents/{int:document_id}/articles/{key}", response=ArticleOut)
def get_article(
    request,
    document_id: int = Path(..., ge=0, le=MAX_ID),
    key: str = Path(..., pattern=SLUG, max_length=100),
):
    """The article as it stands in the latest published version that has it."""
    refuse_unknown_parameters(request, set())
    article = latest_published_article(_document(document_id), key)
    if article is None:
        raise Http404
    return _article_out(article)


class DiffQuery(NormalisedSchema):
    from_version: int = Field(..., alias="from", ge=1)
    to_version: int = Field(..., alias="to", ge=1)
    language: str = Field("kk", pattern="^(kk|ru|en)$")


@router.get("/documents/{int:document_id}/diff", response=DiffSummaryOut)
def diff_summary(request, query: Query[DiffQuery], document_id: int = Path(..., ge=0, le=MAX_ID)):
    refuse_unknown_parameters(request, DIFF_PARAMETERS)
    document = _document(document_id)
    versions = {v.position: v for v in document.versions.published()}
    old, new = versions.get(query.from_version), versions.get(query.to_version)
    if old is None or new is None:
        raise Http404
    _rows, summary = compare_versions(
        old_version=old, new_version=new, language=query.language, with_html=False
    )
    return {
        "from_version": old.position,
        "to_version": new.position,
        "language": query.language,
        **summary.as_dict(),
    }
