"""/api/v1/hearings: the schedule and agendas, public fields only (never registrants or emails)."""

from datetime import datetime

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view

from portal.core.page_cache import cache_anonymous_page

from ..models import Hearing
from ..selectors import hearing as selectors
from .types import MAX_ID

router = Router(tags=["hearings"])
LIST_PARAMETERS = {"page", "page_size"}


class Pagination(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class Translated(Schema):
    kk: str
    ru: str
    en: str


class AgendaItemOut(Schema):
    position: int
    title: Translated
    starts_at: datetime | None
    ends_at: datetime | None
    speakers: str
    proposal_ids: list[int]
    article_keys: list[str]


class HearingOut(Schema):
    id: int
    title: Translated
    status: str
    format: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    online_url: str
    stream_url: str
    capacity: int
    seats_taken: int
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    url: str
    ics_url: str


class HearingDetailOut(HearingOut):
    description: Translated
    agenda: list[AgendaItemOut]
    minutes_html: str
    recording_url: str
    transcript_url: str
    documents: list[dict]


class HearingPage(Schema):
    count: int
    results: list[HearingOut]


def _translated(obj, name: str) -> dict:
    return {code: getattr(obj, f"{name}_{code}") for code in ("kk", "ru", "en")}


def _out(hearing: Hearing) -> dict:
    return {
        "id": hearing.pk,
        "title": _translated(hearing, "title"),
        "status": hearing.status,
        "format": hearing.format,
        "starts_at": hearing.starts_at,
        "ends_at": hearing.ends_at,
        "venue": hearing.venue,
        "online_url": hearing.online_url,
        "stream_url": hearing.stream_url,
        "capacity": hearing.capacity,
        "seats_taken": hearing.seats_taken,
        "registration_opens_at": hearing.registration_opens_at,
        "registration_closes_at": hearing.registration_closes_at,
        "url": settings.SITE_URL + hearing.get_absolute_url(),
        "ics_url": settings.SITE_URL + reverse("hearing_ics", kwargs={"pk": hearing.pk}),
    }


@router.get("", response=HearingPage, summary="Hearings, soonest first")
@decorate_view(cache_anonymous_page())
def list_hearings(request, pagination: Query[Pagination]):
    unknown = set(request.GET) - LIST_PARAMETERS
    if unknown:
        from . import UnknownParameter

        raise UnknownParameter(unknown)
    queryset = selectors.hearing_staff_list().order_by("starts_at", "id")
    start = (pagination.page - 1) * pagination.page_size
    return {
        "count": queryset.count(),
        "results": [_out(h) for h in queryset[start : start + pagination.page_size]],
    }


@router.get("/{int:hearing_id}", response=HearingDetailOut, summary="One hearing with its agenda")
def get_hearing(request, hearing_id: int = Path(..., ge=0, le=MAX_ID)):
    hearing = selectors.hearing_detail(pk=hearing_id)
    if hearing is None:
        raise Http404
    agenda = [
        {
            "position": item.position,
            "title": _translated(item, "title"),
            "starts_at": item.starts_at,
            "ends_at": item.ends_at,
            "speakers": item.speakers,
            "proposal_ids": [p.pk for p in item.proposals.all()],
            "article_keys": [a.key for a in item.articles.all()],
        }
        for item in hearing.agenda_items.all()
    ]
    return {
        **_out(hearing),
        "description": _translated(hearing, "description"),
        "agenda": agenda,
        "minutes_html": hearing.minutes_html,
        "recording_url": hearing.recording_url,
        "transcript_url": hearing.transcript_url,
        "documents": [{"title": d.title, "url": d.url} for d in hearing.documents.all()],
    }
