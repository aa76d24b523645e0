"""Authentication backends that load the signed-in person with what every page asks about them.

Every signed-in request reads the user row; the header, the permission rules and the support block then ask
for the person's roles, unread notifications, a block in force and a verified identity (and its level),
one query each.
`get_user` here reads all of them with the user row, in one query, and leaves the answers where
`held_roles`, `is_blocked`, `is_verified_person` and the notification bell look first. Services that change
one of them drop the remembered answer (`forget_roles`, ...), and the next request reads it again.
"""

import functools

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from portal.core.roles import ROLE_GROUPS, Role
from portal.core.rows import instance_from_row, prepared_cursor, select_list
from portal.notifications.models import UNREAD_COUNTED_UP_TO, Notification

from .models import LEVEL_OF_METHOD, IdentityVerification, User
from .standing import USER_FIELDS, standing_columns
from .standing_memory import remembered_or_read


def viewer_state(user_id) -> User | None:
    """The user with their roles, unread count, block, verification and its level, in one query.

    Every signed-in request runs it, so its SQL is written once per process (portal/core/rows.py): composed
    by the ORM, the query cost more CPU than rendering a shared page (docs/BENCHMARKS.md)."""
    params = {"pk": user_id, "now": connection.ops.adapt_datetimefield_value(timezone.now()), **_GROUPS}
    with prepared_cursor() as cursor:
        cursor.execute(_viewer_sql(), params)
        row = cursor.fetchone()
    if row is None:
        return None
    blocked, method, verified, unread, role_bits, *values = row
    user = instance_from_row(User, USER_FIELDS, values)
    held = frozenset(role for index, role in enumerate(ROLE_GROUPS) if role_bits & (1 << index))
    if user.is_superuser:
        held |= {Role.ADMIN}
    user._portal_roles = held
    user._portal_blocked = bool(blocked)
    user._portal_verified = bool(verified)
    user._portal_identity_level = LEVEL_OF_METHOD.get(method)
    user._portal_unread = unread
    return user


# The role groups' names, as the query's parameters `group0`, `group1`, …
_GROUPS = {f"group{index}": group for index, group in enumerate(ROLE_GROUPS.values())}


@functools.cache
def _viewer_sql() -> str:
    quote = connection.ops.quote_name
    memberships = quote(User.groups.through._meta.db_table)
    # The roles as one bit each, summed in one subquery: an EXISTS per role cost PostgreSQL three times as
    # much planning as the rest of the query together.
    bits = " ".join(f"WHEN %(group{index})s THEN {1 << index}" for index in range(len(ROLE_GROUPS)))
    # Counted on the (recipient, read_at) index, up to the most the bell shows.
    return f"""
        SELECT
            {standing_columns("u.id")},
            EXISTS (SELECT 1 FROM {quote(IdentityVerification._meta.db_table)} iv WHERE iv.user_id = u.id),
            (
                SELECT COUNT(*) FROM (
                    SELECT 1 FROM {quote(Notification._meta.db_table)} n
                    WHERE n.recipient_id = u.id AND n.read_at IS NULL
                    LIMIT {UNREAD_COUNTED_UP_TO}
                ) unread
            ),
            (
                SELECT COALESCE(SUM(CASE g.name {bits} ELSE 0 END), 0)
                FROM {memberships} m JOIN {quote(Group._meta.db_table)} g ON g.id = m.group_id
                WHERE m.user_id = u.id
            ),
            {select_list(User, "u", USER_FIELDS)}
        FROM {quote(User._meta.db_table)} u
        WHERE u.id = %(pk)s
    """  # noqa: S608 (table and column names from the models; every value is a parameter)


class ViewerStateMixin:
    def get_user(self, user_id):
        user = remembered_or_read(user_id, viewer_state)
        return user if user is not None and self.user_can_authenticate(user) else None


class PasswordBackend(ViewerStateMixin, ModelBackend):
    """Django's username-and-password backend."""


class AccountBackend(ViewerStateMixin, AllauthBackend):
    """allauth's backend (sign-in by email, login by code)."""
