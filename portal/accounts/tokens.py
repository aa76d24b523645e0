"""API tokens: created and revoked by their owner; only a hash is stored."""

import functools
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.rows import instance_from_row, prepared_cursor, select_list

from .models import LEVEL_OF_METHOD, ApiToken, User
from .standing import USER_FIELDS, standing_columns

TOKEN_PREFIX = "qat_"  # noqa: S105 (a public prefix, not a secret)
MAX_ACTIVE_TOKENS = 10
# A token's `last_used_at` is written at most this often: not a write on every API request.
LAST_USE_RESOLUTION_SECONDS = 60


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
    """The active user owning this token, or None. Records the last use at most once a minute.

    One query: the token, its owner and the owner's standing (blocked, verified at which level), which
    every API write asks (permissions.is_blocked, is_verified_person, identity_level).
    """
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 100:
        return None
    now = timezone.now()
    with prepared_cursor() as cursor:
        cursor.execute(
            _token_sql(), {"hash": _hash(plain), "now": connection.ops.adapt_datetimefield_value(now)}
        )
        row = cursor.fetchone()
    if row is None:
        return None
    blocked, method, *values = row
    token = instance_from_row(ApiToken, _TOKEN_FIELDS, values[: len(_TOKEN_FIELDS)])
    user = instance_from_row(User, USER_FIELDS, values[len(_TOKEN_FIELDS) :])
    user._portal_blocked = bool(blocked)
    user._portal_verified = method is not None
    user._portal_identity_level = LEVEL_OF_METHOD.get(method)
    last_used_at = token.last_used_at
    if last_used_at is None or (now - last_used_at).total_seconds() > LAST_USE_RESOLUTION_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


_TOKEN_FIELDS = ["id", "last_used_at"]


@functools.cache
def _token_sql() -> str:
    """Written once per process rather than composed by the ORM on every API write (portal/core/rows.py)."""
    quote = connection.ops.quote_name
    return f"""
        SELECT
            {standing_columns("t.user_id")},
            {select_list(ApiToken, "t", _TOKEN_FIELDS)},
            {select_list(User, "u", USER_FIELDS)}
        FROM {quote(ApiToken._meta.db_table)} t
        JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id
        WHERE t.token_hash = %(hash)s AND t.revoked_at IS NULL AND u.is_active
        LIMIT 1
    """  # noqa: S608 (table and column names from the models; every value is a parameter)
