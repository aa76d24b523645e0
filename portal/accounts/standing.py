"""The person's standing as the hottest reads select it in hand-written SQL: a block in force and the method
of a verification that needs no reconfirmation. Shared by the API token's query and the signed-in viewer's."""

from django.db import connection

from .models import AccountBlock, IdentityVerification, User

# Every concrete field of the user, as `User.objects.get()` loads it.
USER_FIELDS = [field.name for field in User._meta.concrete_fields]


def standing_columns(user_id_column: str) -> str:
    """Two columns for the user whose id is `user_id_column`: blocked now (needs the `%(now)s` parameter),
    and the verification method or NULL."""
    quote = connection.ops.quote_name
    return f"""EXISTS (
                SELECT 1 FROM {quote(AccountBlock._meta.db_table)} b
                WHERE b.user_id = {user_id_column} AND b.lifted_at IS NULL AND b.blocked_until > %(now)s
            ),
            (
                SELECT v.method FROM {quote(IdentityVerification._meta.db_table)} v
                WHERE v.user_id = {user_id_column} AND NOT v.needs_reconfirmation
                LIMIT 1
            )"""  # noqa: S608 (table names from the models)
