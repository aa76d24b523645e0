"""Authentication backends that load the signed-in person with what every page asks about them.

Every signed-in request reads the user row; the header, the permission rules and the support block then ask
for the person's roles, unread notifications, a block in force and a verified identity (and its level),
one query each.
`get_user` here reads all of them with the user row, in one query, and leaves the answers where
`held_roles`, `is_blocked`, `is_verified_person` and the notification bell look first. Services that change
one of them drop the remembered answer (`forget_roles`, ...), and the next request reads it again.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.core.roles import ROLE_GROUPS, Role
from portal.notifications.models import Notification

from .models import LEVEL_OF_METHOD, AccountBlock, IdentityVerification, User


def viewer_state(user_id) -> User | None:
    """The user with their roles, unread count, block, verification and its level, in one query."""
    # Counted on the (recipient, read_at) index.
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    roles = {
        f"holds_{role.value}": Exists(Group.objects.filter(user=OuterRef("pk"), name=group))
        for role, group in ROLE_GROUPS.items()
    }
    user = (
        User.objects.filter(pk=user_id)
        .annotate(
            **roles,
            unread_notifications=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
            blocked_now=Exists(
                AccountBlock.objects.filter(
                    user=OuterRef("pk"), lifted_at__isnull=True, blocked_until__gt=timezone.now()
                )
            ),
            verified_person=Exists(IdentityVerification.objects.filter(user=OuterRef("pk"))),
            verification_method=Subquery(
                IdentityVerification.objects.filter(user=OuterRef("pk"), needs_reconfirmation=False).values(
                    "method"
                )[:1]
            ),
        )
        .first()
    )
    if user is None:
        return None
    held = frozenset(role for role in ROLE_GROUPS if getattr(user, f"holds_{role.value}"))
    if user.is_superuser:
        held |= {Role.ADMIN}
    user._portal_roles = held
    user._portal_blocked = user.blocked_now
    user._portal_verified = user.verified_person
    user._portal_identity_level = LEVEL_OF_METHOD.get(user.verification_method)
    user._portal_unread = user.unread_notifications
    return user


class ViewerStateMixin:
    def get_user(self, user_id):
        user = viewer_state(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class PasswordBackend(ViewerStateMixin, ModelBackend):
    """Django's username-and-password backend."""


class AccountBackend(ViewerStateMixin, AllauthBackend):
    """allauth's backend (sign-in by email, login by code)."""
