"""/api/v1/commitments: what carries out each adopted change, with its public updates. Public fields only:
never who posted or approved an update."""

from datetime import date, datetime
from enum import StrEnum

from django.conf import settings
from django.http import Http404
from ninja import Field, Path, Query, Router, Schema

from portal.core.text import NormalisedSchema

from ..models import Commitment, CommitmentStatus, EvidenceKind, MeasureKind
from ..selectors import commitment as selectors
from .errors import refuse_unknown_parameters
from .types import MAX_ID, SLUG, Translated, codes, page_of, translated

router = Router(tags=["commitments"])
LIST_PARAMETERS = {"consultation", "status", "body", "article", "overdue", "page", "page_size"}

Status = StrEnum("Status", {s.name: s.value for s in CommitmentStatus})
MeasureCode = codes("MeasureCode", MeasureKind)
EvidenceKindCode = codes("EvidenceKindCode", EvidenceKind)


class ListFilters(NormalisedSchema):
    consultation: str | None = Field(None, max_length=80, pattern=SLUG, description="consultation slug")
    status: Status | None = None
    body: str | None = Field(None, max_length=80, pattern=SLUG, description="responsible body slug")
    article: str | None = Field(None, max_length=40, pattern=SLUG, description="article key")
    overdue: bool | None = Field(None, description="only overdue (true) or only not overdue (false)")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class BodyOut(Schema):
    slug: str
    name: Translated


class EvidenceOut(Schema):
    kind: EvidenceKindCode
    title: str
    url: str


class UpdateOut(Schema):
    id: int
    published_at: datetime
    text: Translated
    reason: Translated
    from_status: Status
    to_status: Status
    from_progress: int | None
    to_progress: int | None
    from_due_date: date
    to_due_date: date
    corrects: int | None
    evidence: list[EvidenceOut]


class CommitmentOut(Schema):
    id: int
    url: str
    consultation: str
    title: Translated
    body: BodyOut
    measure: MeasureCode
    status: Status
    progress: int | None
    due_date: date
    overdue: bool
    article_keys: list[str]
    proposal_ids: list[int]


class CommitmentDetailOut(CommitmentOut):
    description: Translated
    updates: list[UpdateOut]


class CommitmentPage(Schema):
    count: int
    results: list[CommitmentOut]


def _out(commitment: Commitment) -> dict:
    return {
        "id": commitment.pk,
        "url": settings.SITE_URL + commitment.get_absolute_url(),
        "consultation": commitment.consultation.slug,
        "title": translated(commitment, "title"),
        "body": {"slug": commitment.body.slug, "name": translated(commitment.body, "name")},
        "measure": commitment.measure,
        "status": commitment.status,
        "progress": commitment.progress,
        "due_date": commitment.due_date,
        "overdue": commitment.is_overdue,
        "article_keys": [article.key for article in commitment.articles.all()],
        "proposal_ids": [response.proposal_id for response in commitment.responses.all()],
    }


@router.get("", response=CommitmentPage, summary="Commitments, soonest due first")
def list_commitments(request, filters: Query[ListFilters]):
    refuse_unknown_parameters(request, LIST_PARAMETERS)
    queryset = selectors.api_commitments(
        consultation=filters.consultation,
        status=filters.status.value if filters.status else None,
        body=filters.body,
        article=filters.article,
        overdue=filters.overdue,
    )
    return page_of(queryset, page=filters.page, page_size=filters.page_size, out=_out)


@router.get("/{int:commitment_id}", response=CommitmentDetailOut, summary="One commitment with its updates")
def get_commitment(request, commitment_id: int = Path(..., ge=0, le=MAX_ID)):
    refuse_unknown_parameters(request, set())
    commitment = selectors.api_commitment(pk=commitment_id)
    if commitment is None:
        raise Http404
    return {
        **_out(commitment),
        "description": translated(commitment, "description"),
        "updates": [
            {
                "id": update.pk,
                "published_at": update.published_at,
                "text": translated(update, "text"),
                "reason": translated(update, "reason"),
                "from_status": update.from_status,
                "to_status": update.to_status,
                "from_progress": update.from_progress,
                "to_progress": update.to_progress,
                "from_due_date": update.from_due_date,
                "to_due_date": update.to_due_date,
                "corrects": update.corrects_id,
                "evidence": [{"kind": e.kind, "title": e.title, "url": e.url} for e in update.evidence.all()],
            }
            for update in commitment.public_updates
        ],
    }
