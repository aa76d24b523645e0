"""Base classes for the Django admin: the portal's Administrators role decides, not Django's per-model
permissions (admins get `is_staff` with the role, and nothing else is needed)."""

from django.contrib import admin

from portal.core import permissions

from .models import SiteSwitches


class AdministratorsOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return permissions.is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_admin(request.user)

    def has_add_permission(self, request):
        return permissions.is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_admin(request.user)


class ReadOnlyForAdministrators(AdministratorsOnly):
    """A record written by the services (cases, reports, deliveries): admins look, never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SiteSwitches)
class SiteSwitchesAdmin(AdministratorsOnly):
    """One row: the surge switches and the banner that explains them."""

    fieldsets = [
        (None, {"fields": ["submissions_paused", "supports_paused", "comments_paused", "search_paused"]}),
        ("Banner", {"fields": ["banner_kk", "banner_ru", "banner_en"]}),
    ]

    def has_add_permission(self, request):
        return permissions.is_admin(request.user) and not SiteSwitches.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
