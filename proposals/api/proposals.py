"""/api/v1/proposals: the list with the contract's filters, one proposal, creation and supports."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import StringConstraints

from portal.core import switches
from portal.core.http import client_ip
from portal.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from portal.core.idempotency import KEY_PATTERN, idempotent
from portal.core.page_cache import cache_anonymous_page
from portal.core.text import NormalisedSchema
from proposals.permissions.consultation import intake_is_open
from proposals.permissions.proposal import supports_paused_message

from ..models import ArticleIdentity, Proposal, ProposalStatus, ResponseStatus, Topic
from ..models.proposal import PUBLIC_STATUSES
from ..selectors import proposal as selectors
from ..selectors.consultation import current_consultation, public_consultation_slugs, public_consultations
from ..selectors.public import public_proposals
from ..selectors.response import public_corrections, public_response_for
from ..services import proposal as proposal_services
from ..services import support as support_services
from ..services.support import SupportsThrottled
from .auth import TokenAuth
from .errors import SearchPaused, UnknownParameter
from .types import MAX_ID, NO_NUL, SLUG, TEXT, LanguageCode

router = Router(tags=["proposals"])
LIST_PARAMETERS = {
    "consultation", "status", "topic", "article", "submitter_type", "organisation", "q", "ordering", "page",
    "page_size",
}  # fmt: skip

# The header `idempotent` reads, declared in the OpenAPI document of the writes that take it.
IDEMPOTENCY_KEY = {
    "parameters": [
        {
            "in": "header",
            "name": IDEMPOTENCY_HEADER,
            "required": False,
            "description": "the same key from the same token within 24 hours answers the first result again "
            "and writes nothing",
            "schema": {"type": "string", "pattern": f"^{KEY_PATTERN.pattern}$"},
        }
    ]
}


class Ordering(StrEnum):
    NEWEST = "-created"
    OLDEST = "created"
    MOST_SUPPORTED = "-supports"
    MOST_COMMENTED = "-comments"


PublicStatus = StrEnum("PublicStatus", {s.name: s.value for s in ProposalStatus if s in PUBLIC_STATUSES})


class SubmitterType(StrEnum):
    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"


# The codes a proposal and an answer carry, as enums in the OpenAPI document so generated clients know them.
# Every status a proposal has: lists and reads show the public ones, a submission answers its own.
StatusCode = StrEnum("StatusCode", {s.name: s.value for s in ProposalStatus})
ResponseStatusCode = StrEnum("ResponseStatusCode", {s.name: s.value for s in ResponseStatus})


class ListFilters(NormalisedSchema):
    consultation: str | None = Field(None, max_length=80, pattern=SLUG, description="consultation slug")
    status: PublicStatus | None = None
    topic: str | None = Field(None, max_length=60, pattern=SLUG, description="topic slug")
    article: str | None = Field(
        None, max_length=40, pattern=SLUG, description="article key, e.g. `local-budgets`"
    )
    submitter_type: SubmitterType | None = None
    organisation: str | None = Field(
        None,
        max_length=80,
        pattern=SLUG,
        description="slug of an organisation: the proposals submitted on its behalf",
    )
    q: str = Field("", max_length=200, pattern=NO_NUL, description="full-text search")
    ordering: Ordering | None = Field(
        None, description="default: `-created`, but with `q` the best matches first, newest among equals"
    )
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class ArticleRef(Schema):
    key: str
    number: str = Field(
        description="its number in the latest published version that has it: with `removed_in`, the number "
        "it had before, which that version may have given to another article"
    )
    url: str
    removed_in: int | None = Field(
        None, description="position of the published version that removed the article; null while it is in"
    )


class ProposalOut(Schema):
    id: int
    consultation: str = Field(..., description="slug of the consultation it was submitted to")
    title: str
    summary: str
    status: StatusCode = Field(
        ...,
        description="published, under_review or responded; the answer to a submission reads submitted, "
        "until screening publishes it or sends it to moderation",
    )
    language: LanguageCode
    submitter_type: SubmitterType
    author: str
    organisation: str | None = Field(..., description="name of the organisation it was submitted for")
    organisation_slug: str | None = Field(
        ..., description="its slug: the `organisation` filter, and its public page on the site"
    )
    topic: str | None
    articles: list[ArticleRef]
    supports_count: int
    comments_count: int
    published_at: datetime | None
    url: str


class CorrectionOut(Schema):
    at: datetime
    reason: str


class ResponseOut(Schema):
    status: ResponseStatusCode
    reasoning: dict[str, str] = Field(
        ..., description="language code → text, for the languages it is written in"
    )
    articles: list[ArticleRef]
    version: str | None = Field(
        None,
        description="the label of the draft version where the change was made, in the request's language if "
        "it has one; null until that version is published",
    )
    version_id: int | None = Field(
        None, description="that version's id, as /api/v1/versions/{id}/articles takes it; null likewise"
    )
    version_position: int | None = Field(
        None, description="that version's number in its document, as open data's response_version"
    )
    version_labels: dict[str, str] = Field(
        default_factory=dict, description="language code → that version's label, in the languages it has"
    )
    published_at: datetime
    covers_cluster: bool = Field(
        ..., description="true when the answer was given to the cluster's first proposal"
    )
    corrections: list[CorrectionOut] = Field(
        ...,
        description="when and why the articles or the version it names were corrected, oldest first; "
        "the decision and its reasoning are never corrected",
    )


class ProposalDetailOut(ProposalOut):
    body: str
    supports_by_level: dict[str, int] = Field(
        ...,
        description="supports by the level of the supporters' identity verification: signature and "
        "national_sign_in are strong, self_declared is a typed IIN, staff is an administrator's check",
    )
    response: ResponseOut | None = Field(
        None, description="the published Commission answer, once there is one"
    )


class ProposalPage(Schema):
    count: int
    results: list[ProposalOut]


class ProposalIn(NormalisedSchema):
    # A title, summary and body of blanks only are refused like empty ones.
    # …and no NUL characters anywhere: PostgreSQL cannot store them (a 500 found by schemathesis).
    title: str = Field(..., max_length=150, pattern=TEXT)
    summary: str = Field(..., max_length=600, pattern=TEXT)
    body: str = Field(..., pattern=TEXT)
    language: str = Field(..., pattern="^(kk|ru|en)$")
    topic: str | None = Field(None, pattern=SLUG, description="topic slug")
    articles: list[Annotated[str, StringConstraints(pattern=SLUG)]] = Field(
        default_factory=list, max_length=20, description="article keys"
    )
    # Strict: JSON's `true` or "1" read as organisation 1 would post on behalf of whichever one has that id.
    organisation: int | None = Field(
        None, ge=1, le=MAX_ID, strict=True, description="id of a verified organisation you act for"
    )
    consultation: str | None = Field(
        None, pattern=SLUG, description="slug of the consultation; default: the newest taking proposals"
    )


class SupportOut(Schema):
    supported: bool
    supports_count: int


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _article_ref(article) -> dict:
    url = _absolute(article.get_absolute_url())
    return {"key": article.key, "number": article.number, "url": url, "removed_in": article.removed_in}


def _out(proposal: Proposal, *, consultation: str) -> dict:
    return {
        "id": proposal.pk,
        "consultation": consultation,
        "title": proposal.title,
        "summary": proposal.summary,
        "status": proposal.status,
        "language": proposal.language,
        "submitter_type": proposal.submitter_type,
        "author": proposal.author.public_name,
        "organisation": proposal.organisation.name if proposal.organisation_id else None,
        "organisation_slug": proposal.organisation.slug if proposal.organisation_id else None,
        "topic": proposal.topic.slug if proposal.topic_id else None,
        "articles": [_article_ref(a) for a in proposal.articles.all()],
        "supports_count": proposal.supports_count,
        "comments_count": proposal.comments_count,
        "published_at": proposal.published_at,
        "url": _absolute(reverse("proposal_detail", kwargs={"pk": proposal.pk})),
    }


@router.get("", response=ProposalPage, summary="Published proposals")
@decorate_view(cache_anonymous_page())
def list_proposals(request, filters: Query[ListFilters]):
    unknown = set(request.GET) - LIST_PARAMETERS
    if unknown:
        raise UnknownParameter(unknown)
    if filters.q and switches.current().search_paused:
        # The heaviest query of the list, which an admin pauses during a surge on the site and here alike.
        raise SearchPaused
    slugs = public_consultation_slugs()
    consultation_id = None
    if filters.consultation:
        consultation_id = next((pk for pk, slug in slugs.items() if slug == filters.consultation), -1)
    queryset = selectors.proposal_list(
        filters=selectors.ProposalFilters(
            status=filters.status,
            topic=filters.topic,
            article_key=filters.article,
            submitter_type=filters.submitter_type,
            organisation=filters.organisation,
            q=filters.q,
            ordering=filters.ordering or Ordering.NEWEST,
            relevance_first=filters.ordering is None,
            consultation_id=consultation_id,
        )
    )
    start = (filters.page - 1) * filters.page_size
    return {
        "count": queryset.count(),
        "results": [
            _out(p, consultation=slugs[p.consultation_id])
            for p in queryset[start : start + filters.page_size]
        ],
    }


def _public_proposal(pk: int) -> Proposal:
    proposal = (
        public_proposals()
        .select_related("author", "organisation", "topic", "consultation")
        .prefetch_related("articles__document__consultation")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def _response_out(proposal: Proposal) -> dict | None:
    response = public_response_for(proposal)
    if response is None:
        return None
    version = response.public_version
    return {
        "status": response.status,
        "reasoning": {
            code: getattr(response, f"reasoning_{code}") for code in response.languages_of("reasoning")
        },
        "articles": [_article_ref(a) for a in response.articles.all()],
        # The label reads in the request's language (or another if need be); a program matches the id or the
        # number, which are the same whatever the language asked for.
        "version": _version_label(version) if version else None,
        "version_id": version.pk if version else None,
        "version_position": version.position if version else None,
        "version_labels": {code: getattr(version, f"label_{code}") for code in version.languages_of("label")}
        if version
        else {},
        "published_at": response.published_at,
        "covers_cluster": response.proposal_id != proposal.pk,
        "corrections": public_corrections(response),
    }


def _version_label(version) -> str:
    return version.translated("label") or str(version)


@router.get("/{int:proposal_id}", response=ProposalDetailOut, summary="One published proposal")
@decorate_view(cache_anonymous_page())
def get_proposal(request, proposal_id: int = Path(..., ge=0, le=MAX_ID)):
    if set(request.GET):
        raise UnknownParameter(set(request.GET))
    proposal = _public_proposal(proposal_id)
    return {
        **_out(proposal, consultation=proposal.consultation.slug),
        "body": proposal.body,
        "supports_by_level": selectors.supports_by_level(proposal.pk).counts,
        "response": _response_out(proposal),
    }


@router.post(
    "",
    response={201: ProposalDetailOut},
    auth=TokenAuth(),
    summary="Submit a proposal",
    openapi_extra=IDEMPOTENCY_KEY,
)
@decorate_view(idempotent)
def create_proposal(request, data: ProposalIn):
    """Creates and submits a proposal in one step (one transaction); it is screened, then published or queued
    for moderation. With an `Idempotency-Key` header, a retry with the same key (same token, same request,
    within 24 hours) answers the first result and submits nothing again."""
    if data.consultation:
        consultation = public_consultations().filter(slug=data.consultation).first()
        if consultation is None:
            raise HttpError(422, f"Unknown consultation {data.consultation!r}.")
    else:
        consultation = current_consultation()
    if consultation is None:
        raise HttpError(409, "There is no consultation taking proposals.")
    topic_id = None
    if data.topic:
        topic_id = Topic.objects.filter(slug=data.topic, is_active=True).values_list("pk", flat=True).first()
        if topic_id is None:
            raise HttpError(422, f"Unknown topic {data.topic!r}.")
    article_ids = list(
        ArticleIdentity.objects.published()
        .filter(document__consultation=consultation, key__in=data.articles)
        .values_list("pk", flat=True)
    )
    if len(article_ids) != len(set(data.articles)):
        raise HttpError(422, "Unknown article key(s).")
    # All or nothing: an API client has no draft to come back to, so a submission refused or cut off
    # half-way (throttled, the database connection lost) must not leave one behind.
    with transaction.atomic():
        proposal = proposal_services.proposal_draft_save(
            author=request.auth,
            consultation=consultation,
            data=proposal_services.ProposalInput(
                title=data.title,
                summary=data.summary,
                body=data.body,
                language=data.language,
                topic_id=topic_id,
                article_ids=tuple(article_ids),
                organisation_id=data.organisation,
            ),
            ip=client_ip(request),
        )
        proposal = proposal_services.proposal_submit(
            proposal=proposal, author=request.auth, ip=client_ip(request)
        )
        # Read before the commit: a connection lost after it would answer 500 for a stored proposal.
        proposal = Proposal.objects.select_related("author", "organisation", "topic").get(pk=proposal.pk)
    return Status(
        201,
        {
            **_out(proposal, consultation=consultation.slug),
            "body": proposal.body,
            "supports_by_level": selectors.supports_by_level(proposal.pk).counts,
            "response": None,
        },
    )


def _proposal_taking_supports(proposal_id: int, *, supporter) -> Proposal:
    """The published proposal, or 404; 409 once intake is closed, for a support as for its withdrawal (the
    services' own refusal would read 403, which the docs keep for what the person may not do)."""
    proposal = selectors.supportable_proposal(pk=proposal_id, supporter=supporter)
    if proposal is None:
        raise Http404
    if not intake_is_open(proposal.consultation):
        raise HttpError(409, "Proposal intake is closed: supports can no longer change.")
    return proposal


@router.post(
    "/{int:proposal_id}/support",
    response=SupportOut,
    auth=TokenAuth(),
    summary="Support a proposal",
    openapi_extra=IDEMPOTENCY_KEY,
)
@decorate_view(idempotent)
def support(request, proposal_id: int = Path(..., ge=0, le=MAX_ID)):
    """Idempotent: a second support by the same person changes nothing and still answers 200. With an
    `Idempotency-Key` header, a retry with the same key answers the first result (its count) again."""
    proposal = _proposal_taking_supports(proposal_id, supporter=request.auth)
    if switches.current().supports_paused:
        # Passing, like a throttle: a program waits Retry-After and tries again, where a 403 says never.
        raise SupportsThrottled(supports_paused_message())
    counted = support_services.support_add_counted(user=request.auth, proposal=proposal)
    return {"supported": True, "supports_count": counted.supports_count}


@router.delete(
    "/{int:proposal_id}/support", response=SupportOut, auth=TokenAuth(), summary="Withdraw a support"
)
def withdraw_support(request, proposal_id: int = Path(..., ge=0, le=MAX_ID)):
    """Idempotent: withdrawing a support that is not there changes nothing and still answers 200."""
    proposal = _proposal_taking_supports(proposal_id, supporter=request.auth)
    counted = support_services.support_withdraw_counted(user=request.auth, proposal=proposal)
    return {"supported": False, "supports_count": counted.supports_count}
