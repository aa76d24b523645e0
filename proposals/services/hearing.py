"""Writes on hearings. The status changes only in `hearing_transition`, against HEARING_LIFECYCLE; seats are
counted under a lock of the hearing row, so capacity holds however many people register at once."""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.core import permissions
from portal.core.audit import audit_record
from portal.core.lifecycle import Lifecycle

from ..markdown import render_markdown
from ..models import (
    AgendaItem,
    Follow,
    Hearing,
    HearingDiscussion,
    HearingDocument,
    HearingRegistration,
    HearingStatus,
    HearingTransition,
    Proposal,
    RegistrationStatus,
    SpeakerRequest,
)
from ..models.proposal import PUBLIC_STATUSES

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
# Fields of a hearing that staff edit; a change of any of MOVE_FIELDS tells everyone concerned.
HEARING_FIELDS = (
    "title_kk",
    "title_ru",
    "title_en",
    "description_kk",
    "description_ru",
    "description_en",
    "starts_at",
    "ends_at",
    "format",
    "venue",
    "online_url",
    "stream_url",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
)
MOVE_FIELDS = ("starts_at", "ends_at", "venue", "format", "online_url")


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


def _require_manager(actor) -> None:
    if actor is None or not permissions.can_manage_hearings(actor):
        raise PermissionDenied(_("Only Commission members manage hearings."))


def _clean_hearing(data: dict) -> dict:
    fields = {name: data[name] for name in HEARING_FIELDS if name in data}
    errors: dict[str, list[str]] = {}
    if not any(fields.get(f"title_{code}", "").strip() for code in ("kk", "ru", "en")):
        errors.setdefault("title_kk", []).append(_("Give the hearing a title in at least one language."))
    starts, ends = fields.get("starts_at"), fields.get("ends_at")
    if starts and ends and ends <= starts:
        errors.setdefault("ends_at", []).append(_("The hearing must end after it starts."))
    closes = fields.get("registration_closes_at")
    opens = fields.get("registration_opens_at")
    if opens and closes and closes <= opens:
        errors.setdefault("registration_closes_at", []).append(_("Registration must close after it opens."))
    try:
        stream_url_validate(fields.get("stream_url", ""))
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def hearing_save(*, actor, consultation=None, data: dict, hearing: Hearing | None = None) -> Hearing:
    """Creates or edits a hearing. A new time, venue or format is told to everyone registered or concerned;
    more seats promote people from the waiting list."""
    _require_manager(actor)
    fields = _clean_hearing(data)
    moved = False
    if hearing is None:
        hearing = Hearing(consultation=consultation)
    else:
        hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
        moved = any(name in fields and getattr(hearing, name) != fields[name] for name in MOVE_FIELDS)
    for name, value in fields.items():
        setattr(hearing, name, value)
    hearing.save()
    audit_record(actor=actor, action="hearing.saved", target=hearing, details={"moved": moved})
    _fill_seats(hearing)
    if moved and hearing.status in (H.SCHEDULED, H.POSTPONED, H.LIVE):
        _notify_audience(hearing, kind="hearing.moved", exclude=actor)
    return hearing


@transaction.atomic
def hearing_outcome_save(
    *,
    actor,
    hearing: Hearing,
    minutes: str,
    recording_url: str = "",
    transcript_url: str = "",
    documents: list[tuple[str, str]] = (),
) -> Hearing:
    """Publishes the minutes (sanitised Markdown), the recording, the transcript and document links."""
    _require_manager(actor)
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    hearing.minutes = minutes.strip()
    hearing.minutes_html = render_markdown(hearing.minutes) if hearing.minutes else ""
    hearing.recording_url = recording_url
    hearing.transcript_url = transcript_url
    hearing.save(update_fields=["minutes", "minutes_html", "recording_url", "transcript_url", "updated_at"])
    hearing.documents.all().delete()
    HearingDocument.objects.bulk_create(
        HearingDocument(hearing=hearing, title=title[:200], url=url, position=index)
        for index, (title, url) in enumerate(documents)
    )
    audit_record(actor=actor, action="hearing.outcome_saved", target=hearing)
    return hearing


@transaction.atomic
def hearing_transition(*, hearing: Hearing, to_status: str, actor, reason: str = "") -> Hearing:
    """The only code path that changes a hearing's status.

    Locks the row, checks permission (`actor=None` is the system) and the table, logs the change. Postponing
    or cancelling tells everyone concerned; finishing records "discussed at" on each agenda proposal.
    """
    if actor is not None:
        _require_manager(actor)
    locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
    HEARING_LIFECYCLE.check(locked.status, to_status)
    from_status = locked.status
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
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
        _notify_audience(locked, kind=kind, exclude=actor)
    elif to_status == H.SCHEDULED:
        _fill_seats(locked)
    return locked


