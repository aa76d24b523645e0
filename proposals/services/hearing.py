"""Writes on hearings. The status changes only in `hearing_transition`, against HEARING_LIFECYCLE; seats are
counted under a lock of the hearing row, so capacity holds however many people register at once."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.audit import audit_record
from portal.core.formats import format_when, iso_datetime
from portal.core.http import rate_limit_address
from portal.core.lifecycle import Lifecycle
from portal.core.ratelimit import rate_limit_hit
from portal.notifications.email import email_queue
from portal.notifications.messages import in_every_language
from portal.notifications.services import notify
from proposals.permissions.hearing import (
    can_cancel_hearing_registration,
    can_manage_hearings,
    hearing_registration_refusal,
    new_hearing_refusal,
)

from ..models import (
    Consultation,
    Follow,
    Hearing,
    HearingDiscussion,
    HearingDocument,
    HearingFormat,
    HearingRegistration,
    HearingTransition,
    Proposal,
)
from ..models.hearing import HearingStatus, RegistrationStatus
from ..rich_text import render_markdown

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

CANCEL_SALT = "hearings.registration.cancel"


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
# A change of any of these tells everyone concerned.
MOVE_FIELDS = ("starts_at", "ends_at", "venue_kk", "venue_ru", "venue_en", "format", "online_url")


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
) -> Hearing:
    """Creates a hearing in `consultation` (published and not archived), or edits `hearing`, which keeps its
    consultation. A new time, venue or format is told to everyone registered or concerned; more seats promote
    people from the waiting list."""
    require_hearing_manager(actor)
    _validate_hearing(data)
    moved = False
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
        _seats_taken_fit(hearing, data.capacity)
        moved = any(getattr(hearing, name) != getattr(data, name) for name in MOVE_FIELDS)
        if hearing.starts_at != data.starts_at:
            # A reminder of the old start says nothing of the new one: the sweep reminds again before it.
            _active(hearing.pk).update(reminder_sent_at=None)
    for name in HEARING_FIELDS:
        setattr(hearing, name, getattr(data, name))
    if moved:
        hearing.sequence += 1  # calendars replace their copy of the event with the higher revision
    hearing.save()
    audit_record(actor=actor, action="hearing.saved", target=hearing, details={"moved": moved})
    _fill_seats(hearing)
    if moved and hearing.status in (H.SCHEDULED, H.POSTPONED, H.LIVE):
        _notify_audience(hearing, kind="hearing.moved", exclude=actor)
    return hearing


def _seats_taken_fit(hearing: Hearing, capacity: int) -> None:
    """Fewer seats than people already holding one would leave some with a code for a chair that is not there
    (the hall is full at the door); the secretariat keeps enough seats, or those people cancel first."""
    taken = _active(hearing.pk).filter(status=R.REGISTERED).count()
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
) -> Hearing:
    """Publishes the minutes in each language given (sanitised Markdown), the recording, the transcript and
    document links."""
    require_hearing_manager(actor)
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
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
        _notify_audience(locked, kind=kind, exclude=actor, extra={"reason": reason.strip()})
    elif to_status == H.SCHEDULED:
        # Everyone was told "postponed, a new date will be announced": this is that announcement, whether
        # or not the time was edited meanwhile.
        _notify_audience(locked, kind="hearing.rescheduled", exclude=actor)
        _fill_seats(locked)
    return locked


# --- registrations --------------------------------------------------------------------------------------


def _active(hearing_id: int):
    return HearingRegistration.objects.filter(hearing_id=hearing_id).exclude(status=R.CANCELLED)


# A code read out at the door: capitals and digits without look-alikes (0/O, 1/I), in two groups of four.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def registration_code_new() -> str:
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        code = f"{raw[:4]}-{raw[4:]}"
        if not HearingRegistration.objects.filter(code=code).exists():
            return code


def hearing_register(*, user: User, hearing: Hearing, ip: str | None = None) -> HearingRegistration:
    """Gives `user` a seat, or a place on the waiting list once every seat is taken.

    The hearing row is locked while seats are counted and the row is written, so parallel registrations are
    serialised: the capacity is never exceeded and the waiting list keeps the order in which people came. A
    second registration by the same person returns the first. New registrations from one client address `ip`
    are limited per hearing and day: an account needs only a confirmed email, and throw-away accounts took
    every seat of a hearing.
    """
    refusal = hearing_registration_refusal(user, hearing)
    if refusal:
        raise PermissionDenied(refusal)
    with transaction.atomic():
        locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
        if not locked.registration_is_open():
            raise PermissionDenied(_("Registration for this hearing is not open."))
        existing = _active(locked.pk).filter(user=user).first()
        if existing is not None:
            return existing
        _check_seats_pace(locked, ip)
        taken = _active(locked.pk).filter(status=R.REGISTERED).count()
        registration = HearingRegistration.objects.create(
            hearing=locked,
            user=user,
            status=R.REGISTERED if taken < locked.capacity else R.WAITLISTED,
            code=registration_code_new(),
            created_at=timezone.now(),
        )
        _send_registration_email(registration, hearing=locked, user=user)
        # In the notification centre too; the email with the code is the one just sent.
        notify_hearing_users(
            locked,
            [user.pk],
            kind="hearing.registered" if registration.status == R.REGISTERED else "hearing.waitlisted",
            category="hearings",
            email=False,
        )
    return registration


def _check_seats_pace(hearing: Hearing, ip: str | None) -> None:
    address = rate_limit_address(ip)
    if address and not rate_limit_hit(
        scope=f"hearing-seat-{hearing.pk}",
        key=address,
        limit=settings.HEARING_REGISTRATIONS_PER_ADDRESS_PER_DAY,
        period_seconds=86400,
    ):
        raise PermissionDenied(
            _("Too many registrations for this hearing came from your network today. Try again tomorrow.")
        )


def hearing_registration_cancel(
    *,
    registration: HearingRegistration,
    user: User | None = None,
    by_signed_link: bool = False,
    erasing: bool = False,
) -> HearingRegistration | None:
    """Cancels a registration (by its owner, or through the signed link of its email, or as the account is
    erased).

    A freed seat goes to the first person on the waiting list, who is told and emailed; returns that
    person's registration, if any. Cancelling twice does nothing more. Once the hearing has begun, its
    registrations are the record of who was expected, and only an erasure takes one back.
    """
    with transaction.atomic():
        hearing = Hearing.objects.select_for_update().get(pk=registration.hearing_id)
        locked = HearingRegistration.objects.select_for_update().get(pk=registration.pk)
        if not (by_signed_link or erasing) and not can_cancel_hearing_registration(user, locked):
            raise PermissionDenied(_("You may not cancel this registration."))
        if locked.status == R.CANCELLED:
            return None
        if hearing.has_started and not erasing:
            raise ValidationError(
                _(
                    "The hearing has begun: registrations can no longer be cancelled, they record who was "
                    "expected."
                )
            )
        locked.status = R.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["status", "cancelled_at"])
        promoted = _fill_seats(Hearing.objects.get(pk=locked.hearing_id))
    return promoted[0] if promoted else None


def _fill_seats(hearing: Hearing) -> list[HearingRegistration]:
    """Moves people from the waiting list into free seats, first come first served (hearing row locked);
    not once it has begun: a seat offered then could not be taken."""
    if hearing.status != H.SCHEDULED or hearing.has_started:
        return []
    free = hearing.capacity - _active(hearing.pk).filter(status=R.REGISTERED).count()
    if free <= 0:
        return []
    waiting = list(
        _active(hearing.pk)
        .filter(status=R.WAITLISTED)
        .select_related("user")
        .select_for_update(of=("self",))
        .order_by("created_at", "id")[:free]
    )
    now = timezone.now()
    for registration in waiting:
        registration.status = R.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        _send_registration_email(registration, hearing=hearing, user=registration.user, promoted=True)
        # In the centre only, as for a registration: the email with the code is the one just sent.
        notify_hearing_users(
            hearing, [registration.user_id], kind="hearing.promoted", category="hearings", email=False
        )
    return waiting


def cancel_token(registration: HearingRegistration) -> str:
    return signing.dumps({"r": registration.pk, "c": registration.code}, salt=CANCEL_SALT, compress=True)


def registration_from_token(token: str) -> HearingRegistration | None:
    """The registration a cancel link names, while there is still something to cancel: the link dies when
    the hearing ends (or is finished or cancelled), so an old email cannot be replayed."""
    try:
        data = signing.loads(token, salt=CANCEL_SALT)
    except signing.BadSignature:
        return None
    registration = HearingRegistration.objects.select_related("hearing").filter(pk=data.get("r")).first()
    if registration is None or not secrets.compare_digest(registration.code, str(data.get("c", ""))):
        return None
    hearing = registration.hearing
    if hearing.ends_at <= timezone.now() or hearing.status in (
        H.FINISHED,
        H.CANCELLED,
    ):
        return None
    return registration


def _local(moment: datetime) -> str:
    # The month by its name in the reader's language ("15 наурыз 2030 ж."): figures read differently from
    # country to country. The zone is named by the email template ("Almaty time"), so the form without it.
    return format_when(moment, "date_long") + ", " + format_when(moment, "time")


def _send_registration_email(registration, *, hearing: Hearing, user: User, promoted: bool = False) -> None:
    """The confirmation with the registration code and a signed cancel link, in the person's language."""
    language = user.preferred_language or "kk"
    with translation.override(language):
        context = {
            "user": user,
            "hearing": hearing,
            "title": hearing.translated("title"),
            "registration": registration,
            "promoted": promoted,
            "start": _local(hearing.starts_at),
            "hearing_url": settings.SITE_URL + hearing.get_absolute_url(),
            "ics_url": settings.SITE_URL + reverse("hearing_ics", kwargs={"pk": hearing.pk}),
            "cancel_url": settings.SITE_URL
            + reverse("hearing_cancel_link", kwargs={"token": cancel_token(registration)}),
        }
        if registration.status == R.REGISTERED:
            subject = _("Your seat at the hearing “%(title)s”") % {"title": context["title"]}
        else:
            subject = _("You are on the waiting list of the hearing “%(title)s”") % {
                "title": context["title"]
            }
        body = render_to_string("proposals/email/hearing_registration.txt", context)
    email_queue(
        message=EmailMessage(subject=f"[Qatysu] {subject}", body=body, to=[user.email]), language=language
    )


