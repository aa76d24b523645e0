"""Raising notifications and delivering digests exactly once per person and period."""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from portal.core.formats import format_when
from portal.core.queue import enqueue_on_commit
from portal.core.reader_generations import readers_changed

from .messages import MESSAGES, link_in, render_message
from .models import (
    DEFAULT_FREQUENCIES,
    Category,
    DigestDelivery,
    Frequency,
    Notification,
    Preference,
    SuppressedAddress,
)
from .staff_work import notices_told
from .subject import email_subject

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


# --- preferences ---------------------------------------------------------------------------------------


def preferences_of(user) -> dict[str, str]:
    chosen = dict(Preference.objects.filter(user=user).values_list("category", "frequency"))
    return {category: chosen.get(category, DEFAULT_FREQUENCIES[category]) for category in Category.values}


def preference_set(*, user, category: str, frequency: str) -> None:
    if category not in Category.values or frequency not in Frequency.values:
        raise ValueError("unknown category or frequency")
    was_off = preferences_of(user)[category] == Frequency.OFF
    Preference.objects.update_or_create(user=user, category=category, defaults={"frequency": frequency})
    if (frequency == Frequency.OFF) != was_off:
        # Nothing of a category switched off is mailed: no digest reads it again day after day, nor does the
        # next email once it is back on (it carried a month of old news, led by the oldest in its subject).
        Notification.objects.filter(recipient=user, category=category, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )


def _users_with_frequency(user_ids: Iterable[int], category: str, frequency: str) -> set[int]:
    user_ids = set(user_ids)
    explicit = dict(
        Preference.objects.filter(user_id__in=user_ids, category=category).values_list("user_id", "frequency")
    )
    default = DEFAULT_FREQUENCIES[category]
    return {uid for uid in user_ids if explicit.get(uid, default) == frequency}


# --- raising -------------------------------------------------------------------------------------------


def notify(
    *,
    recipients: Iterable,
    category: str,
    kind: str,
    params: dict,
    url: str = "",
    exclude=None,
    email: bool = True,
) -> int:
    """Records a notification for each recipient (deduplicated; `exclude`, usually the actor, left out).

    Those who want this category immediately get an email once the transaction commits. `email=False` is for
    events whose email the service sends itself (a hearing registration with its code): in-app only. Staff
    without a second factor read of staff work only that it waits (`staff_work.notices_told`).
    """
    if kind not in MESSAGES:
        raise ValueError(f"notification kind {kind!r} has no registered text")
    recipient_ids = {getattr(r, "pk", r) for r in recipients if r is not None}
    if exclude is not None:
        recipient_ids.discard(getattr(exclude, "pk", exclude))
    if not recipient_ids:
        return 0
    # Off: never to be mailed, so that no digest reads it again (see `preference_set`).
    unmailed = _users_with_frequency(recipient_ids, category, Frequency.OFF) if email else recipient_ids
    now, fields = timezone.now(), {"category": category, "url": url}
    told = notices_told(recipient_ids, category=category, kind=kind, params=params)
    Notification.objects.bulk_create(
        Notification(recipient_id=uid, emailed_at=now if uid in unmailed else None, **told[uid], **fields)
        for uid in recipient_ids
    )
    readers_changed(recipient_ids)  # their unread count, on every page they read
    if not email:
        return len(recipient_ids)
    immediate = _users_with_frequency(recipient_ids, category, Frequency.IMMEDIATE)
    if immediate:
        # Without a broker the emails go out in-process: the person asked for them immediately.
        enqueue_on_commit(
            "portal.notifications.tasks.send_immediate_notifications",
            sorted(immediate),
            on_failure=_immediate_send_now,
        )
    return len(recipient_ids)


def _immediate_send_now(user_ids: list[int]) -> None:
    """Without a broker the email goes out from this process. If the mail server fails as well, the
    notification stays in the person's centre and the email is not sent: the write already committed."""
    try:
        immediate_send(user_ids=user_ids)
    except Exception:
        logger.exception("immediate notification email not sent (no broker, mail server failed)")


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None, up_to: int | None = None):
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    if up_to is not None:
        queryset = queryset.filter(pk__lte=up_to)
    marked = queryset.update(read_at=timezone.now())
    readers_changed([user.pk] if marked else ())
    return marked


# Links per query: SQLite refuses a statement with too many parameters.
WITHDRAW_CHUNK = 300


