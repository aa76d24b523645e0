"""What the accounts app registers when it starts: its part of a person's data, the pages its changes
make stale, its staff panels and its notification texts."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import signals as mfa_signals

from portal.core import page_cache, registries
from portal.notifications.messages import register_messages

from . import privacy, selectors
from .audit_actions import ACCOUNTS_AUDIT
from .forms import StaffIdentityForm
from .models import Organisation, User
from .notification_messages import ACCOUNT_MESSAGES
from .permissions import can_verify_identities, can_verify_organisation

# A person's public name is shown on their proposals and comments; logins and password changes are not.
USER_FIELDS_SHOWN = ("display_name", "is_active", "erased_at")


def _organisations_panel(request) -> dict:
    return {"awaiting_verification": selectors.organisations_awaiting_verification()}


def _second_factor_set_up(sender, request, user, authenticator, **kwargs) -> None:
    """Setting up TOTP proves a current code, so this session counts as having passed the second factor
    (allauth records only sign-ins and re-authentications)."""
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)


def register() -> None:
    mfa_signals.authenticator_added.connect(_second_factor_set_up, dispatch_uid="portal-second-factor-set-up")
    for name, export in (
        ("profile", privacy.profile_of),
        ("verification", privacy.verification_of),
        ("organisations", privacy.organisations_of),
        ("organisation_invitations", privacy.organisation_invitations_of),
        ("account_blocks", privacy.account_blocks_of),
        ("consents", privacy.consents_of),
        ("api_tokens", privacy.api_tokens_of),
    ):
        registries.personal_data.register(registries.PersonalDataPart(name=name, export=export))
    page_cache.invalidate_on_change(Organisation)
    # An account just opened has written nothing a page shows yet; on publication day thousands open.
    page_cache.invalidate_on_change(
        User, fields=USER_FIELDS_SHOWN, shown=lambda user, update_fields, created: not created
    )
    registries.staff_panels.register(
        registries.StaffPanel(
            template="account/staff/panel_verify_person.html",
            visible=can_verify_identities,
            context=lambda request: {"identity_form": StaffIdentityForm()},
            order=200,
        )
    )
    registries.staff_panels.register(
        registries.StaffPanel(
            template="account/staff/panel_organisations.html",
            visible=can_verify_organisation,
            context=_organisations_panel,
            order=300,
        )
    )
    register_messages(ACCOUNT_MESSAGES)
    registries.audit_vocabularies.register(ACCOUNTS_AUDIT)
