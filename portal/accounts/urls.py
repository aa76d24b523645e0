from django.urls import path

from .views import account, organisation_members, privacy

urlpatterns = [
    path("profile/", account.profile, name="account_profile"),
    path("verify/", account.identity_verify, name="account_identity"),
    path("verify/signature/", account.identity_verify_signature, name="account_identity_signature"),
    path("tokens/", account.api_tokens, name="account_api_tokens"),
    path("tokens/<int:pk>/revoke/", account.api_token_revoke_view, name="account_api_token_revoke"),
    path("privacy/", privacy.privacy_settings, name="account_privacy"),
    path("privacy/consent/", privacy.privacy_consent, name="account_privacy_consent"),
    path("privacy/export/", privacy.data_export_request, name="account_data_export"),
    path("privacy/export/<int:pk>/", privacy.data_export_status, name="account_data_export_status"),
    path(
        "privacy/export/download/<str:token>/",
        privacy.data_export_download,
        name="account_data_export_download",
    ),
    path("privacy/delete/", privacy.account_delete, name="account_delete"),
    path("organisations/new/", account.organisation_register, name="organisation_register"),
    path("organisations/<slug:slug>/", account.organisation_detail, name="organisation_detail"),
    path("organisations/<slug:slug>/leave/", account.organisation_leave, name="organisation_leave"),
    path(
        "organisations/<slug:slug>/members/",
        organisation_members.organisation_members,
        name="organisation_members",
    ),
    path(
        "organisations/<slug:slug>/edit/",
        organisation_members.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "organisations/<slug:slug>/members/<int:pk>/",
        organisation_members.organisation_member_update,
        name="organisation_member_update",
    ),
    path(
        "organisations/<slug:slug>/members/<int:pk>/remove/",
        organisation_members.organisation_member_remove,
        name="organisation_member_remove",
    ),
    path(
        "organisations/<slug:slug>/invitations/<int:pk>/withdraw/",
        organisation_members.organisation_invitation_withdraw,
        name="organisation_invitation_withdraw",
    ),
    # Outside /organisations/<slug>/: a signed token must never be read as an organisation's slug.
    path(
        "invitations/<str:token>/",
        organisation_members.organisation_invitation,
        name="organisation_invitation",
    ),
]
