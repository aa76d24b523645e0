"""Writes on hearings: scheduling and editing one, its status, and its record once held. The status changes
only in `hearing_transition`, against HEARING_LIFECYCLE. Registrations are in `hearing_registration`, what
people are told in `hearing_notices`."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.models import User
from portal.core.audit import audit_record
from portal.core.lifecycle import Lifecycle
from portal.core.revisions import refuse_if_changed, revision, values_of
from portal.notifications.messages import in_every_language
from proposals.permissions.hearing import can_manage_hearings, new_hearing_refusal

from ..models import (
    AgendaItem,
    Consultation,
    Hearing,
    HearingDiscussion,
    HearingDocument,
    HearingFormat,
    HearingTransition,
    Proposal,
)
from ..models.hearing import HearingStatus, RegistrationStatus
from ..rich_text import render_markdown
from .hearing_notices import active_registrations, hearing_change_notify
from .hearing_registration import fill_seats

H = HearingStatus
R = RegistrationStatus

HEARING_LIFECYCLE = Lifecycle(
    "hearing",
    {
        H.SCHEDULED: [H.LIVE, H.FINISHED, H.POSTPONED, H.CANCELLED],
        H.LIVE: [H.FINISHED],
        # A postponed hearing gets a new time (an edit), then is scheduled again, or is cancelled.
        H.POSTPONED: [H.SCHEDULED, H.CANCELLED],
        H.FINISHED: [],
        H.CANCELLED: [],
    },
)

# A hearing goes live from this long before its start (the doors open, the broadcast begins), not days early:
# "Live now" on the hearing's page and in the lists would send people to a room that is not there yet.
LIVE_FROM_BEFORE_START = timedelta(hours=1)


def hearing_status_targets(hearing: Hearing) -> frozenset[str]:
    """The statuses `hearing` may be moved to now: the table's, less finished before its start (a finished
    hearing is final, and its minutes wait for a start that has passed: marked early, it would be stuck)
    and live until shortly before it."""
    targets = HEARING_LIFECYCLE.targets(hearing.status)
    if not hearing.has_started:
        targets -= {H.FINISHED}
    if not _may_go_live(hearing):
        targets -= {H.LIVE}
    return targets


def _may_go_live(hearing: Hearing) -> bool:
    return timezone.now() >= hearing.starts_at - LIVE_FROM_BEFORE_START


@dataclass(frozen=True, kw_only=True)
class HearingInput:
    """What staff edit on a hearing, in the order the form shows it; `hearing_save` checks the rules and
    applies every field. Edit one field with `dataclasses.replace(HearingInput.of(hearing), capacity=…)`."""

    title_kk: str = ""
    title_ru: str = ""
    title_en: str = ""
    description_kk: str = ""
    description_ru: str = ""
    description_en: str = ""
    starts_at: datetime
    ends_at: datetime
    format: str = HearingFormat.IN_PERSON
    venue_kk: str = ""
    venue_ru: str = ""
    venue_en: str = ""
    online_url: str = ""
    stream_url: str = ""
    capacity: int = 100
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None

    @classmethod
    def of(cls, hearing: Hearing) -> HearingInput:
        """The hearing as it stands, the starting point of an edit."""
        return cls(**{name: getattr(hearing, name) for name in HEARING_FIELDS})


# The staff form's fields (`HearingForm`) are these, so form and service cannot drift apart.
HEARING_FIELDS = tuple(field.name for field in fields(HearingInput))


# What the record form of a hearing that took place edits, besides its document links.
RECORD_FIELDS = (
    *(f"minutes_{code}" for code in ("kk", "ru", "en")),
    "recording_url",
    "transcript_url",
)


def hearing_record_revision(hearing: Hearing) -> str:
    """The mark of the hearing's minutes, recording, transcript and documents as its record form edits them
    (the documents as prefetched, when they are, in their order)."""
    documents = [[document.title, document.url] for document in hearing.documents.all()]
    return revision(values_of(hearing, RECORD_FIELDS), documents)


def hearing_revision(hearing: Hearing) -> str:
    """The mark of what the staff form edits (`HEARING_FIELDS`): a form loaded before another save of them is
    stale; a status step or a registration is nothing the form would undo."""
    return revision(values_of(hearing, HEARING_FIELDS))


# A change of any of these tells everyone concerned.
MOVE_FIELDS = ("starts_at", "ends_at", "venue_kk", "venue_ru", "venue_en", "format", "online_url")
# A new livestream link is told too: people registered to watch would open the old one. The calendar file
# carries no stream link, so its revision stays.
LINK_FIELDS = ("stream_url",)


def stream_url_validate(url: str) -> None:
    """Streams are embedded only over HTTPS from HEARING_STREAM_HOSTS (the CSP frame-src allows those)."""
    if not url:
        return
    parts = urlsplit(url)
    hosts = settings.HEARING_STREAM_HOSTS
    if parts.scheme != "https" or (parts.hostname or "").lower() not in hosts:
        raise ValidationError(
            {
                "stream_url": _(
                    "The livestream can be embedded only from these sites: %(hosts)s. "
                    "Use an https:// link from one of them."
                )
                % {"hosts": ", ".join(hosts)}
            }
        )


def require_hearing_manager(actor: User | None) -> None:
    if actor is None or not can_manage_hearings(actor):
        raise PermissionDenied(_("Only Commission members manage hearings."))


def _validate_hearing(data: HearingInput) -> None:
    errors: dict[str, list[str]] = {}
    if not any(getattr(data, f"title_{code}").strip() for code in ("kk", "ru", "en")):
        errors.setdefault("title_kk", []).append(_("Give the hearing a title in at least one language."))
    if data.starts_at and data.ends_at and data.ends_at <= data.starts_at:
        errors.setdefault("ends_at", []).append(_("The hearing must end after it starts."))
    opens, closes = data.registration_opens_at, data.registration_closes_at
    if opens and data.starts_at and opens >= data.starts_at:
        # Registration ends when the hearing starts (`registration_is_open`): such a window lets nobody in.
        errors.setdefault("registration_opens_at", []).append(
            _("Registration must open before the hearing starts.")
        )
    if opens and closes and closes <= opens:
        errors.setdefault("registration_closes_at", []).append(_("Registration must close after it opens."))
    if closes and data.starts_at and closes > data.starts_at:
        # Registration ends at the start whatever the form says (`registration_is_open`): a later closing time
        # promised seats to people arriving during the hearing.
        errors.setdefault("registration_closes_at", []).append(
            _("Registration must close at the latest when the hearing starts.")
        )
    try:
        stream_url_validate(data.stream_url)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def hearing_save(
    *,
    actor: User,
    data: HearingInput,
    consultation: Consultation | None = None,
    hearing: Hearing | None = None,
    seen: str | None = None,
) -> Hearing:
    """Creates a hearing in `consultation` (published and not archived), or edits `hearing`, which keeps its
    consultation. A new time, venue, format or link is told to everyone registered or concerned; more seats
    promote people from the waiting list. A new start moves the agenda's time slots with it, by as much, so
    that the agenda still fits the hearing. An edit from a form loaded as `seen` (`hearing_revision`) before
    another save of the hearing is refused, so that it undoes nothing."""
    require_hearing_manager(actor)
    _validate_hearing(data)
    moved = relinked = False
    agenda_moved: list[AgendaItem] = []
    shift = timedelta(0)
    if hearing is None:
        if consultation is not None:
            # Locked, so that the consultation cannot be archived while its new hearing is written.
            consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        refusal = new_hearing_refusal(consultation)
        if refusal:
            raise ValidationError({"consultation": refusal})
        hearing = Hearing(consultation=consultation)
    else:
        hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
        refuse_if_changed(seen=seen, now=hearing_revision(hearing), saved=hearing)
        _seats_taken_fit(hearing, data.capacity)
        moved = any(getattr(hearing, name) != getattr(data, name) for name in MOVE_FIELDS)
        relinked = any(getattr(hearing, name) != getattr(data, name) for name in LINK_FIELDS)
        if hearing.starts_at != data.starts_at:
            # A reminder of the old start says nothing of the new one: the sweep reminds again before it.
            active_registrations(hearing.pk).update(reminder_sent_at=None)
            shift = data.starts_at - hearing.starts_at
            agenda_moved = _agenda_move(hearing, data)
        elif hearing.ends_at != data.ends_at:
            # Only the end moves: nothing moves with it, but an item the new end cuts off is refused as a move
            # would refuse it (the public agenda showed it after the hearing had ended).
            _agenda_move(hearing, data)
    for name in HEARING_FIELDS:
        setattr(hearing, name, getattr(data, name))
    if moved:
        hearing.sequence += 1  # calendars replace their copy of the event with the higher revision
    hearing.save()
    details: dict = {"moved": moved}
    if agenda_moved:
        details["agenda_items_moved"] = [item.pk for item in agenda_moved]
        details["agenda_shift_minutes"] = round(shift.total_seconds() / 60)
    audit_record(actor=actor, action="hearing.saved", target=hearing, details=details)
    fill_seats(hearing)
    if hearing.status in (H.SCHEDULED, H.POSTPONED, H.LIVE):
        if moved:
            hearing_change_notify(hearing, kind="hearing.moved", exclude=actor)
        elif relinked:
            hearing_change_notify(
                hearing,
                kind="hearing.changed",
                exclude=actor,
                extra={"change": in_every_language(gettext_lazy("the livestream has a new link."))},
            )
    return hearing


def _agenda_move(hearing: Hearing, data: HearingInput) -> list[AgendaItem]:
    """Moves the timed agenda items of `hearing` (locked, not yet changed) by as much as its start moves;
    returns them. Items left behind at the old time were refused as outside the hearing, and the public agenda
    showed times at which nothing happened. An item the new end would cut off is refused, by its title, so
    that staff shorten it or keep the hearing long enough."""
    shift = data.starts_at - hearing.starts_at
    timed = list(
        hearing.agenda_items.select_for_update()
        .filter(Q(starts_at__isnull=False) | Q(ends_at__isnull=False))
        .order_by("position", "pk")
    )
    for item in timed:
        was_inside = not _runs_past(item, hearing.ends_at)
        item.starts_at = item.starts_at + shift if item.starts_at else None
        item.ends_at = item.ends_at + shift if item.ends_at else None
        if was_inside and _runs_past(item, data.ends_at):
            raise ValidationError(
                {
                    "ends_at": _(
                        "The agenda item “%(item)s” would end after the hearing. Keep the hearing long "
                        "enough, or change the item first."
                    )
                    % {"item": item.translated("title")}
                }
            )
    AgendaItem.objects.bulk_update(timed, ["starts_at", "ends_at"])
    return timed


def _runs_past(item: AgendaItem, hearing_ends_at: datetime) -> bool:
    """As `agenda_item_save` has it: an item starts before the hearing ends, and ends by then."""
    return bool(
        (item.starts_at and item.starts_at >= hearing_ends_at)
        or (item.ends_at and item.ends_at > hearing_ends_at)
    )


def _seats_taken_fit(hearing: Hearing, capacity: int) -> None:
    """Fewer seats than people already holding one would leave some with a code for a chair that is not there
    (the hall is full at the door); the secretariat keeps enough seats, or those people cancel first."""
    taken = active_registrations(hearing.pk).filter(status=R.REGISTERED).count()
    if capacity < taken:
        raise ValidationError(
            {
                "capacity": _(
                    "Seats already taken: %(taken)s. The hearing cannot have fewer seats than that."
                )
                % {"taken": taken}
            }
        )


@transaction.atomic
def hearing_outcome_save(
    *,
    actor: User,
    hearing: Hearing,
    minutes_kk: str = "",
    minutes_ru: str = "",
    minutes_en: str = "",
    recording_url: str = "",
    transcript_url: str = "",
    documents: list[tuple[str, str]] = (),
    seen: str | None = None,
) -> Hearing:
    """Publishes the minutes in each language given (sanitised Markdown), the recording, the transcript and
    document links. A form loaded as `seen` (`hearing_record_revision`) before another save of them is
    refused, so that two people writing the minutes do not lose each other's text."""
    require_hearing_manager(actor)
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    refuse_if_changed(seen=seen, now=hearing_record_revision(hearing), saved=hearing)
    # A record of what was said exists only once something was said; a cancelled hearing keeps none.
    if not hearing.has_started or hearing.status in (H.CANCELLED, H.POSTPONED):
        raise ValidationError(_("The record of a hearing is published once it has taken place."))
    minutes = {"kk": minutes_kk, "ru": minutes_ru, "en": minutes_en}
    for code, text in minutes.items():
        setattr(hearing, f"minutes_{code}", text.strip())
        setattr(hearing, f"minutes_html_{code}", render_markdown(text.strip()) if text.strip() else "")
    hearing.recording_url = recording_url
    hearing.transcript_url = transcript_url
    hearing.save(
        update_fields=[
            *(f"minutes_{code}" for code in minutes),
            *(f"minutes_html_{code}" for code in minutes),
            "recording_url",
            "transcript_url",
            "updated_at",
        ]
    )
    hearing.documents.all().delete()
    HearingDocument.objects.bulk_create(
        HearingDocument(hearing=hearing, title=title[:200], url=url, position=index)
        for index, (title, url) in enumerate(documents)
    )
    audit_record(actor=actor, action="hearing.outcome_saved", target=hearing)
    return hearing


