"""Staff roles: who is a moderator, a Commission member, an administrator or an auditor, and the two
decorators that views use to ask for a role (`role_required` for a page, `staff_action` for a POST-only
action).

Roles are Django groups so that admins manage them without code. A person with no role is a citizen. The
rules of each area (who may answer a proposal, who may register for a hearing, ...) live beside that area and
are written in terms of these roles.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from enum import StrEnum

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST


class Role(StrEnum):
    MODERATOR = "moderator"
    COMMISSION = "commission"
    ADMIN = "admin"
    # Reads what staff did (the audit log, moderation decisions, the Commission's answers) and changes
    # nothing: an observer of the consultation answers to someone outside the secretariat.
    AUDITOR = "auditor"


# The group that carries each role; created by a data migration of the accounts app.
ROLE_GROUPS: dict[Role, str] = {
    Role.MODERATOR: "Moderators",
    Role.COMMISSION: "Commission members",
    Role.ADMIN: "Administrators",
    Role.AUDITOR: "Auditors",
}
_GROUP_ROLES = {group: role for role, group in ROLE_GROUPS.items()}
ROLE_LABELS = {
    Role.MODERATOR: _("Moderator"),
    Role.COMMISSION: _("Commission member"),
    Role.ADMIN: _("Administrator"),
    Role.AUDITOR: _("Auditor"),
}


def held_roles(user) -> frozenset[Role]:
    """The roles `user` holds by group membership, read once and cached on the user object.

    Holding a role is not the same as exercising it: see `roles_of`.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        names = user.groups.filter(name__in=_GROUP_ROLES).values_list("name", flat=True)
        cached = frozenset(_GROUP_ROLES[name] for name in names)
        if user.is_superuser:
            cached |= {Role.ADMIN}
        user._portal_roles = cached
    return cached


def roles_of(user) -> frozenset[Role]:
    """The roles `user` may exercise now. Under PORTAL_STAFF_MFA=required, a user that came with a web request
    whose session has not passed a second factor (or with an API token, which is no second factor) exercises
    none: every page, API answer, object visibility and service check is written on these roles, so each of
    them refuses staff powers without a second factor by construction. A user that came with an API token
    exercises none under any setting: a token is for a program reading or writing as a participant. Users
    loaded outside a request (tasks, commands) carry no mark and keep their roles."""
    if getattr(user, "_portal_api_token", False) or lacks_session_second_factor(user):
        return frozenset()
    return held_roles(user)


def forget_roles(user) -> None:
    """Drop the cached roles after a change of group membership."""
    user.__dict__.pop("_portal_roles", None)


def mark_second_factor(user, *, verified: bool) -> None:
    """Record on the request's user whether its session (or token) has passed a second factor."""
    user._portal_second_factor = verified


def mark_api_token(user) -> None:
    """Record that the request's user came with an API token: it exercises no staff role (`roles_of`)."""
    user._portal_api_token = True
    mark_second_factor(user, verified=False)


def session_has_second_factor(request, user) -> bool:
    """Whether this session signed in (or re-authenticated) with TOTP or a recovery code of an authenticator
    the person still has, beside a TOTP one. An authenticator removed since (turned off, a lost phone reset by
    an administrator) vouches for no session: a session that passed it once, on a computer left signed in or
    in a stolen cookie, would otherwise keep staff powers without any second factor.

    Only staff powers ask (`lacks_session_second_factor`): for a person without a role, passing one is enough,
    and the authenticators are not read."""
    passed = {
        record.get("id")
        for record in get_authentication_records(request, user)
        if record.get("method") == "mfa"
    }
    if not passed or not held_roles(user):
        return bool(passed)
    kept = dict(Authenticator.objects.filter(user=user).values_list("pk", "type"))
    return Authenticator.Type.TOTP in kept.values() and bool(passed & kept.keys())


def session_second_factor_age(request, user) -> float | None:
    """Seconds since this session last passed a second factor (signing in or confirming it again), None if
    it never did."""
    times = [
        record.get("at", 0)
        for record in get_authentication_records(request, user)
        if record.get("method") == "mfa"
    ]
    return time.time() - max(times) if times else None


def lacks_session_second_factor(user) -> bool:
    return (
        staff_second_factor_required()
        and getattr(user, "_portal_second_factor", None) is False
        and bool(held_roles(user))
    )


def is_moderator(user) -> bool:
    return bool(roles_of(user) & {Role.MODERATOR, Role.ADMIN})


def is_commission_member(user) -> bool:
    return bool(roles_of(user) & {Role.COMMISSION, Role.ADMIN})


def is_admin(user) -> bool:
    return Role.ADMIN in roles_of(user)


def is_auditor(user) -> bool:
    """An independent auditor: reads the staff pages of record, holds no power to change anything. Only this
    role: an administrator who also audits keeps their own powers through `is_admin`."""
    return Role.AUDITOR in roles_of(user)


def is_staff_member(user) -> bool:
    """Anyone with a staff role: moderators, Commission members, admins and auditors. It opens pages, never
    powers: each power asks its own role."""
    return bool(roles_of(user))


def can_open_staff_area(user) -> bool:
    return is_staff_member(user)


def can_view_audit_log(user) -> bool:
    """The audit log of staff actions: admins and auditors (it names who did what to whom)."""
    return is_admin(user) or is_auditor(user)


def staff_second_factor_required() -> bool:
    return settings.PORTAL_STAFF_MFA == "required"


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def with_second_factor(user_ids) -> set[int]:
    """Those of `user_ids` who have set up an authenticator app, in one query."""
    return set(
        Authenticator.objects.filter(user_id__in=list(user_ids), type=Authenticator.Type.TOTP).values_list(
            "user_id", flat=True
        )
    )


def role_required(predicate: Callable[[object], bool]):
    """A view decorator: anonymous visitors are sent to sign in, signed-in people without the permission get
    403. `predicate` takes the user, e.g. `@role_required(is_moderator)`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def staff_action(predicate: Callable[[object], bool]):
    """A view decorator for a POST-only action of a role: anonymous visitors are sent to sign in, a GET gets
    405, signed-in people without the permission get 403."""

    def decorator(view):
        return login_required(require_POST(role_required(predicate)(view)))

    return decorator
