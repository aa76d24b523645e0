"""Personal data: consent to the privacy notice, "download my data", account deletion, retention, and staff
access to personal details on the record. Writes are keyword-only services; tasks call them."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import secrets
import time
import zipfile
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.permissions import can_delete_account, can_reveal_personal_details
from portal.core import registries
from portal.core.audit import audit_record
from portal.core.exports import at, iso, rows_export
from portal.core.formats import format_when
from portal.core.queue import enqueue_on_commit
from portal.core.ratelimit import address_within, rate_limit_hit
from portal.core.reader_generations import readers_changed
from portal.notifications.email import email_queue

from .invitations import normalised_email
from .models import (
    ConsentRecord,
    DataExport,
    IdentityVerification,
    OrganisationInvitation,
    PrivacyNotice,
    SignatureChallenge,
    User,
)
from .verification.services import identity_verification_erase

# Erasures and deletion requests are also log lines (by account number only), kept outside the database: a
# restored backup has lost the ones made after its dump, and `manage.py erase_accounts` replays them from
# these lines (docs/DEPLOYMENT.md, "Backups and the restore drill").
logger = logging.getLogger(__name__)

_CURRENT_NOTICE_TTL = 60.0
_current_notice_cache: dict = {}


# --- Consent -------------------------------------------------------------------------------------------


def current_notice_version() -> int:
    """The version in force, memoised in the process for a minute: the consent check runs on every request."""
    cached = _current_notice_cache.get("version")
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    notice = PrivacyNotice.objects.order_by("-version").values_list("version", flat=True).first()
    version = notice or 0
    _current_notice_cache["version"] = (version, time.monotonic() + _CURRENT_NOTICE_TTL)
    return version


def forget_current_notice() -> None:
    _current_notice_cache.clear()


def current_notice() -> PrivacyNotice | None:
    return PrivacyNotice.objects.order_by("-version").first()


def needs_consent(user) -> bool:
    return user.is_authenticated and user.privacy_notice_version < current_notice_version()


@transaction.atomic
def privacy_notice_publish(*, text_kk: str, text_ru: str, text_en: str) -> PrivacyNotice:
    """A new version; everyone is asked to accept it at their next request while logged in."""
    latest = PrivacyNotice.objects.select_for_update().order_by("-version").first()
    notice = PrivacyNotice.objects.create(
        version=(latest.version if latest else 0) + 1, text_kk=text_kk, text_ru=text_ru, text_en=text_en
    )
    transaction.on_commit(forget_current_notice)
    forget_current_notice()
    return notice


@transaction.atomic
def consent_accept(*, user: User, version: int) -> ConsentRecord:
    """Records that `user` accepted notice `version` (which must exist)."""
    if not PrivacyNotice.objects.filter(version=version).exists():
        raise ValidationError(_("This version of the privacy notice does not exist."))
    record = ConsentRecord.objects.create(user=user, version=version)
    if version > user.privacy_notice_version:
        User.objects.filter(pk=user.pk).update(privacy_notice_version=version)
        readers_changed([user.pk])  # an update sends no signal; the pages ask for consent until then
        user.privacy_notice_version = version
    return record


# --- Download my data ----------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Each request builds an archive of everything the person did: a script repeating the request, or many
# throw-away accounts behind one address, would keep the workers building archives nobody reads.
EXPORTS_PER_ACCOUNT_PER_DAY = 5
EXPORTS_PER_ADDRESS_PER_HOUR = 20


@transaction.atomic
def data_export_request(*, user: User, session_key: str, ip: str | None = None) -> tuple[DataExport, str]:
    """Starts building an archive; returns the export and the plain download token (shown to the owner)."""
    if not user.is_authenticated or not session_key:
        raise PermissionDenied(_("Sign in to download your data."))
    _check_export_pace(user=user, ip=ip)
    token = secrets.token_urlsafe(32)
    export = DataExport.objects.create(
        user=user,
        session_key=session_key,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + settings.PRIVACY_EXPORT_LINK_LIFETIME,
    )
    # Without a broker the archive is built in the request instead: the person is waiting for it.
    enqueue_on_commit(
        "portal.accounts.tasks.build_data_export",
        export.pk,
        on_failure=lambda pk: data_export_build(export_id=pk),
    )
    return export, token


def _check_export_pace(*, user: User, ip: str | None) -> None:
    within = rate_limit_hit(
        scope="export-account", key=str(user.pk), limit=EXPORTS_PER_ACCOUNT_PER_DAY, period_seconds=86400
    )
    within = within and address_within(
        ip, scope="export-ip", limit=EXPORTS_PER_ADDRESS_PER_HOUR, period_seconds=3600
    )
    if not within:
        raise ValidationError(
            _(
                "You asked for your data too many times in a short while. Download the archive you asked "
                "for last, or ask again later."
            )
        )


def profile_of(user: User) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "public_name": user.display_name,
        "legal_first_name": user.first_name,
        "legal_last_name": user.last_name,
        "preferred_language": user.preferred_language,
        "joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
    }


def verification_of(user: User) -> dict:
    """Reported as a status only: the IIN is never stored and its fingerprint is not exported."""
    verification = IdentityVerification.objects.filter(user=user).first()
    return {
        "verified": verification is not None,
        "method": verification.method if verification else None,
        "verified_at": iso(verification.verified_at) if verification else None,
    }


organisations_of = rows_export(
    lambda user: user.memberships.select_related("organisation"),
    {
        "organisation": lambda membership: membership.organisation.name,
        "role": "role",
        "may_act_on_behalf": "can_act_on_behalf",
    },
)
organisation_invitations_of = rows_export(
    # Those sent to the person's addresses; the ones they sent name other people's addresses.
    lambda user: OrganisationInvitation.objects.filter(email__in=_addresses_of(user)).select_related(
        "organisation"
    ),
    {
        "organisation": lambda invitation: invitation.organisation.name,
        "role": "role",
        "may_act_on_behalf": "can_act_on_behalf",
        "status": "status",
        "sent": at("created_at"),
        "answered": at("answered_at"),
    },
)


def _addresses_of(user: User) -> set[str]:
    return {
        normalised_email(user.email),
        *map(normalised_email, user.emailaddress_set.values_list("email", flat=True)),
    }


account_blocks_of = rows_export(
    lambda user: user.blocks,
    {"until": at("blocked_until"), "reason": "reason", "lifted_at": at("lifted_at")},
)
consents_of = rows_export(
    lambda user: ConsentRecord.objects.filter(user=user),
    {"version": "version", "accepted_at": at("accepted_at")},
)
api_tokens_of = rows_export(
    lambda user: user.api_tokens,
    {"name": "name", "created_at": at("created_at"), "revoked_at": at("revoked_at")},
)


def personal_data_of(user: User) -> dict[str, list | dict]:
    """Everything the portal holds about `user`, as JSON-ready data, one entry per file of the archive: each
    app's registered parts (`registries.personal_data`), in the order the apps registered them."""
    return {part.name: part.export(user) for part in registries.personal_data if part.export is not None}