def notifications_withdraw(*, urls: Iterable[str], keep_for: int | None = None) -> int:
    """Removes every notification that links to one of `urls` (a page, or a part of it: `…/#comment-9`, on
    whichever page of it, `…/?page=2#comment-9`), in whichever language it was raised, except those of
    `keep_for` (the content's author); a page's link takes its parts with it. Returns how many went.

    For content moderation hides: a notification repeats its title, which may be why it was hidden (a name,
    a phone number), and a digest or the centre would show it to followers after the page stopped doing so.
    """
    codes = [code for code, _name in settings.LANGUAGES]
    links = []
    for url in urls:
        prefix = next((f"/{code}" for code in codes if url.startswith(f"/{code}/")), None)
        if prefix is not None:  # a page of ours under a language prefix
            links.extend(f"/{code}{url.removeprefix(prefix)}" for code in codes)
    withdrawn = 0
    for start in range(0, len(links), WITHDRAW_CHUNK):
        chunk = links[start : start + WITHDRAW_CHUNK]
        match = Q(url__in=chunk)
        for link in chunk:
            page, _hash, part = link.partition("#")
            page = page.partition("?")[0]
            if part:  # the part wherever on the page (`…/?page=2#comment-9`), however the link was written
                match |= Q(url__startswith=f"{page}?", url__endswith=f"#{part}") | Q(url=f"{page}#{part}")
            else:
                match |= Q(url__startswith=f"{page}#") | Q(url__startswith=f"{page}?")
        notifications = Notification.objects.filter(match)
        if keep_for is not None:
            notifications = notifications.exclude(recipient_id=keep_for)
        readers_changed(notifications.filter(read_at__isnull=True).values_list("recipient_id", flat=True))
        withdrawn += notifications.delete()[0]
    return withdrawn


# --- unsubscribe tokens ---------------------------------------------------------------------------------


def _address_key(email: str) -> str:
    """A keyed, truncated fingerprint of an address: the token names the address without carrying it (a URL
    ends up in logs and browser histories)."""
    digest = salted_hmac(f"{UNSUBSCRIBE_SALT}.address", email.strip().lower(), algorithm="sha256")
    return digest.hexdigest()[:16]


def unsubscribe_token(*, user_id: int, category: str | None, email: str | None = None) -> str:
    """A signed, non-expiring token (RFC 8058 links live as long as the email) naming the person, the
    category (None: all email) and the address it is sent to (by default the person's address now): it
    stops working when the account's address changes, so a forwarded or recycled mailbox cannot use it."""
    if email is None:
        email = get_user_model().objects.filter(pk=user_id).values_list("email", flat=True).first() or ""
    return signing.dumps(
        {"u": user_id, "c": category or "*", "a": _address_key(email)}, salt=UNSUBSCRIBE_SALT, compress=True
    )


def unsubscribe_url(*, user_id: int, category: str | None, email: str | None = None) -> str:
    token = unsubscribe_token(user_id=user_id, category=category, email=email)
    return settings.SITE_URL + reverse("notifications_unsubscribe", kwargs={"token": token})


def unsubscribe_read(token: str) -> tuple[int, str | None] | None:
    """(person, category) of a genuine token whose address is still the person's; None otherwise (forged,
    tampered, sent to an address the account no longer has, or made before tokens named the address)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not data.get("a"):
        return None
    category = None if data.get("c") == "*" else data.get("c")
    if category is not None and category not in Category.values:
        return None
    email = get_user_model().objects.filter(pk=data["u"]).values_list("email", flat=True).first()
    if email is None or not constant_time_compare(_address_key(email), str(data["a"])):
        return None
    return data["u"], category


def unsubscribe_apply(*, user_id: int, category: str | None) -> None:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return
    for name in [category] if category else Category.values:
        preference_set(user=user, category=name, frequency=Frequency.OFF)


# --- emails --------------------------------------------------------------------------------------------


def address_is_suppressed(email: str) -> bool:
    """The address refused a message for good (a hard bounce, or an admin listed it): nothing goes there."""
    return SuppressedAddress.objects.filter(email__iexact=email).exists()


def suppress_address(*, email: str, reason: str) -> None:
    SuppressedAddress.objects.get_or_create(email=email.lower(), defaults={"reason": reason[:200]})


# Items of one category an email lists; the rest are counted, with a link to the centre. A popular proposal's
# author got a digest of two thousand comments, nearly a megabyte that mail clients cut short or refuse.
EMAIL_ITEMS_PER_CATEGORY = 20


@dataclass
class _Group:
    label: str
    items: list[dict]
    more: int
    unsubscribe_url: str


def _grouped(notifications: list[Notification], *, user) -> list[_Group]:
    """Per category: its label, its newest EMAIL_ITEMS_PER_CATEGORY items in order, how many more there are,
    and the one-click link that stops this category's email."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for item in sorted(notifications, key=lambda n: (n.created_at, n.pk)):
        url = link_in(item.url, user.preferred_language)
        groups[item.category].append(
            {
                "text": render_message(item.kind, item.params),
                "url": settings.SITE_URL + url if url.startswith("/") else url,
                "created_at": item.created_at,
                # The zone is named once, under the list: a week of "(Almaty time)" after each item is noise.
                "when": ", ".join(format_when(item.created_at, kind) for kind in ("date_long", "time")),
            }
        )
    labels = dict(Category.choices)
    return [
        _Group(
            label=str(labels[category]),
            items=groups[category][-EMAIL_ITEMS_PER_CATEGORY:],
            more=max(0, len(groups[category]) - EMAIL_ITEMS_PER_CATEGORY),
            unsubscribe_url=unsubscribe_url(user_id=user.pk, category=category, email=user.email),
        )
        for category in Category.values
        if category in groups
    ]