@transaction.atomic
def hearing_transition(*, hearing: Hearing, to_status: str, actor: User | None, reason: str = "") -> Hearing:
    """The only code path that changes a hearing's status.

    Locks the row, checks permission (`actor=None` is the system) and the table, logs the change. Postponing
    or cancelling tells everyone concerned; finishing records "discussed at" on each agenda proposal.
    """
    if actor is not None:
        require_hearing_manager(actor)
    locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
    if to_status == H.FINISHED and not locked.has_started:
        raise ValidationError(
            {
                "to_status": _(
                    "The hearing has not started yet: it is marked finished once it has taken place. "
                    "If it was held at another time, correct its start and end first."
                )
            }
        )
    if to_status == H.LIVE and not _may_go_live(locked):
        raise ValidationError(
            {
                "to_status": _(
                    "The hearing starts later: it can be marked live from an hour before its start. "
                    "If it is held earlier, correct its start first."
                )
            }
        )
    from_status = HEARING_LIFECYCLE.move(locked, to_status)
    locked.sequence += 1
    locked.save(update_fields=["status", "sequence", "updated_at"])
    HearingTransition.objects.create(
        hearing=locked, from_status=from_status, to_status=to_status, actor=actor, reason=reason
    )
    if to_status == H.FINISHED:
        proposal_ids = set(Proposal.objects.filter(agenda_items__hearing=locked).values_list("pk", flat=True))
        HearingDiscussion.objects.bulk_create(
            [HearingDiscussion(hearing=locked, proposal_id=pk) for pk in sorted(proposal_ids)],
            ignore_conflicts=True,
        )
    elif to_status in (H.POSTPONED, H.CANCELLED):
        kind = "hearing.postponed" if to_status == H.POSTPONED else "hearing.cancelled"
        # The secretariat's reason goes with it, as typed (it is also on the hearing's page).
        if reason.strip():
            kind += "_because"
        hearing_change_notify(locked, kind=kind, exclude=actor, extra={"reason": reason.strip()})
    elif to_status == H.SCHEDULED:
        # Everyone was told "postponed, a new date will be announced": this is that announcement, whether
        # or not the time was edited meanwhile.
        hearing_change_notify(locked, kind="hearing.rescheduled", exclude=actor)
        fill_seats(locked)
    return locked
