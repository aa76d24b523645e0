"""Reads of hearings: public lists, the detail page, a proposal's hearings, staff lists."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from ..models import (
    AgendaItem,
    ArticleIdentity,
    Consultation,
    Hearing,
    HearingRegistration,
    HearingStatus,
    Proposal,
    RegistrationStatus,
    SpeakerRequest,
)
from ..models.proposal import CONTENT_WITHHELD, PUBLIC_STATUSES
from ..permissions.consultation import can_manage_consultations
from ..permissions.hearing import CONSULTATIONS_TAKING_HEARINGS
from .public import public_hearings

UPCOMING_STATUSES = (HearingStatus.SCHEDULED, HearingStatus.LIVE, HearingStatus.POSTPONED)


def _with_seats(queryset: QuerySet[Hearing]) -> QuerySet[Hearing]:
    return queryset.annotate(
        seats_taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED))
    )


def hearing_list(*, past: bool = False) -> QuerySet[Hearing]:
    # A hearing whose time is over is past, whether or not the secretariat has marked it finished yet. A
    # cancelled one stays among the upcoming, marked cancelled, until its date: it never took place, and
    # whoever planned to come looks for it where they saw it.
    ended = Q(
        status__in=(HearingStatus.SCHEDULED, HearingStatus.LIVE, HearingStatus.CANCELLED),
        ends_at__lte=timezone.now(),
    )
    if past:
        return _with_seats(public_hearings().filter(Q(status=HearingStatus.FINISHED) | ended)).order_by(
            "-starts_at", "-id"
        )
    listed = (*UPCOMING_STATUSES, HearingStatus.CANCELLED)
    return _with_seats(public_hearings().filter(status__in=listed).exclude(ended)).order_by("starts_at", "id")


def hearing_public_list() -> QuerySet[Hearing]:
    """Every hearing of a published consultation, soonest first (the API's list)."""
    return _with_seats(public_hearings()).order_by("starts_at", "id")


def hearing_staff_list() -> QuerySet[Hearing]:
    return _with_seats(Hearing.objects.all()).order_by("-starts_at", "-id")


def consultations_taking_hearings() -> QuerySet[Consultation]:
    """The consultations a new hearing may be held in, newest first."""
    return Consultation.objects.filter(status__in=CONSULTATIONS_TAKING_HEARINGS).order_by(
        "-created_at", "-pk"
    )


def hearing_all() -> QuerySet[Hearing]:
    """Every hearing of a published consultation (the calendar feed)."""
    return public_hearings().order_by("starts_at", "id")


def visible_hearings(user) -> QuerySet[Hearing]:
    """The hearings `user` may open: a hearing of a draft consultation is as hidden as the consultation is
    (its page, its registration and requests to speak 404), except to those who may see the draft."""
    return Hearing.objects.all() if can_manage_consultations(user) else public_hearings()


def _agenda() -> Prefetch:
    # A speaker is named beside the proposal they present; once it is hidden or withdrawn, its title leaves
    # the agenda (`agenda_titles_withhold`) and so does their name, which would tie it to them (it may have
    # been hidden for being written in another person's name).
    accepted = (
        SpeakerRequest.objects.filter(status=SpeakerRequest.Status.ACCEPTED)
        .exclude(proposal__status__in=CONTENT_WITHHELD)
        .select_related("user", "proposal__organisation")
    )
    return Prefetch(
        "agenda_items",
        queryset=AgendaItem.objects.prefetch_related(
            Prefetch("proposals", queryset=Proposal.objects.filter(status__in=PUBLIC_STATUSES)),
            Prefetch("articles", queryset=ArticleIdentity.objects.select_related("document__consultation")),
            Prefetch("speaker_requests", queryset=accepted, to_attr="accepted_speakers"),
        ),
    )


def hearing_detail(*, pk: int, user=None) -> Hearing | None:
    """A hearing with its agenda (proposals, articles, accepted speakers), documents and seats taken; given a
    `user` (a public page), only one they may see (`visible_hearings`)."""
    hearings = Hearing.objects.all() if user is None else visible_hearings(user)
    return (
        _with_seats(hearings.select_related("consultation"))
        .prefetch_related(_agenda(), "documents")
        .filter(pk=pk)
        .first()
    )


def hearing_status_reason(hearing: Hearing) -> str:
    """Why the hearing is postponed or cancelled, as the secretariat wrote it when it changed the status."""
    if hearing.status not in (HearingStatus.POSTPONED, HearingStatus.CANCELLED):
        return ""
    reasons = (
        hearing.transitions.filter(to_status=hearing.status).order_by("-id").values_list("reason", flat=True)
    )
    return reasons.first() or ""


def registration_of(*, user, hearing: Hearing) -> HearingRegistration | None:
    if not user.is_authenticated:
        return None
    return (
        HearingRegistration.objects.filter(hearing=hearing, user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )


def waitlist_position(registration: HearingRegistration) -> int:
    """1 for the first person waiting."""
    return (
        HearingRegistration.objects.filter(
            hearing_id=registration.hearing_id, status=RegistrationStatus.WAITLISTED
        )
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, id__lt=registration.pk)
        )
        .count()
        + 1
    )


def hearings_of_proposal(proposal: Proposal) -> list[Hearing]:
    """Hearings (not cancelled) whose agenda includes the proposal, in order of time."""
    return list(
        public_hearings()
        .filter(agenda_items__proposals=proposal)
        .exclude(status=HearingStatus.CANCELLED)
        .distinct()
        .order_by("starts_at", "id")
    )


def speakable_proposals(*, user, hearing: Hearing) -> QuerySet[Proposal]:
    """The viewer's own published proposals of the hearing's consultation, not yet asked about."""
    if not user.is_authenticated:
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(author=user, consultation=hearing.consultation, status__in=PUBLIC_STATUSES)
        .exclude(speaker_requests__hearing=hearing)
        .order_by("-published_at")
    )


def speaker_requests_of(*, user, hearing: Hearing) -> list[SpeakerRequest]:
    """The viewer's own requests to present at the hearing, with the Commission's decisions."""
    if not user.is_authenticated:
        return []
    return list(
        SpeakerRequest.objects.filter(hearing=hearing, user=user)
        .select_related("proposal")
        .order_by("created_at", "id")
    )


def registrations_for_staff(*, hearing: Hearing) -> QuerySet[HearingRegistration]:
    return (
        HearingRegistration.objects.filter(hearing=hearing)
        .select_related("user")
        .order_by("status", "created_at", "id")
    )
