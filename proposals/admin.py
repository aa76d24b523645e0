"""Django admin for what admins set without code: consultations (with their moderation policy), topics,
response templates and answer obligations (deadlines); read-only views of moderation cases and reports.
Decisions and answers are taken in the moderation queue and the Commission's work queue, never here."""

from django.contrib import admin

from portal.core import permissions

from .models import Consultation, ModerationCase, ObligationRule, Phase, Report, ResponseTemplate, Topic


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("slug", "title_kk", "title_ru", "title_en", "moderation_policy", "created_at")
    fields = (
        "slug",
        ("title_kk", "title_ru", "title_en"),
        "description_kk",
        "description_ru",
        "description_en",
        "moderation_policy",
    )
    inlines = [PhaseInline]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_kk", "name_ru", "name_en", "position", "is_active")
    list_editable = ("position", "is_active")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationCase)
class ModerationCaseAdmin(ReadOnlyAdmin):
    list_display = ("pk", "proposal", "comment", "source", "status", "decision", "reason_code", "created_at")
    list_filter = ("status", "source", "decision", "reason_code", "language")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "proposal", "comment", "created_at")
    list_filter = ("kind",)


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
