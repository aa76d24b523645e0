"""Who may do what: the one place every view, API endpoint and service asks.

Roles are Django groups so that admins manage them without code. A person with no role is a citizen.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    MODERATOR = "moderator"
    COMMISSION = "commission"
    ADMIN = "admin"


# The group that carries each role; created by a data migration of the accounts app.
ROLE_GROUPS: dict[Role, str] = {
    Role.MODERATOR: "Moderators",
    Role.COMMISSION: "Commission members",
    Role.ADMIN: "Administrators",
}
_GROUP_ROLES = {group: role for role, group in ROLE_GROUPS.items()}
ROLE_LABELS = {
    Role.MODERATOR: _("Moderator"),
    Role.COMMISSION: _("Commission member"),
    Role.ADMIN: _("Administrator"),
}


def roles_of(user) -> frozenset[Role]:
    """The roles of `user`, read once per request and cached on the user object."""
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


def forget_roles(user) -> None:
    """Drop the cached roles after a change of group membership."""
    user.__dict__.pop("_portal_roles", None)


def is_moderator(user) -> bool:
    return bool(roles_of(user) & {Role.MODERATOR, Role.ADMIN})


def is_commission_member(user) -> bool:
    return bool(roles_of(user) & {Role.COMMISSION, Role.ADMIN})


def is_admin(user) -> bool:
    return Role.ADMIN in roles_of(user)


def is_staff_member(user) -> bool:
    """Anyone with a staff role: moderators, Commission members and admins."""
    return bool(roles_of(user))


def can_open_staff_area(user) -> bool:
    return is_staff_member(user)


def can_manage_roles(user) -> bool:
    return is_admin(user)


def can_verify_organisation(user) -> bool:
    return is_admin(user)


def can_verify_identities(user) -> bool:
    return is_admin(user)


def is_verified_person(user) -> bool:
    """One verified account per real person: the condition for supporting proposals."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_portal_verified", None)
    if cached is None:
        from portal.accounts.models import IdentityVerification

        cached = IdentityVerification.objects.filter(user=user).exists()
        user._portal_verified = cached
    return cached


def can_act_for_organisation(user, organisation) -> bool:
    """Members with the delegation flag may act for a verified organisation, and nobody else."""
    if not organisation.is_verified or not user.is_authenticated:
        return False
    return organisation.memberships.filter(user=user, can_act_on_behalf=True).exists()


def staff_second_factor_required() -> bool:
    return settings.PORTAL_STAFF_MFA == "required"


def has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def must_set_up_second_factor(user) -> bool:
    """Staff must have TOTP before any staff page when the policy says `required`."""
    return staff_second_factor_required() and is_staff_member(user) and not has_second_factor(user)


# --- Proposals ------------------------------------------------------------------------------------------

# Who may move a proposal into each status (actor=None, the system, is not asked).
_AUTHOR_TARGETS = {"submitted", "withdrawn"}
_MODERATOR_TARGETS = {"in_moderation", "published", "rejected", "draft", "hidden", "merged"}
_COMMISSION_TARGETS = {"under_review", "responded", "merged"}


def can_transition_proposal(user, proposal, to_status: str) -> bool:
    if to_status in _AUTHOR_TARGETS and proposal.author_id == user.pk:
        return True
    # An appeal: the author sends a rejected proposal back before a (different) moderator.
    if to_status == "in_moderation" and proposal.status == "rejected" and proposal.author_id == user.pk:
        return True
    if to_status in _MODERATOR_TARGETS and is_moderator(user):
        return True
    return to_status in _COMMISSION_TARGETS and is_commission_member(user)


def can_edit_proposal(user, proposal) -> bool:
    """Authors edit until publication; after that the text is what people supported."""
    return proposal.author_id == user.pk and proposal.status in {"draft", "submitted", "in_moderation"}


def can_view_proposal(user, proposal) -> bool:
    from proposals.models.proposal import VISIBLE_STATUSES

    if proposal.status in VISIBLE_STATUSES:
        return True
    return user.is_authenticated and (
        proposal.author_id == user.pk or is_moderator(user) or is_commission_member(user)
    )


def support_refusal(user, proposal) -> str | None:
    """Why `user` may not support `proposal` now, as a message for them; None when they may."""
    from django.utils.translation import gettext as _

    from proposals.models.proposal import PUBLIC_STATUSES

    if not user.is_authenticated:
        return _("Sign in to support proposals.")
    if is_blocked(user):
        return _("Your account is blocked for now; you can read but not support.")
    if proposal.status not in PUBLIC_STATUSES:
        return _("Only published proposals can be supported.")
    if proposal.author_id == user.pk:
        return _("You cannot support your own proposal.")
    if not intake_is_open(proposal.consultation):
        return _("Supports are closed: proposal intake has ended.")
    from portal.core import switches

    if switches.current().supports_paused:
        return _("Supports are paused for a short while because of heavy load. Please come back later.")
    if not is_verified_person(user):
        return _("Verify your identity to support proposals: one person, one support.")
    return None


