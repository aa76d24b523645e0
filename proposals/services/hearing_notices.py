"""What people are told about a hearing: the registration email with its code, the notices of a change
(cancelled, postponed, moved, a new link), and the reminders before it starts.

A change reaches the people registered for the hearing by email at once, in their language, whatever their
notification settings: it is about something they signed up for, as the registration email is; a
cancellation read a day later in a digest sent people to a closed hall. Those who only follow the agenda's
proposals are told as their settings say."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.formats import format_when, iso_datetime
from portal.notifications.email import email_queue
from portal.notifications.messages import in_every_language, render_message
from portal.notifications.services import notify
from portal.notifications.subject import email_subject

from ..models import Follow, Hearing, HearingFormat, HearingRegistration
from ..models.hearing import HearingStatus, RegistrationStatus

H = HearingStatus
R = RegistrationStatus

CANCEL_SALT = "hearings.registration.cancel"


def active_registrations(hearing_id: int):
    """Registrations that still hold a seat or a place on the waiting list."""
    return HearingRegistration.objects.filter(hearing_id=hearing_id).exclude(status=R.CANCELLED)


def cancel_token(registration: HearingRegistration) -> str:
    return signing.dumps({"r": registration.pk, "c": registration.code}, salt=CANCEL_SALT, compress=True)


def _local(moment: datetime) -> str:
    # The month by its name in the reader's language ("15 наурыз 2030 ж."): figures read differently from
    # country to country. The zone is named by the email template ("Almaty time"), so the form without it.
    return format_when(moment, "date_long") + ", " + format_when(moment, "time")


def _email_context(registration: HearingRegistration, *, hearing: Hearing, user: User) -> dict:
    """What the emails about one registration show, in the active language."""
    return {
        "user": user,
        "hearing": hearing,
        "title": hearing.translated("title"),
        "registration": registration,
        "start": _local(hearing.starts_at),
        "hearing_url": settings.SITE_URL + hearing.get_absolute_url(),
        "ics_url": settings.SITE_URL + reverse("hearing_ics", kwargs={"pk": hearing.pk}),
        "cancel_url": settings.SITE_URL
        + reverse("hearing_cancel_link", kwargs={"token": cancel_token(registration)}),
    }


def _email_send(*, user: User, subject: str, body: str, language: str) -> None:
    email_queue(
        message=EmailMessage(subject=f"[Qatysu] {subject}", body=body, to=[user.email]), language=language
    )


def registration_email_send(
    registration: HearingRegistration, *, hearing: Hearing, user: User, promoted: bool = False
) -> None:
    """The confirmation with the registration code and a signed cancel link, in the person's language."""
    language = user.preferred_language or "kk"
    with translation.override(language):
        context = {**_email_context(registration, hearing=hearing, user=user), "promoted": promoted}
        if registration.status == R.REGISTERED:
            subject = _("Your seat at the hearing “%(title)s”") % {"title": context["title"]}
        else:
            subject = _("You are on the waiting list of the hearing “%(title)s”") % {
                "title": context["title"]
            }
        body = render_to_string("proposals/email/hearing_registration.txt", context)
    _email_send(user=user, subject=subject, body=body, language=language)


# --- notices --------------------------------------------------------------------------------------------


def hearing_audience(hearing: Hearing) -> set[int]:
    """Everyone registered or waiting, and the followers of the proposals on the agenda."""
    registered = set(active_registrations(hearing.pk).values_list("user_id", flat=True))
    followers = set(
        Follow.objects.filter(proposal__agenda_items__hearing=hearing).values_list("user_id", flat=True)
    )
    return registered | followers


def hearing_change_notify(
    hearing: Hearing, *, kind: str, exclude: User | None = None, extra: dict[str, str] | None = None
) -> int:
    """Tells everyone concerned that `hearing` changed (`kind`: cancelled, postponed, moved, …).

    Each person registered or waiting, with an account still in use, gets the notice in the centre and an
    email at once, whatever their settings; followers get the notice as their settings say (the email is
    the notice's own). A cancelled registration is no longer anyone's concern, and an address on the
    suppression list is skipped where the email is delivered (`email_deliver`)."""
    excluded = getattr(exclude, "pk", exclude)
    registrations = list(active_registrations(hearing.pk).select_related("user").order_by("pk"))
    attendees = [r for r in registrations if r.user.is_active and r.user_id != excluded]
    attendee_ids = {registration.user_id for registration in attendees}
    told = notify_hearing_users(
        hearing, attendee_ids, kind=kind, category="hearings", extra=extra, email=False
    )
    for registration in attendees:
        _change_email_send(registration, hearing=hearing, kind=kind, extra=extra)
    followers = hearing_audience(hearing) - {registration.user_id for registration in registrations}
    return told + notify_hearing_users(
        hearing, followers, kind=kind, category="hearings", exclude=exclude, extra=extra
    )


def _change_email_send(
    registration: HearingRegistration, *, hearing: Hearing, kind: str, extra: dict[str, str] | None
) -> None:
    """The notice of a change as an email of its own, with what still holds: the time, the place, the links,
    the registration code, and the cancel link while there is something to cancel."""
    user = registration.user
    language = user.preferred_language or "kk"
    params = _notice_params(hearing, extra)
    with translation.override(language):
        context = {
            **_email_context(registration, hearing=hearing, user=user),
            "notice": render_message(kind, params),
            # A postponed hearing's old time is void ("a new date will be announced"); a cancelled one has
            # none.
            "has_time": hearing.status in (H.SCHEDULED, H.LIVE),
            "may_cancel": hearing.status in (H.SCHEDULED, H.POSTPONED),
        }
        # The subject without the reason, which the body quotes in full.
        subject = render_message(kind.removesuffix("_because"), params)
        body = render_to_string("proposals/email/hearing_change.txt", context)
    _email_send(user=user, subject=email_subject(subject), body=body, language=language)


def _notice_params(hearing: Hearing, extra: dict[str, str] | None) -> dict:
    """The title and venue in every language, so each reader gets theirs."""
    return {
        "title": hearing.in_every_language("title"),
        # Written in the reader's language when the notification is shown.
        "start": iso_datetime(hearing.starts_at),
        # An online hearing has no venue: its format says where, not a dash.
        "venue": _venue_or_format(hearing),
        **(extra or {}),
    }


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
    """Notifies each person, as their settings for `category` say (in the centre only with `email=False`)."""
    return notify(
        recipients=user_ids,
        category=category,
        kind=kind,
        params=_notice_params(hearing, extra),
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
