"""Django admin for what admins set without code: consultations (with their moderation policy), topics,
response templates and answer obligations (deadlines); read-only views of moderation cases and reports.
Decisions and answers are taken in the moderation queue and the Commission's work queue, never here."""

from django.contrib import admin

from portal.core import permissions
from portal.core.admin import AdministratorsOnly, ReadOnlyForAdministrators

from .models import Consultation, ModerationCase, ObligationRule, Phase, Report, ResponseTemplate, Topic


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0

    def has_view_permission(self, request, obj=None):
        return permissions.is_admin(request.user)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


@admin.register(Consultation)
class ConsultationAdmin(AdministratorsOnly):
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
class TopicAdmin(AdministratorsOnly):
    list_display = ("slug", "name_kk", "name_ru", "name_en", "position", "is_active")
    list_editable = ("position", "is_active")


@admin.register(ModerationCase)
class ModerationCaseAdmin(ReadOnlyForAdministrators):
    list_display = ("pk", "proposal", "comment", "source", "status", "decision", "reason_code", "created_at")
    list_filter = ("status", "source", "decision", "reason_code", "language")


@admin.register(Report)
class ReportAdmin(ReadOnlyForAdministrators):
    list_display = ("pk", "kind", "proposal", "comment", "created_at")
    list_filter = ("kind",)


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(AdministratorsOnly):
    list_display = ("name", "status", "is_active")
    list_filter = ("is_active", "status")
    search_fields = ("name", "text_kk", "text_ru", "text_en")


@admin.register(ObligationRule)
class ObligationRuleAdmin(AdministratorsOnly):
    list_display = ("name", "consultation", "min_supports", "days", "is_active")
    list_filter = ("is_active", "consultation")
