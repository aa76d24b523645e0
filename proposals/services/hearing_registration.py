"""Registrations for a hearing: a seat or a place on the waiting list, counted under a lock of the hearing
row so that capacity holds however many people register at once; cancelling, which gives the freed seat to
the first person waiting; and the signed cancel link of the registration email."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.ratelimit import address_within
from proposals.permissions.hearing import can_cancel_hearing_registration, hearing_registration_refusal

from ..models import Hearing, HearingRegistration
from ..models.hearing import HearingStatus, RegistrationStatus
from .hearing_notices import CANCEL_SALT, active_registrations, notify_hearing_users, registration_email_send

H = HearingStatus
R = RegistrationStatus


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
        existing = active_registrations(locked.pk).filter(user=user).first()
        if existing is not None:
            return existing
        _check_seats_pace(locked, ip)
        taken = active_registrations(locked.pk).filter(status=R.REGISTERED).count()
        registration = HearingRegistration.objects.create(
            hearing=locked,
            user=user,
            status=R.REGISTERED if taken < locked.capacity else R.WAITLISTED,
            code=registration_code_new(),
            created_at=timezone.now(),
        )
        registration_email_send(registration, hearing=locked, user=user)
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
    if not address_within(
        ip,
        scope=f"hearing-seat-{hearing.pk}",
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
        promoted = fill_seats(Hearing.objects.get(pk=locked.hearing_id))
    return promoted[0] if promoted else None


def fill_seats(hearing: Hearing) -> list[HearingRegistration]:
    """Moves people from the waiting list into free seats, first come first served (hearing row locked);
    not once it has begun: a seat offered then could not be taken."""
    if hearing.status != H.SCHEDULED or hearing.has_started:
        return []
    free = hearing.capacity - active_registrations(hearing.pk).filter(status=R.REGISTERED).count()
    if free <= 0:
        return []
    waiting = list(
        active_registrations(hearing.pk)
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
        registration_email_send(registration, hearing=hearing, user=registration.user, promoted=True)
        # In the centre only, as for a registration: the email with the code is the one just sent.
        notify_hearing_users(
            hearing, [registration.user_id], kind="hearing.promoted", category="hearings", email=False
        )
    return waiting


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
