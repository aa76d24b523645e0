"""The names of the accounts app's audit log entries, registered in `registrations.py`."""

from django.utils.translation import gettext_lazy as _

from portal.core.registries import AuditVocabulary
from portal.core.roles import ROLE_LABELS

from .models import IdentityLevel, IdentityVerification

ACCOUNTS_AUDIT = AuditVocabulary(
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
        "organisation.member_added": _("Organisation member added"),
        "organisation.member_left": _("Organisation member left"),
        "person.details_revealed": _("Personal details revealed"),
        "role.granted": _("Role granted"),
        "role.revoked": _("Role revoked"),
    },
    details={
        "role": _("Role"),
        "days": _("Days"),
        "blocks": _("Blocks lifted"),
        "reason": _("Reason"),
        "method": _("Method"),
        "level": _("Level"),
    },
    values={
        "role": {str(role): label for role, label in ROLE_LABELS.items()},
        "method": dict(IdentityVerification.Method.choices),
        "level": dict(IdentityLevel.choices),
    },
)