def can_moderate(user) -> bool:
    return is_moderator(user)


def is_blocked(user) -> bool:
    """A moderator's block is in force: the person may read, but not submit, comment, support or report."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_portal_blocked", None)
    if cached is None:
        from django.utils import timezone

        from portal.accounts.models import AccountBlock

        cached = AccountBlock.objects.filter(
            user=user, lifted_at__isnull=True, blocked_until__gt=timezone.now()
        ).exists()
        user._portal_blocked = cached
    return cached


def can_participate(user) -> bool:
    return user.is_authenticated and not is_blocked(user)


def can_comment(user, proposal) -> bool:
    from portal.core import switches
    from proposals.models.proposal import PUBLIC_STATUSES

    return (
        can_participate(user)
        and proposal.status in PUBLIC_STATUSES
        and not switches.current().comments_paused
    )


def can_report(user) -> bool:
    return can_participate(user)


def can_block_accounts(user) -> bool:
    return is_moderator(user)


def can_view_moderation_audit(user) -> bool:
    """The audit log of staff actions: admins only (it names who did what to whom)."""
    return is_admin(user)


# --- Consultations and documents -----------------------------------------------------------------------


def can_import_document(user) -> bool:
    return is_admin(user)


def intake_is_open(consultation, now=None) -> bool:
    """Proposals may be written, supported and withdrawn only during the intake phase."""
    from django.utils import timezone

    now = now or timezone.now()
    return consultation.phases.filter(kind="intake", starts_at__lte=now, ends_at__gt=now).exists()


# --- Hearings --------------------------------------------------------------------------------------------


def can_manage_hearings(user) -> bool:
    """Commission members (and admins) schedule hearings, set agendas, decide on speakers, publish minutes."""
    return is_commission_member(user)


def has_verified_email(user) -> bool:
    if not user.is_authenticated:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


def hearing_registration_refusal(user, hearing) -> str | None:
    """Why `user` may not register for `hearing` now, as a message for them; None when they may."""
    from django.utils.translation import gettext as _

    if not user.is_authenticated:
        return _("Sign in to register for the hearing.")
    if not has_verified_email(user):
        return _("Confirm your email address to register for hearings.")
    if not hearing.registration_is_open():
        return _("Registration for this hearing is not open.")
    return None


def can_cancel_hearing_registration(user, registration) -> bool:
    return user.is_authenticated and registration.user_id == user.pk


def speaker_request_refusal(user, hearing, proposal) -> str | None:
    """Authors may ask to present their own published proposal at a hearing that has not started."""
    from django.utils.translation import gettext as _

    from proposals.models.proposal import PUBLIC_STATUSES

    if not user.is_authenticated:
        return _("Sign in to ask to speak.")
    if proposal.author_id != user.pk:
        return _("You can ask to present only your own proposal.")
    if proposal.status not in PUBLIC_STATUSES or proposal.consultation_id != hearing.consultation_id:
        return _("Only published proposals of this consultation can be presented.")
    if hearing.status not in ("scheduled", "postponed"):
        return _("This hearing no longer takes speaker requests.")
    return None


# --- Commission responses ------------------------------------------------------------------------------


def can_work_commission_queue(user) -> bool:
    """The Commission's work queue, internal notes and assignments."""
    return is_commission_member(user)


def can_draft_response(user, response=None) -> bool:
    """Commission members write and edit an answer until it is sent for approval or published."""
    if not is_commission_member(user):
        return False
    return response is None or response.state in {"draft", "returned"}


def can_review_response(user, response) -> bool:
    """Approving (publishing) or returning a draft. With four eyes on, never the member who drafted it."""
    if not is_commission_member(user) or response.state == "published":
        return False
    if settings.RESPONSE_FOUR_EYES:
        return response.state == "in_review" and response.drafted_by_id != user.pk
    return True


def can_manage_answer_settings(user) -> bool:
    """Response templates and answer obligations (deadlines) are administrators' business."""
    return is_admin(user)


# --- Personal data -------------------------------------------------------------------------------------


def can_delete_account(user, account) -> bool:
    """Only the person themselves asks for their account's deletion."""
    return user.is_authenticated and user.pk == account.pk


def can_view_person_page(user) -> bool:
    """The staff page of a person shows public information only."""
    return is_staff_member(user)


def can_reveal_personal_details(user) -> bool:
    """Email, legal name and verification details: admins, each time with a stated reason (audited)."""
    return is_admin(user)


def can_list_personal_data_access(user) -> bool:
    """Who looked at whose personal details: admins."""
    return is_admin(user)