def message_id(kind: str, key: str) -> str:
    """A Message-ID fixed for one delivery: a message sent again after a crash carries the same one, so
    mail clients show it once (RFC 5322 identifies a message by it)."""
    domain = urlsplit(settings.SITE_URL).hostname or "qatysu.local"
    return f"<{kind}.{key}@{domain}>"


def build_email(
    *,
    user,
    notifications: list[Notification],
    subject: str,
    category: str | None,
    connection=None,
    msgid: str | None = None,
    dated: bool = False,
) -> mail.EmailMultiAlternatives:
    """A message in the person's language with both parts and RFC 8058 one-click unsubscribe headers;
    `dated` (a digest) writes when each thing happened, as the reader's language writes a date."""
    with translation.override(user.preferred_language):
        link = unsubscribe_url(user_id=user.pk, category=category, email=user.email)
        context = {
            "user": user,
            "groups": _grouped(notifications, user=user),
            "unsubscribe_url": link,
            "preferences_url": settings.SITE_URL + reverse("notifications_preferences"),
            "centre_url": settings.SITE_URL + reverse("notifications_centre"),
            "site_url": settings.SITE_URL,
            "subject": subject,
            "dated": dated,
        }
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
        message = mail.EmailMultiAlternatives(
            # A subject is one header line: a moderator's reason quoted in it may have line breaks, and Django
            # refuses such a message (the person's later emails with it, as it stays the oldest unsent one).
            subject=f"[Qatysu] {' '.join(subject.split())}",
            body=text,
            to=[user.email],
            headers={
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Content-Language": user.preferred_language,
                **({"Message-ID": msgid} if msgid else {}),
            },
            connection=connection,
        )
        message.attach_alternative(html, "text/html")
    return message


# --- digests -------------------------------------------------------------------------------------------


def digest_period(frequency: str, now: datetime) -> tuple[str, datetime]:
    """The period a run at `now` closes: yesterday (daily) or last ISO week (weekly), in local time."""
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == Frequency.DAILY:
        return (midnight - timedelta(days=1)).strftime("%Y-%m-%d"), midnight
    week_start = midnight - timedelta(days=midnight.weekday())
    year, week, _day = (week_start - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}", week_start


def digest_plan(*, frequency: str, now: datetime | None = None) -> int:
    """Creates the pending delivery rows of the period for everyone with something to receive.

    Idempotent: the unique (user, frequency, period) key makes a second run create nothing.
    """
    period, period_end = digest_period(frequency, now or timezone.now())
    categories = list(Category.values)
    pending = Notification.objects.filter(emailed_at__isnull=True, created_at__lt=period_end)
    candidates = pending.values_list("recipient_id", "category").distinct()
    by_user: dict[int, set[str]] = defaultdict(set)
    for user_id, category in candidates.iterator(chunk_size=5000):
        by_user[user_id].add(category)
    wanted = []
    for category in categories:
        users = [uid for uid, cats in by_user.items() if category in cats]
        for uid in _users_with_frequency(users, category, frequency):
            wanted.append(uid)
    rows = [
        DigestDelivery(user_id=uid, frequency=frequency, period=period, period_end=period_end)
        for uid in sorted(set(wanted))
    ]
    DigestDelivery.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


