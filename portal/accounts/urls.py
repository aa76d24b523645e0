from django.urls import include, path

from .views import account, privacy

# Under privacy/: consent, the export of one's data and the deletion of one's account (docs/PRIVACY.md).
privacy_patterns = [
    path("", privacy.privacy_settings, name="account_privacy"),
    path("consent/", privacy.privacy_consent, name="account_privacy_consent"),
    path("export/", privacy.data_export_request, name="account_data_export"),
    path("export/<int:pk>/", privacy.data_export_status, name="account_data_export_status"),
    path("export/download/<str:token>/", privacy.data_export_download, name="account_data_export_download"),
    path("delete/", privacy.account_delete, name="account_delete"),
]

urlpatterns = [
    path("profile/", account.profile, name="account_profile"),
    path("verify/", account.identity_verify, name="account_identity"),
    path("verify/signature/", account.identity_verify_signature, name="account_identity_signature"),
    path("tokens/", account.api_tokens, name="account_api_tokens"),
    path("tokens/<int:pk>/revoke/", account.api_token_revoke_view, name="account_api_token_revoke"),
    path("privacy/", include(privacy_patterns)),
    path("organisations/new/", account.organisation_register, name="organisation_register"),
    path("organisations/<slug:slug>/", account.organisation_detail, name="organisation_detail"),
]