# --- agenda ---------------------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_save(
    *,
    actor,
    hearing: Hearing,
    data: dict,
    proposal_ids: list[int] = (),
    article_ids: list[int] = (),
    item: AgendaItem | None = None,
) -> AgendaItem:
    """An agenda item with its time slot and speakers, linked to public proposals and articles of the
    hearing's consultation (others are refused)."""
    _require_manager(actor)
    proposal_ids = sorted(set(proposal_ids))
    article_ids = sorted(set(article_ids))
    proposals = Proposal.objects.filter(
        pk__in=proposal_ids, consultation=hearing.consultation, status__in=PUBLIC_STATUSES
    )
    if proposals.count() != len(proposal_ids):
        raise ValidationError({"proposals": _("Choose published proposals of this consultation.")})
    from ..models import ArticleIdentity

    articles = ArticleIdentity.objects.filter(pk__in=article_ids, document__consultation=hearing.consultation)
    if articles.count() != len(article_ids):
        raise ValidationError({"articles": _("Choose articles of this consultation's documents.")})
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts and ends and ends <= starts:
        raise ValidationError({"ends_at": _("The item must end after it starts.")})
    if item is None:
        item = AgendaItem(hearing=hearing)
        if data.get("position") is None:
            last = hearing.agenda_items.aggregate(last=Max("position"))["last"]
            data = {**data, "position": (last or 0) + 1}
    for name in ("title_kk", "title_ru", "title_en", "starts_at", "ends_at", "speakers", "position"):
        if name in data and data[name] is not None:
            setattr(item, name, data[name])
    if not (item.title_kk or item.title_ru or item.title_en):
        raise ValidationError({"title_kk": _("Give the item a title in at least one language.")})
    item.save()
    before = set(item.proposals.values_list("pk", flat=True))
    item.proposals.set(proposals)
    item.articles.set(articles)
    _notify_scheduled(hearing, [p for p in proposals if p.pk not in before], exclude=actor)
    return item


def _notify_scheduled(hearing: Hearing, proposals: list[Proposal], *, exclude=None) -> None:
    """Authors and followers of proposals newly put on the agenda learn when they will be discussed."""
    from ..models import Follow

    if not proposals:
        return
    people = {p.author_id for p in proposals}
    people |= set(Follow.objects.filter(proposal__in=proposals).values_list("user_id", flat=True))
    _notify_users(hearing, people, kind="hearing.scheduled", category="hearings", exclude=exclude)


@transaction.atomic
def agenda_item_delete(*, actor, item: AgendaItem) -> None:
    _require_manager(actor)
    item.delete()


# --- registrations --------------------------------------------------------------------------------------


def _active(hearing_id: int):
    return HearingRegistration.objects.filter(hearing_id=hearing_id).exclude(status=R.CANCELLED)


def hearing_register(*, user, hearing: Hearing) -> HearingRegistration:
    """Gives `user` a seat, or a place on the waiting list once every seat is taken.

    The hearing row is locked while seats are counted and the row is written, so parallel registrations are
    serialised: the capacity is never exceeded and the waiting list keeps the order in which people came. A
    second registration by the same person returns the first.
    """
    refusal = permissions.hearing_registration_refusal(user, hearing)
    if refusal:
        raise PermissionDenied(refusal)
    with transaction.atomic():
        locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
        if not locked.registration_is_open():
            raise PermissionDenied(_("Registration for this hearing is not open."))
        existing = _active(locked.pk).filter(user=user).first()
        if existing is not None:
            return existing
        taken = _active(locked.pk).filter(status=R.REGISTERED).count()
        registration = HearingRegistration.objects.create(
            hearing=locked,
            user=user,
            status=R.REGISTERED if taken < locked.capacity else R.WAITLISTED,
            code=secrets.token_urlsafe(12),
            created_at=timezone.now(),
        )
        _send_registration_email(registration, hearing=locked, user=user)
        # In the notification centre too; the email with the code is the one just sent.
        _notify_users(
            locked,
            [user.pk],
            kind="hearing.registered" if registration.status == R.REGISTERED else "hearing.waitlisted",
            category="hearings",
            email=False,
        )
    return registration


def hearing_registration_cancel(
    *, registration: HearingRegistration, user=None, by_signed_link: bool = False
) -> HearingRegistration | None:
    """Cancels a registration (by its owner, or through the signed link of its email).

    A freed seat goes to the first person on the waiting list, who is told and emailed; returns that
    person's registration, if any. Cancelling twice does nothing more.
    """
    with transaction.atomic():
        Hearing.objects.select_for_update().filter(pk=registration.hearing_id).first()
        locked = HearingRegistration.objects.select_for_update().get(pk=registration.pk)
        if not by_signed_link and not permissions.can_cancel_hearing_registration(user, locked):
            raise PermissionDenied(_("You may not cancel this registration."))
        if locked.status == R.CANCELLED:
            return None
        locked.status = R.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["status", "cancelled_at"])
        promoted = _fill_seats(Hearing.objects.get(pk=locked.hearing_id))
    return promoted[0] if promoted else None


def _fill_seats(hearing: Hearing) -> list[HearingRegistration]:
    """Moves people from the waiting list into free seats, first come first served (hearing row locked)."""
    if hearing.status != H.SCHEDULED:
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
        _notify_users(hearing, [registration.user_id], kind="hearing.promoted", category="hearings")
    return waiting


