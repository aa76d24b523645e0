"""Admins see the suppression list (and may add or lift an address) and the record of digest deliveries."""

from django.contrib import admin

from portal.core.admin import ReadOnlyForSuperusers, SuperusersOnly

from .models import DigestDelivery, SuppressedAddress


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(SuperusersOnly):
    list_display = ("email", "reason", "created_at")
    search_fields = ("email",)
    readonly_fields = ("created_at",)


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyForSuperusers):
    list_display = ("user_id", "frequency", "period", "status", "attempts", "notifications_count", "sent_at")
    list_filter = ("frequency", "status", "period")