CLAIM_CHUNK = 25


def digest_send_batch(*, frequency: str, batch_size: int = 200) -> int:
    """Sends up to `batch_size` pending deliveries; returns how many were done.

    Rows are claimed CLAIM_CHUNK at a time (`SKIP LOCKED`, marked `sending` with a token, committed), their
    recipients' preferences, suppressions and notifications read in three queries, then each delivery commits
    on its own with its notifications marked emailed, in the transaction that sends it. A failure hands the
    unsent rest of the chunk back; a killed worker's claims go back to pending through `digest_claims_reset`.
    """
    done = 0
    connection = mail.get_connection()
    connection.open()
    try:
        while done < batch_size:
            token = uuid.uuid4().hex
            with transaction.atomic():
                claimed = list(
                    DigestDelivery.objects.select_for_update(skip_locked=True)
                    .filter(status=DigestDelivery.Status.PENDING, frequency=frequency)
                    .order_by("id")
                    .values_list("pk", flat=True)[: min(CLAIM_CHUNK, batch_size - done)]
                )
                if not claimed:
                    break
                DigestDelivery.objects.filter(pk__in=claimed).update(
                    status=DigestDelivery.Status.SENDING, claim_token=token, claimed_at=timezone.now()
                )
            deliveries = list(
                DigestDelivery.objects.filter(pk__in=claimed).select_related("user").order_by("id")
            )
            chunk = _ChunkData.load(deliveries)
            remaining = list(claimed)
            try:
                for delivery in deliveries:
                    with transaction.atomic():
                        _deliver(delivery, connection, chunk=chunk, token=token)
                    remaining.remove(delivery.pk)
                    done += 1
            except BaseException:
                DigestDelivery.objects.filter(
                    pk__in=remaining, status=DigestDelivery.Status.SENDING, claim_token=token
                ).update(status=DigestDelivery.Status.PENDING, claim_token="")
                raise
    finally:
        connection.close()
    return done


def digest_claims_reset(*, older_than: timedelta | None = None) -> int:
    """Hands claims of a worker that died back to pending (the resume sweep calls this first)."""
    older_than = older_than if older_than is not None else settings.DIGEST_CLAIM_STALE_AFTER
    return DigestDelivery.objects.filter(
        status=DigestDelivery.Status.SENDING, claimed_at__lt=timezone.now() - older_than
    ).update(status=DigestDelivery.Status.PENDING, claim_token="")


@dataclass
class _ChunkData:
    """What a chunk of deliveries needs, read in three queries instead of three per person."""

    frequencies: dict[int, dict[str, str]]
    suppressed: set[str]
    pending: dict[int, list[Notification]]

    @classmethod
    def load(cls, deliveries: list[DigestDelivery]) -> _ChunkData:
        user_ids = [d.user_id for d in deliveries]
        explicit: dict[int, dict[str, str]] = defaultdict(dict)
        for uid, category, frequency in Preference.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "category", "frequency"
        ):
            explicit[uid][category] = frequency
        frequencies = {
            uid: {c: explicit[uid].get(c, DEFAULT_FREQUENCIES[c]) for c in Category.values}
            for uid in user_ids
        }
        emails = [d.user.email.lower() for d in deliveries]
        suppressed = set(SuppressedAddress.objects.filter(email__in=emails).values_list("email", flat=True))
        latest_end = max(d.period_end for d in deliveries)
        pending: dict[int, list[Notification]] = defaultdict(list)
        for item in Notification.objects.filter(
            recipient_id__in=user_ids, emailed_at__isnull=True, created_at__lt=latest_end
        ).order_by("created_at", "id"):
            pending[item.recipient_id].append(item)
        return cls(frequencies=frequencies, suppressed=suppressed, pending=pending)


def _categories_for(user, frequency: str) -> list[str]:
    prefs = preferences_of(user)
    return [category for category, chosen in prefs.items() if chosen == frequency]