def data_export_build(*, export_id: int) -> DataExport | None:
    """Writes the ZIP of a pending export under a random name. Twice is once: only a pending one builds."""
    claimed = DataExport.objects.filter(pk=export_id, status=DataExport.Status.PENDING).update(
        status=DataExport.Status.BUILDING, progress=5
    )
    if not claimed:
        return None
    export = DataExport.objects.select_related("user").get(pk=export_id)
    try:
        sections = personal_data_of(export.user)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for index, (name, data) in enumerate(sections.items(), start=1):
                archive.writestr(f"{name}.json", json.dumps(data, ensure_ascii=False, indent=2))
                progress = 5 + int(90 * index / len(sections))
                DataExport.objects.filter(pk=export_id).update(progress=progress)
        file_name = default_storage.save(
            f"exports/{secrets.token_hex(16)}.zip", ContentFile(buffer.getvalue())
        )
    except Exception:
        DataExport.objects.filter(pk=export_id).update(status=DataExport.Status.FAILED)
        raise
    DataExport.objects.filter(pk=export_id).update(
        status=DataExport.Status.READY, progress=100, file_name=file_name
    )
    export.refresh_from_db()
    return export


def data_export_download(*, token: str, user, session_key: str) -> bytes:
    """The archive's bytes, once: the row is claimed with a conditional UPDATE, then the file is deleted.

    Refused (PermissionDenied) for another account, another session, an expired or already used link.
    """
    export = DataExport.objects.filter(token_hash=_token_hash(token or "")).first()
    if (
        export is None
        or not user.is_authenticated
        or export.user_id != user.pk
        or not session_key
        or not secrets.compare_digest(export.session_key, session_key)
    ):
        raise PermissionDenied(_("This download link is not yours."))
    now = timezone.now()
    claimed = DataExport.objects.filter(
        pk=export.pk, status=DataExport.Status.READY, downloaded_at__isnull=True, expires_at__gt=now
    ).update(status=DataExport.Status.DOWNLOADED, downloaded_at=now)
    if not claimed:
        raise PermissionDenied(_("This download link was used already or has expired."))
    with default_storage.open(export.file_name, "rb") as handle:
        content = handle.read()
    default_storage.delete(export.file_name)
    DataExport.objects.filter(pk=export.pk).update(file_name="")
    return content


