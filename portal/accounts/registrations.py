"""What the accounts app registers when it starts: its part of a person's data, the pages its changes
make stale, its staff panels and its notification texts."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import signals as mfa_signals

from portal.core import page_cache, registries
from portal.notifications.messages import register_messages

from . import privacy, selectors, standing_changes
from .audit_actions import ACCOUNTS_AUDIT
from .forms import StaffIdentityForm
from .models import (
    AccountBlock,
    ApiToken,
    ConsentRecord,
    DataExport,
    IdentityVerification,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    SignatureChallenge,
    User,
)
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
    standing_changes.watch()
    mfa_signals.authenticator_added.connect(_second_factor_set_up, dispatch_uid="portal-second-factor-set-up")
    # Erased by `privacy.account_erase` itself, the account row's own rows; archives asked for go with it.
    for name, export, models in (
        ("profile", privacy.profile_of, (DataExport,)),
        ("verification", privacy.verification_of, (IdentityVerification, SignatureChallenge)),
        ("organisations", privacy.organisations_of, (OrganisationMembership,)),
        ("organisation_invitations", privacy.organisation_invitations_of, (OrganisationInvitation,)),
        ("account_blocks", privacy.account_blocks_of, (AccountBlock,)),
        ("consents", privacy.consents_of, (ConsentRecord,)),
        ("api_tokens", privacy.api_tokens_of, (ApiToken,)),
    ):
        registries.personal_data.register(
            registries.PersonalDataPart(name=name, export=export, models=models)
        )
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
