"""API tokens: created and revoked by their owner; only a hash is stored."""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.audit import audit_record

from .models import ApiToken, User

TOKEN_PREFIX = "qat_"  # noqa: S105 (a public prefix, not a secret)
MAX_ACTIVE_TOKENS = 10


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Creates a token and returns it with its plain text, which is never available again."""
    name = " ".join(name.split())[:80]
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the program that will use it.")})
    User.objects.select_for_update().filter(pk=user.pk).first()  # serialise concurrent creations
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {"name": _("You have %(count)d active tokens; revoke one first.") % {"count": MAX_ACTIVE_TOKENS}}
        )
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, token_hash=_hash(plain), prefix=plain[:10])
    audit_record(actor=user, action="api_token.created", target=token)
    return token, plain


def api_token_revoke(*, token: ApiToken, revoked_by: User) -> None:
    if token.user_id != revoked_by.pk:
        raise PermissionDenied(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=revoked_by, action="api_token.revoked", target=token)


def api_token_authenticate(plain: str) -> User | None:
    """The active user owning this token, or None. Records the last use at most once a minute."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash(plain), revoked_at__isnull=True, user__is_active=True)
        .annotate(**_standing_of_owner())
        .first()
    )
    if token is None:
        return None
    # Asked by every API write (permissions.is_blocked, is_verified_person): answered here in the same query.
    token.user._portal_blocked = token.owner_blocked
    token.user._portal_verified = token.owner_verified
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _standing_of_owner() -> dict:
    from django.db.models import Exists, OuterRef

    from .models import AccountBlock, IdentityVerification

    blocks = AccountBlock.objects.filter(
        user=OuterRef("user_id"), lifted_at__isnull=True, blocked_until__gt=timezone.now()
    )
    return {
        "owner_blocked": Exists(blocks),
        "owner_verified": Exists(IdentityVerification.objects.filter(user=OuterRef("user_id"))),
    }
