"""/api/v1/hearings: the schedule and agendas, public fields only (never registrants or emails)."""

from datetime import datetime

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view

from portal.core.page_cache import cache_anonymous_page

from ..models import Hearing, HearingFormat, HearingStatus
from ..selectors import hearing as selectors
from .errors import refuse_unknown_parameters
from .types import MAX_ID, Translated, codes, page_of, translated

router = Router(tags=["hearings"])
LIST_PARAMETERS = {"page", "page_size"}


class Pagination(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class AgendaItemOut(Schema):
    position: int
    title: Translated
    starts_at: datetime | None
    ends_at: datetime | None
    # `speakers` (and `venue`, `minutes_html`) keep their first shape: the text in the first language that
    # has one (kk, ru, en); `…_translated` gives every language.
    speakers: str
    speakers_translated: Translated
    proposal_ids: list[int]
    article_keys: list[str]


class HearingOut(Schema):
    id: int
    title: Translated
    status: codes("HearingStatusCode", HearingStatus)
    format: codes("HearingFormatCode", HearingFormat)
    starts_at: datetime
    ends_at: datetime
    venue: str
    venue_translated: Translated
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
    minutes_html_translated: Translated
    recording_url: str
    transcript_url: str
    documents: list[dict]


class HearingPage(Schema):
    count: int
    results: list[HearingOut]


def _out(hearing: Hearing) -> dict:
    return {
        "id": hearing.pk,
        "title": translated(hearing, "title"),
        "status": hearing.status,
        "format": hearing.format,
        "starts_at": hearing.starts_at,
        "ends_at": hearing.ends_at,
        "venue": hearing.translated("venue", "kk"),
        "venue_translated": translated(hearing, "venue"),
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
    refuse_unknown_parameters(request, LIST_PARAMETERS)
    queryset = selectors.hearing_public_list()
    return page_of(queryset, page=pagination.page, page_size=pagination.page_size, out=_out)


@router.get("/{int:hearing_id}", response=HearingDetailOut, summary="One hearing with its agenda")
def get_hearing(request, hearing_id: int = Path(..., ge=0, le=MAX_ID)):
    refuse_unknown_parameters(request, set())
    hearing = selectors.hearing_detail(pk=hearing_id)
    if hearing is None or not hearing.consultation.is_public:
        raise Http404
    agenda = [
        {
            "position": item.position,
            "title": translated(item, "title"),
            "starts_at": item.starts_at,
            "ends_at": item.ends_at,
            "speakers": item.translated("speakers", "kk"),
            "speakers_translated": translated(item, "speakers"),
            "proposal_ids": [p.pk for p in item.proposals.all()],
            "article_keys": [a.key for a in item.articles.all()],
        }
        for item in hearing.agenda_items.all()
    ]
    return {
        **_out(hearing),
        "description": translated(hearing, "description"),
        "agenda": agenda,
        "minutes_html": hearing.translated("minutes_html", "kk"),
        "minutes_html_translated": translated(hearing, "minutes_html"),
        "recording_url": hearing.recording_url,
        "transcript_url": hearing.transcript_url,
        "documents": [{"title": d.title, "url": d.url} for d in hearing.documents.all()],
    }
