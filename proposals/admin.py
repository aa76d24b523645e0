"""Django admin for what administrators maintain in the participation domain: response templates and the
answer obligations (deadlines). Answers themselves are written in the Commission's work queue, through the
services, never here."""

from django.contrib import admin

from portal.core import permissions

from .models import ObligationRule, ResponseTemplate


class AdministratorsOnly(admin.ModelAdmin):
    """The portal's Administrators role decides, not Django's per-model permissions."""

    def has_module_permission(self, request):
        return permissions.can_manage_answer_settings(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_manage_answer_settings(request.user)

    def has_add_permission(self, request):
        return permissions.can_manage_answer_settings(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_manage_answer_settings(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_manage_answer_settings(request.user)


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(AdministratorsOnly):
    list_display = ("name", "status", "is_active")
    list_filter = ("is_active", "status")
    search_fields = ("name", "text_kk", "text_ru", "text_en")


@admin.register(ObligationRule)
class ObligationRuleAdmin(AdministratorsOnly):
    list_display = ("name", "consultation", "min_supports", "days", "is_active")
    list_filter = ("is_active", "consultation")