def _deliver(delivery: DigestDelivery, connection, *, chunk: _ChunkData, token: str) -> None:
    """Writes the delivery's outcome, then sends, inside the caller's transaction: the commit right after the
    send is the only moment a crash could cost a second copy, and that copy has the same Message-ID."""
    locked = DigestDelivery.objects.select_for_update().filter(pk=delivery.pk).values("status", "claim_token")
    row = locked.first()
    if row is None or row["status"] != DigestDelivery.Status.SENDING or row["claim_token"] != token:
        return  # handed back as stale and taken by another chain: theirs now
    user = delivery.user
    delivery.attempts += 1
    wanted = {c for c, chosen in chunk.frequencies[user.pk].items() if chosen == delivery.frequency}
    notifications = [
        n
        for n in chunk.pending.get(user.pk, [])
        if n.category in wanted and n.created_at < delivery.period_end
    ]
    now = timezone.now()
    message = None
    if not notifications:
        delivery.status = DigestDelivery.Status.EMPTY
    elif not user.is_active or user.email.lower() in chunk.suppressed:
        delivery.status = DigestDelivery.Status.SUPPRESSED
    else:
        with translation.override(user.preferred_language):
            subject = _digest_subject(delivery)
        message = build_email(
            user=user,
            notifications=notifications,
            subject=subject,
            category=None,
            connection=connection,
            msgid=message_id("digest", f"{delivery.pk}.{delivery.period}"),
            dated=True,
        )
        delivery.status = DigestDelivery.Status.SENT
        delivery.sent_at = now
    delivery.notifications_count = len(notifications)
    delivery.claim_token = ""
    delivery.save(update_fields=["status", "attempts", "sent_at", "notifications_count", "claim_token"])
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        emailed_at=now, delivery=delivery
    )
    if message is not None and not send_or_suppress(message, user.email):
        delivery.status, delivery.sent_at = DigestDelivery.Status.SUPPRESSED, None
        delivery.save(update_fields=["status", "sent_at"])


def _digest_subject(delivery: DigestDelivery) -> str:
    """Names the day or the week the digest covers: with one subject every day, mail clients ran a month of
    digests into one conversation, and a reader could not find one day's news."""
    last_day = timezone.localtime(delivery.period_end).date() - timedelta(days=1)
    if delivery.frequency == Frequency.DAILY:
        return _("Your daily digest: %(day)s") % {"day": format_when(last_day, "date_long")}
    return _("Your weekly digest: %(first)s – %(last)s") % {
        "first": format_when(last_day - timedelta(days=6), "date_long"),
        "last": format_when(last_day, "date_long"),
    }


def send_or_suppress(message, address: str) -> bool:
    """Sends; a permanent refusal of the address (5xx) puts it on the suppression list and returns False.

    Temporary failures (4xx, connection errors) propagate, so the task retries with backoff and the
    transaction leaves the delivery pending.
    """
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as refused:
        codes = [code for code, _text in refused.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            suppress_address(email=address, reason=f"permanent refusal {codes[0]}")
            logger.warning("address suppressed after a permanent refusal (%s)", codes[0])
            return False
        raise
    return True


def immediate_send(*, user_ids: list[int]) -> int:
    """Emails each person their unsent immediate-category notifications over one SMTP connection; each person
    is locked, and their notifications marked, in the transaction that sends."""
    sent = 0
    connection = mail.get_connection()
    connection.open()
    try:
        for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True):
            with transaction.atomic():
                get_user_model().objects.select_for_update().filter(pk=user.pk).first()
                categories = _categories_for(user, Frequency.IMMEDIATE)
                notifications = list(
                    Notification.objects.select_for_update()
                    .filter(recipient=user, emailed_at__isnull=True, category__in=categories)
                    .order_by("created_at", "id")
                )
                if not notifications or address_is_suppressed(user.email):
                    continue
                with translation.override(user.preferred_language):
                    subject = render_message(notifications[0].kind, notifications[0].params)
                carried = sorted({n.category for n in notifications})
                message = build_email(
                    user=user,
                    notifications=notifications,
                    subject=email_subject(subject),
                    # The email's unsubscribe link stops what it carries: its one category, or all of them.
                    category=carried[0] if len(carried) == 1 else None,
                    connection=connection,
                    msgid=message_id("notification", f"{notifications[0].pk}.{len(notifications)}"),
                )
                Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
                    emailed_at=timezone.now()
                )
                if send_or_suppress(message, user.email):
                    sent += 1
    finally:
        connection.close()
    return sent


def digest_has_unsent(frequency: str) -> bool:
    return DigestDelivery.objects.filter(status=DigestDelivery.Status.PENDING, frequency=frequency).exists()


def digest_frequencies_pending() -> list[str]:
    """Frequencies with deliveries still pending: what the resume sweep restarts after a crash."""
    digest_claims_reset()
    return sorted(
        DigestDelivery.objects.filter(status=DigestDelivery.Status.PENDING)
        .values_list("frequency", flat=True)
        .distinct()
    )