def cancel_token(registration: HearingRegistration) -> str:
    return signing.dumps({"r": registration.pk, "c": registration.code}, salt=CANCEL_SALT, compress=True)


def registration_from_token(token: str) -> HearingRegistration | None:
    try:
        data = signing.loads(token, salt=CANCEL_SALT)
    except signing.BadSignature:
        return None
    registration = HearingRegistration.objects.select_related("hearing").filter(pk=data.get("r")).first()
    if registration is None or not secrets.compare_digest(registration.code, str(data.get("c", ""))):
        return None
    return registration


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def _send_registration_email(registration, *, hearing: Hearing, user, promoted: bool = False) -> None:
    """The confirmation with the registration code and a signed cancel link, in the person's language."""
    from portal.notifications.email import email_queue

    with translation.override(user.preferred_language or "kk"):
        context = {
            "user": user,
            "hearing": hearing,
            "title": hearing.translated("title"),
            "registration": registration,
            "promoted": promoted,
            "start": _local(hearing.starts_at),
            "hearing_url": settings.SITE_URL + hearing.get_absolute_url(),
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
    email_queue(message=EmailMessage(subject=f"[Qatysu] {subject}", body=body, to=[user.email]))


# --- speakers -------------------------------------------------------------------------------------------


@transaction.atomic
def speaker_request_create(
    *, user, hearing: Hearing, proposal: Proposal, message: str = ""
) -> SpeakerRequest:
    refusal = permissions.speaker_request_refusal(user, hearing, proposal)
    if refusal:
        raise PermissionDenied(refusal)
    try:
        with transaction.atomic():
            return SpeakerRequest.objects.create(
                hearing=hearing, proposal=proposal, user=user, message=message.strip()[:1000]
            )
    except IntegrityError:
        raise ValidationError(_("You already asked to present this proposal at this hearing.")) from None


@transaction.atomic
def speaker_request_decide(
    *, speaker_request: SpeakerRequest, actor, accept: bool, note: str = ""
) -> SpeakerRequest:
    """Accepts (the speaker joins the agenda item of their proposal, or a new one) or declines with a note;
    the requester is told either way."""
    _require_manager(actor)
    locked = (
        SpeakerRequest.objects.select_for_update()
        .select_related("proposal", "hearing")
        .get(pk=speaker_request.pk)
    )
    if locked.status != SpeakerRequest.Status.PENDING:
        raise ValidationError(_("This request is already decided."))
    locked.status = SpeakerRequest.Status.ACCEPTED if accept else SpeakerRequest.Status.DECLINED
    locked.decision_note = note.strip()
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    if accept:
        item = locked.hearing.agenda_items.filter(proposals=locked.proposal).first()
        if item is None:
            last = locked.hearing.agenda_items.aggregate(last=Max("position"))["last"]
            item = AgendaItem.objects.create(
                hearing=locked.hearing,
                position=(last or 0) + 1,
                **{f"title_{locked.proposal.language}": locked.proposal.title},
            )
            item.proposals.add(locked.proposal)
        locked.agenda_item = item
    locked.save()
    _notify_users(
        locked.hearing,
        [locked.user_id],
        kind="hearing.speaker_accepted" if accept else "hearing.speaker_declined",
        category="hearings",
        extra={"proposal": locked.proposal.title, "note": locked.decision_note or "—"},
    )
    return locked


# --- notifications --------------------------------------------------------------------------------------


def hearing_audience(hearing: Hearing) -> set[int]:
    """Everyone registered or waiting, and the followers of the proposals on the agenda."""
    registered = set(_active(hearing.pk).values_list("user_id", flat=True))
    followers = set(
        Follow.objects.filter(proposal__agenda_items__hearing=hearing).values_list("user_id", flat=True)
    )
    return registered | followers


def _notify_audience(hearing: Hearing, *, kind: str, exclude=None) -> int:
    return _notify_users(hearing, hearing_audience(hearing), kind=kind, category="hearings", exclude=exclude)


def _notify_users(
    hearing: Hearing,
    user_ids,
    *,
    kind: str,
    category: str,
    exclude=None,
    extra: dict | None = None,
    email: bool = True,
) -> int:
    """Notifies each person with the hearing's title in their own language."""
    from portal.accounts.models import User
    from portal.notifications.services import notify

    by_language: dict[str, list[int]] = defaultdict(list)
    for pk, language in User.objects.filter(pk__in=set(user_ids)).values_list("pk", "preferred_language"):
        by_language[language or "kk"].append(pk)
    sent = 0
    for language, ids in by_language.items():
        params = {
            "title": hearing.translated("title", language),
            "start": _local(hearing.starts_at),
            "venue": hearing.venue or "—",
            **(extra or {}),
        }
        sent += notify(
            recipients=ids,
            category=category,
            kind=kind,
            params=params,
            url=hearing.get_absolute_url(),
            exclude=exclude,
            email=email,
        )
    return sent


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
            _notify_users(hearing, [user_id], kind="hearing.reminder", category="reminders")
            sent += 1
    return sent