# --- notifications --------------------------------------------------------------------------------------


def hearing_audience(hearing: Hearing) -> set[int]:
    """Everyone registered or waiting, and the followers of the proposals on the agenda."""
    registered = set(_active(hearing.pk).values_list("user_id", flat=True))
    followers = set(
        Follow.objects.filter(proposal__agenda_items__hearing=hearing).values_list("user_id", flat=True)
    )
    return registered | followers


def _notify_audience(
    hearing: Hearing, *, kind: str, exclude=None, extra: dict[str, str] | None = None
) -> int:
    return notify_hearing_users(
        hearing, hearing_audience(hearing), kind=kind, category="hearings", exclude=exclude, extra=extra
    )


def notify_hearing_users(
    hearing: Hearing,
    user_ids: Iterable[int],
    *,
    kind: str,
    category: str,
    exclude: User | int | None = None,
    extra: dict[str, str] | None = None,
    email: bool = True,
) -> int:
    """Notifies each person; the title and venue go in every language, so each reader gets theirs."""
    params = {
        "title": hearing.in_every_language("title"),
        # Written in the reader's language when the notification is shown.
        "start": iso_datetime(hearing.starts_at),
        # An online hearing has no venue: its format says where, not a dash.
        "venue": _venue_or_format(hearing),
        **(extra or {}),
    }
    return notify(
        recipients=user_ids,
        category=category,
        kind=kind,
        params=params,
        url=hearing.get_absolute_url(),
        exclude=exclude,
        email=email,
    )