def data_exports_expire(*, now=None) -> int:
    """Deletes the files of exports past their expiry and marks them expired. Safe to run twice."""
    now = now or timezone.now()
    expired = 0
    for export in DataExport.objects.filter(
        expires_at__lte=now,
        status__in=[DataExport.Status.PENDING, DataExport.Status.BUILDING, DataExport.Status.READY],
    ):
        if export.file_name:
            default_storage.delete(export.file_name)
        expired += (
            DataExport.objects.filter(pk=export.pk)
            .exclude(status=DataExport.Status.EXPIRED)
            .update(status=DataExport.Status.EXPIRED, file_name="")
        )
    return expired


# --- Account deletion ----------------------------------------------------------------------------------


@transaction.atomic
def account_deletion_request(*, user: User, requested_by: User, withdraw_content: bool) -> User:
    """Schedules erasure after the grace period; logging in before then cancels it."""
    if not can_delete_account(requested_by, user):
        raise PermissionDenied(_("You can delete only your own account."))
    user.deletion_due_at = timezone.now() + timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS)
    user.deletion_withdraws_content = bool(withdraw_content)
    user.save(update_fields=["deletion_due_at", "deletion_withdraws_content"])
    audit_record(actor=requested_by, action="account.deletion_requested", target=user)
    logger.info("account deletion requested: account %s", user.pk)
    _tell_deletion_scheduled(user)
    return user


def _tell_deletion_scheduled(user: User) -> None:
    """The owner learns by email when the account goes and how to keep it: the page that asked is gone with
    the session, and whoever held that session may not have been the owner."""
    language = user.preferred_language or "kk"
    with translation.override(language):
        due = format_when(user.deletion_due_at, "datetime_long")
        subject = _("Your account will be deleted on %(date)s") % {"date": due}
        body = render_to_string(
            "account/email/account_deletion_scheduled.txt",
            {"user": user, "due": due, "login_url": settings.SITE_URL + reverse("account_login")},
        )
    email_queue(
        message=EmailMessage(subject=f"[Qatysu] {subject}", body=body, to=[user.email]), language=language
    )


def account_deletion_cancel(*, user: User) -> bool:
    """Called at login: a scheduled deletion not yet carried out is cancelled. True when one was."""
    cancelled = User.objects.filter(pk=user.pk, deletion_due_at__isnull=False, erased_at__isnull=True).update(
        deletion_due_at=None, deletion_withdraws_content=False
    )
    if cancelled:
        readers_changed([user.pk])
        user.deletion_due_at = None
        user.deletion_withdraws_content = False
        audit_record(actor=user, action="account.deletion_cancelled", target=user)
        logger.info("account deletion cancelled: account %s", user.pk)
    return bool(cancelled)


