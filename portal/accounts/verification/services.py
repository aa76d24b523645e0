import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.core import permissions
from portal.core.audit import audit_record

from ..models import IdentityVerification, User


def identity_fingerprint(identity: str) -> str:
    """Keyed hash of an identity number: equal numbers match, the number cannot be read back."""
    key = settings.IDENTITY_HASH_KEY.encode()
    return hmac.new(key, identity.strip().encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def identity_verification_record(
    *, user: User, method: str, identity: str | None, verified_by: User | None, note: str = ""
) -> IdentityVerification:
    """Marks `user` as a verified person. An identity already used by another account is refused.

    Staff verification (`identity=None`) needs an administrator; re-verifying replaces the old record.
    """
    if method == IdentityVerification.Method.STAFF and (
        verified_by is None or not permissions.can_verify_identities(verified_by)
    ):
        raise PermissionDenied(_("Only administrators can verify a person."))
    fingerprint = identity_fingerprint(identity) if identity else None
    if (
        fingerprint
        and IdentityVerification.objects.filter(identity_hash=fingerprint).exclude(user=user).exists()
    ):
        raise ValidationError(
            {"iin": _("This IIN already verifies another account. Contact support if this is a mistake.")}
        )
    try:
        with transaction.atomic():
            verification, _created = IdentityVerification.objects.update_or_create(
                user=user,
                defaults={
                    "method": method,
                    "identity_hash": fingerprint,
                    "verified_by": verified_by,
                    "note": note,
                },
            )
    except IntegrityError:
        # Two accounts raced with the same IIN; the unique index let only one through.
        raise ValidationError({"iin": _("This IIN already verifies another account.")}) from None
    user.__dict__.pop("_portal_verified", None)  # permissions.is_verified_person remembers its answer
    audit_record(
        actor=verified_by or user, action="identity.verified", target=user, details={"method": method}
    )
    return verification


@transaction.atomic
def identity_verification_revoke(*, user: User, revoked_by: User, reason: str) -> None:
    if not permissions.can_verify_identities(revoked_by):
        raise PermissionDenied(_("Only administrators can revoke a verification."))
    deleted, _rows = IdentityVerification.objects.filter(user=user).delete()
    user.__dict__.pop("_portal_verified", None)
    if deleted:
        audit_record(actor=revoked_by, action="identity.revoked", target=user, details={"reason": reason})