def _venue_or_format(hearing: Hearing) -> dict[str, str]:
    venue = hearing.in_every_language("venue")
    return venue if any(venue.values()) else in_every_language(HearingFormat(hearing.format).label)


def hearing_reminders_send(*, now: datetime | None = None) -> int:
    """Reminds each registered person once, HEARING_REMINDER_BEFORE ahead of the start.

    Each reminder is claimed by a conditional UPDATE (`reminder_sent_at IS NULL`) in its own transaction:
    two sweeps running at once, or one run twice, send it once.
    """
    now = now or timezone.now()
    due = HearingRegistration.objects.filter(
        status=R.REGISTERED,
        reminder_sent_at__isnull=True,
        hearing__status=H.SCHEDULED,
        hearing__starts_at__gt=now,
        hearing__starts_at__lte=now + settings.HEARING_REMINDER_BEFORE,
    ).values_list("pk", "hearing_id", "user_id")
    hearings: dict[int, Hearing] = {}
    sent = 0
    for pk, hearing_id, user_id in list(due):
        with transaction.atomic():
            claimed = HearingRegistration.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if not claimed:
                continue
            hearing = hearings.get(hearing_id) or hearings.setdefault(
                hearing_id, Hearing.objects.get(pk=hearing_id)
            )
            notify_hearing_users(hearing, [user_id], kind="hearing.reminder", category="reminders")
            sent += 1
    return sent