@transaction.atomic
def account_erase(*, user_id: int) -> bool:
    """Erases the personal data of an account whose grace period is over. Safe to run twice.

    The user row is kept, anonymised and deactivated, rather than replaced by a shared "former participant"
    account: proposals and comments keep a stable author (moderation history, campaign clusters and the
    per-author rules still hold), while `public_name` shows "Former participant" and nothing on the row
    leads back to the person.
    """
    user = (
        User.objects.select_for_update()
        .filter(pk=user_id, erased_at__isnull=True, deletion_due_at__lte=timezone.now())
        .first()
    )
    if user is None:
        return False
    if user.deletion_withdraws_content:
        for part in registries.personal_data:
            if part.withdraw is not None:
                part.withdraw(user)
    identity_verification_erase(user=user)
    SignatureChallenge.objects.filter(user=user).delete()
    user.api_tokens.all().delete()
    Authenticator.objects.filter(user=user).delete()
    # Invitations to the person's addresses name them; those they answered too (the address may be gone).
    OrganisationInvitation.objects.filter(Q(email__in=_addresses_of(user)) | Q(answered_by=user)).delete()
    EmailAddress.objects.filter(user=user).delete()
    ConsentRecord.objects.filter(user=user).delete()
    user.memberships.all().delete()
    for export in DataExport.objects.filter(user=user):
        if export.file_name:
            default_storage.delete(export.file_name)
    DataExport.objects.filter(user=user).delete()
    user.email = f"erased-{user.pk}@erased.invalid"
    user.display_name = ""
    user.first_name = ""
    user.last_name = ""
    # A new password hash and is_active=False end every session still open (Django checks both per request),
    # so the session table need not be scanned.
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.erased_at = timezone.now()
    user.deletion_due_at = None
    user.save()
    user.groups.clear()
    for part in registries.personal_data:
        if part.erase is not None:
            part.erase(user)
    audit_record(actor=None, action="account.erased", target=user)
    logger.info("account erased: account %s", user.pk)
    return True


def accounts_erase_again(*, user_ids: list[int], grace: bool = False) -> int:
    """After a restore: the erasures (or, with `grace`, the deletion requests) made since the dump, replayed
    from the log lines above. Erased now, or scheduled after a fresh grace period that logging in still
    cancels. Accounts already erased are left alone. Returns how many were erased or scheduled."""
    pending = User.objects.filter(pk__in=user_ids, erased_at__isnull=True)
    if grace:
        due = timezone.now() + timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS)
        return pending.update(deletion_due_at=due)
    pending.update(deletion_due_at=timezone.now())
    return sum(1 for user_id in user_ids if account_erase(user_id=user_id))


def accounts_erase_due(*, now=None) -> int:
    """The beat sweep: erases every account whose grace period is over, each in its own transaction."""
    now = now or timezone.now()
    due = User.objects.filter(erased_at__isnull=True, deletion_due_at__lte=now).values_list("pk", flat=True)
    return sum(1 for user_id in list(due) if account_erase(user_id=user_id))


# --- Retention -----------------------------------------------------------------------------------------


def retention_purge(*, now=None) -> dict[str, int]:
    """Purges or anonymises what is past its retention period (settings PRIVACY_*_DAYS). Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        result = {
            "verification_notes": IdentityVerification.objects.exclude(note="")
            .filter(verified_at__lt=now - timedelta(days=settings.PRIVACY_VERIFICATION_NOTE_RETENTION_DAYS))
            .update(note=""),
            # A challenge is good for minutes; a day later it is only a record of a page view.
            "signature_challenges": SignatureChallenge.objects.filter(
                expires_at__lt=now - timedelta(days=1)
            ).delete()[0],
            # An invitation names an address, maybe of someone who never signed up: once answered, withdrawn
            # or expired, it is kept as long as a network address is, then goes.
            "organisation_invitations": OrganisationInvitation.objects.filter(
                Q(answered_at__lt=now - timedelta(days=settings.PRIVACY_IP_RETENTION_DAYS))
                | Q(expires_at__lt=now - timedelta(days=settings.PRIVACY_IP_RETENTION_DAYS))
            ).delete()[0],
        }
        for part in registries.personal_data:
            if part.purge is not None:
                result.update(part.purge(now))
    result["exports"] = data_exports_expire(now=now)
    return result


# --- Staff access ---------------------------------------------------------------------------------------

REVEAL_REASON_MIN_LENGTH = 10


def personal_details_reveal(*, person: User, viewer: User, reason: str) -> dict:
    """A person's email, legal name and verification details, for staff who state why; always audited."""
    if not can_reveal_personal_details(viewer):
        raise PermissionDenied(_("You may not see personal details."))
    reason = " ".join((reason or "").split())
    if len(reason) < REVEAL_REASON_MIN_LENGTH:
        raise ValidationError({"reason": _("Say why you need these details in at least 10 characters.")})
    audit_record(actor=viewer, action="person.details_revealed", target=person, details={"reason": reason})
    verification = IdentityVerification.objects.filter(user=person).first()
    return {
        "email": person.email,
        "legal_name": " ".join(part for part in (person.first_name, person.last_name) if part),
        "verification": verification,
    }
