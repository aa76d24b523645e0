from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="account_profile"),
    path("verify/", views.identity_verify, name="account_identity"),
    path("tokens/", views.api_tokens, name="account_api_tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke, name="account_api_token_revoke"),
    path("privacy/", views.privacy_settings, name="account_privacy"),
    path("privacy/consent/", views.privacy_consent, name="account_privacy_consent"),
    path("privacy/export/", views.data_export_request, name="account_data_export"),
    path("privacy/export/<int:pk>/", views.data_export_status, name="account_data_export_status"),
    path(
        "privacy/export/download/<str:token>/",
        views.data_export_download,
        name="account_data_export_download",
    ),
    path("privacy/delete/", views.account_delete, name="account_delete"),
    path("organisations/new/", views.organisation_register, name="organisation_register"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]
