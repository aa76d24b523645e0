"""Django admin for what admins set without code: consultations (with their moderation policy), topics, and
read-only views of moderation cases and reports (decisions are taken in the moderation queue)."""

from django.contrib import admin

from .models import Consultation, ModerationCase, Phase, Report, Topic


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
