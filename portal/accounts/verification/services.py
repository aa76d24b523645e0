import hashlib
import hmac
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.accounts.permissions import can_verify_identities
from portal.core.audit import audit_record

from ..models import LEVEL_OF_METHOD, IdentityVerification, User
from .iin import iin_canonical

# Called with (user, identity_hash) just before an IIN's fingerprint stops belonging to an account (erased, or
# verified again with another IIN), so that apps above accounts keep what the IIN did while it was the
# account's: the IIN may then verify another account (filled in by their AppConfig.ready()).
identity_release_hooks: list[Callable[[User, str], None]] = []


def identity_fingerprint(identity: str) -> str:
    """Keyed hash of an IIN: equal numbers match, the number cannot be read back.

    The hash is taken of the canonical 12 ASCII digits only; anything else raises ValidationError, so no
    spelling of a number can produce a second fingerprint for it.
    """
    key = settings.IDENTITY_HASH_KEY.encode()
    return hmac.new(key, iin_canonical(identity).encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def identity_verification_record(
    *, user: User, method: str, identity: str | None, verified_by: User | None, note: str = ""
) -> IdentityVerification:
    """Marks `user` as a verified person. An identity already used by another account is refused.

    Staff verification (`identity=None`) needs an administrator; re-verifying replaces the old record, but
    never lets an IIN go unnoticed: a staff check keeps the IIN the person verified with (released, it could
    verify a second account that supports again what this one supports), and another IIN releases the old
    one through `identity_release_hooks`.
    """
    if method == IdentityVerification.Method.STAFF and (
        verified_by is None or not can_verify_identities(verified_by)
    ):
        raise PermissionDenied(_("Only administrators can verify a person."))
    # A staff check carries no IIN: an administrator vouching for themselves would be a verified person whom
    # no document (and no uniqueness of an IIN) stands behind.
    if method == IdentityVerification.Method.STAFF and verified_by.pk == user.pk:
        raise PermissionDenied(_("Another administrator checks your own identity."))
    fingerprint = identity_fingerprint(identity) if identity else None
    if (
        fingerprint
        and IdentityVerification.objects.filter(identity_hash=fingerprint).exclude(user=user).exists()
    ):
        raise ValidationError({"iin": _already_verifying()})
    previous = IdentityVerification.objects.select_for_update().filter(user=user).first()
    needs_reconfirmation = False
    if previous is not None and previous.identity_hash:
        if fingerprint is None:
            # The flag is about the kept fingerprint (portal/accounts/models.py), so it stays with it.
            fingerprint, needs_reconfirmation = previous.identity_hash, previous.needs_reconfirmation
        elif fingerprint != previous.identity_hash:
            for hook in identity_release_hooks:
                hook(user, previous.identity_hash)
    try:
        with transaction.atomic():
            verification, _created = IdentityVerification.objects.update_or_create(
                user=user,
                defaults={
                    "method": method,
                    "identity_hash": fingerprint,
                    "verified_by": verified_by,
                    "note": note,
                    "needs_reconfirmation": needs_reconfirmation,
                },
            )
    except IntegrityError:
        # Two accounts raced with the same IIN; the unique index let only one through.
        raise ValidationError({"iin": _("This IIN already verifies another account.")}) from None
    # permissions.is_verified_person and selectors.identity_level remember their answers on the user.
    user.__dict__.pop("_portal_verified", None)
    user.__dict__.pop("_portal_identity_level", None)
    audit_record(
        actor=verified_by or user,
        action="identity.verified",
        target=user,
        details={"method": method, "level": LEVEL_OF_METHOD[method]},
    )
    return verification


def identity_verification_erase(*, user: User) -> None:
    """Deletes an erased account's verification, after `identity_release_hooks` kept what must outlive it."""
    verification = IdentityVerification.objects.filter(user=user).first()
    if verification is None:
        return
    if verification.identity_hash:
        for hook in identity_release_hooks:
            hook(user, verification.identity_hash)
    verification.delete()


def _already_verifying() -> str:
    """The refusal of an IIN that verifies another account, with where to write when it is a mistake (a
    person whose IIN someone else used cannot undo that on the portal)."""
    if settings.CONTACT_EMAIL:
        return _(
            "This IIN already verifies another account. If this is a mistake, write to the Commission's "
            "office: %(address)s."
        ) % {"address": settings.CONTACT_EMAIL}
    return _("This IIN already verifies another account. Contact support if this is a mistake.")
