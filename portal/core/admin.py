"""Base classes for the Django admin, which only superusers open (`admin_site.SuperuserAdminSite`): a
superuser (with the second factor of every staff power) decides, not Django's per-model permissions."""

from django.contrib import admin

from portal.core.roles import is_admin

from .models import SiteSwitches


def is_superuser_with_powers(user) -> bool:
    """A superuser whose session passed the second factor (`is_admin` holds only then)."""
    return user.is_superuser and is_admin(user)


class SuperusersOnly(admin.ModelAdmin):
    # What is typed here is normalised as every other form's input: the site gives every admin's forms
    # `NormalisedInputMixin` (`admin_site.NormalisedAdmin`).

    def has_module_permission(self, request):
        return is_superuser_with_powers(request.user)

    def has_view_permission(self, request, obj=None):
        return is_superuser_with_powers(request.user)

    def has_add_permission(self, request):
        return is_superuser_with_powers(request.user)

    def has_change_permission(self, request, obj=None):
        return is_superuser_with_powers(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_superuser_with_powers(request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nothing is added, changed or deleted here: the services write these records, with their checks, their
    notices and their audit entries, and the record is kept."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyForSuperusers(ReadOnlyAdmin, SuperusersOnly):
    """A record written by the services (cases, reports, deliveries): superusers look, never edit."""


@admin.register(SiteSwitches)
class SiteSwitchesAdmin(SuperusersOnly):
    """One row: the surge switches and the banner that explains them."""

    fieldsets = [
        (None, {"fields": ["submissions_paused", "supports_paused", "comments_paused", "search_paused"]}),
        ("Banner", {"fields": ["banner_kk", "banner_ru", "banner_en"]}),
    ]

    def has_add_permission(self, request):
        return is_superuser_with_powers(request.user) and not SiteSwitches.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
