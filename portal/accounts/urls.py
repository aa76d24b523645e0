from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="account_profile"),
    path("verify/", views.identity_verify, name="account_identity"),
    path("tokens/", views.api_tokens, name="account_api_tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke, name="account_api_token_revoke"),
    path("organisations/new/", views.organisation_register, name="organisation_register"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]
