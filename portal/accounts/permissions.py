"""Rules about people: who counts as a verified person, who is blocked, who may act for an organisation,
and who may see or delete personal data."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.utils import timezone

from portal.core.roles import is_admin, is_auditor, is_moderator, is_staff_member

from .models import AccountBlock, IdentityVerification, OrganisationMembership


def can_manage_roles(user) -> bool:
    return is_admin(user)


def can_view_staff_roles(user) -> bool:
    """Who holds which staff role now: those who give roles, and auditors, who read how power is held."""
    return can_manage_roles(user) or is_auditor(user)


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
        cached = IdentityVerification.objects.filter(user=user, needs_reconfirmation=False).exists()
        user._portal_verified = cached
    return cached


def can_act_for_organisation(user, organisation) -> bool:
    """Members with the delegation flag may act for a verified organisation, and nobody else."""
    if not organisation.is_verified or not user.is_authenticated:
        return False
    return organisation.memberships.filter(user=user, can_act_on_behalf=True).exists()


def is_representative(user, organisation) -> bool:
    if not user.is_authenticated:
        return False
    return organisation.memberships.filter(
        user=user, role=OrganisationMembership.Role.REPRESENTATIVE
    ).exists()


def can_manage_members(user, organisation) -> bool:
    """Its representatives invite, change and remove members; admins too, for an organisation whose
    representatives are gone. Members and everybody else see only the public page."""
    return is_representative(user, organisation) or is_admin(user)


def is_blocked(user) -> bool:
    """A moderator's block is in force: the person may read, but not submit, comment, support or report."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_portal_blocked", None)
    if cached is None:
        cached = AccountBlock.objects.filter(
            user=user, lifted_at__isnull=True, blocked_until__gt=timezone.now()
        ).exists()
        user._portal_blocked = cached
    return cached


def can_block_accounts(user) -> bool:
    """Moderators block an account for a period; the person can still read."""
    return is_moderator(user)


def can_participate(user) -> bool:
    return user.is_authenticated and not is_blocked(user)


def has_verified_email(user) -> bool:
    if not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def can_delete_account(user, account) -> bool:
    """Only the person themselves asks for their account's deletion."""
    return user.is_authenticated and user.pk == account.pk


def can_view_person_page(user) -> bool:
    """The staff page of a person shows public information only."""
    return is_staff_member(user)


def can_reveal_personal_details(user) -> bool:
    """Email, legal name and verification details: admins, each time with a stated reason (audited)."""
    return is_admin(user)
