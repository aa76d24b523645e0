"""/api/v1/stats: the numbers of the outcome page (a campaign cluster counts once)."""

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from portal.core.page_cache import cache_anonymous_page
from portal.core.text import NormalisedSchema

from ..selectors.consultation import current_consultation, public_consultations
from ..selectors.outcome import consultation_stats_shared
from .errors import refuse_unknown_parameters

router = Router(tags=["outcome"])
PARAMETERS = {"consultation"}


class StatsFilters(NormalisedSchema):
    consultation: str | None = Field(
        None,
        max_length=80,
        pattern=r"^[-a-zA-Z0-9_]+$",
        description="consultation slug (default: the current one)",
    )


class StatsOut(Schema):
    consultation: str
    received: int
    published: int
    answered: int
    response_rate: float = Field(..., description="answered / published, in percent")
    median_days_to_response: float | None
    answered_on_time: int = Field(
        ...,
        description="answers given by their deadline (obligations kept); an answer to a proposal that no "
        "obligation covers has no deadline and counts neither here nor in answered_late",
    )
    answered_late: int = Field(..., description="answers given after their deadline")
    overdue: int = Field(..., description="unanswered proposals past their deadline now")
    by_status: dict[str, int]
    by_response_status: dict[str, int]
    by_topic: dict[str, int] = Field(..., description="topic slug (empty: no topic) → published proposals")
    answered_by_topic: dict[str, int]
    by_article: dict[str, int] = Field(..., description="article key → published proposals")
    by_submitter_type: dict[str, int]
    by_week: dict[str, int] = Field(..., description="Monday of the week → proposals published")


@router.get("", response=StatsOut, summary="The outcome in numbers")
@decorate_view(cache_anonymous_page())
def stats(request, filters: Query[StatsFilters]):
    refuse_unknown_parameters(request, PARAMETERS)
    if filters.consultation:
        consultation = public_consultations().filter(slug=filters.consultation).first()
    else:
        consultation = current_consultation()
    if consultation is None:
        raise Http404
    return {"consultation": consultation.slug, **consultation_stats_shared(consultation=consultation)}
