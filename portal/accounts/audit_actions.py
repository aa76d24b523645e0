"""The names of the accounts app's audit log entries, registered in `registrations.py`."""

from django.utils.translation import gettext_lazy as _

from portal.core.registries import AuditVocabulary
from portal.core.roles import ROLE_LABELS

from .models import IdentityLevel, IdentityVerification, OrganisationMembership

ACCOUNTS_AUDIT = AuditVocabulary(
    target_pages={"accounts.user": "staff_person"},
    actions={
        "account.block": _("Account blocked"),
        "account.unblock": _("Account unblocked"),
        "account.deletion_requested": _("Account deletion requested"),
        "account.deletion_cancelled": _("Account deletion cancelled"),
        "account.erased": _("Account erased"),
        "api_token.created": _("API token created"),
        "api_token.revoked": _("API token revoked"),
        "identity.verified": _("Identity verified"),
        "organisation.registered": _("Organisation registered"),
        "organisation.verified": _("Organisation verified"),
        "organisation.refused": _("Organisation's verification refused"),
        "organisation.renamed": _("Organisation renamed (back to verification)"),
        "organisation.changed": _("Organisation's details changed"),
        "organisation.member_added": _("Organisation member added"),
        "organisation.member_left": _("Organisation member left"),
        "organisation.member_invited": _("Organisation member invited"),
        "organisation.invitation_accepted": _("Organisation invitation accepted"),
        "organisation.invitation_declined": _("Organisation invitation declined"),
        "organisation.invitation_withdrawn": _("Organisation invitation withdrawn"),
        "organisation.member_changed": _("Organisation member changed"),
        "organisation.member_removed": _("Organisation member removed"),
        "person.details_revealed": _("Personal details revealed"),
        "role.granted": _("Role granted"),
        "role.revoked": _("Role revoked"),
        "role.changed_in_admin": _("Roles or access changed in the Django admin"),
    },
    details={
        "role": _("Role"),
        "days": _("Days"),
        "blocks": _("Blocks lifted"),
        "reason": _("Reason"),
        "method": _("Method"),
        "level": _("Level"),
        "person": _("Person"),
        "membership_role": _("Role in the organisation"),
        "on_behalf": _("May submit on its behalf"),
        "groups": _("Role groups"),
        "flags": _("Access"),
    },
    values={
        "role": {str(role): label for role, label in ROLE_LABELS.items()},
        "method": dict(IdentityVerification.Method.choices),
        "level": dict(IdentityLevel.choices),
        "membership_role": dict(OrganisationMembership.Role.choices),
    },
)
