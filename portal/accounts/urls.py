from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="account_profile"),
    path("organisations/new/", views.organisation_register, name="organisation_register"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]
