"""Django admin, for superusers only (the secretariat does all of this on the staff pages, through the
services): consultations, topics, answer templates, answer obligations and the bodies responsible for
commitments; read-only views of moderation cases and reports. Decisions and answers are taken in the
moderation queue and the Commission's work queue, never here."""

from django.contrib import admin

from portal.core.admin import (
    ReadOnlyForSuperusers,
    SuperusersOnly,
    is_superuser_with_powers,
)
from portal.core.forms import PortalModelForm

from .forms_staff import accepted_levels_field
from .models import (
    Consultation,
    ModerationCase,
    ObligationRule,
    Phase,
    Report,
    ResponseTemplate,
    ResponsibleBody,
    Topic,
)
from .services.support import supports_reconcile


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0

    def has_view_permission(self, request, obj=None):
        return is_superuser_with_powers(request.user)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


class ConsultationAdminForm(PortalModelForm):
    accepted_identity_levels = accepted_levels_field()

    class Meta:
        model = Consultation
        fields = ["accepted_identity_levels"]


@admin.register(Consultation)
class ConsultationAdmin(SuperusersOnly):
    form = ConsultationAdminForm
    list_display = ("slug", "title_kk", "title_ru", "title_en", "moderation_policy", "created_at")
    fields = (
        "slug",
        ("title_kk", "title_ru", "title_en"),
        "description_kk",
        "description_ru",
        "description_en",
        "moderation_policy",
        "accepted_identity_levels",
    )
    inlines = [PhaseInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "accepted_identity_levels" in form.changed_data:
            # The counters hold the supports at accepted levels only: recount this consultation's.
            supports_reconcile(proposal_ids=obj.proposals.values("pk"))


@admin.register(Topic)
class TopicAdmin(SuperusersOnly):
    list_display = ("slug", "name_kk", "name_ru", "name_en", "position", "is_active")
    list_editable = ("position", "is_active")


@admin.register(ModerationCase)
class ModerationCaseAdmin(ReadOnlyForSuperusers):
    list_display = ("pk", "proposal", "comment", "source", "status", "decision", "reason_code", "created_at")
    list_filter = ("status", "source", "decision", "reason_code", "language")


@admin.register(Report)
class ReportAdmin(ReadOnlyForSuperusers):
    list_display = ("pk", "kind", "proposal", "comment", "created_at")
    list_filter = ("kind",)


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(SuperusersOnly):
    list_display = ("name", "status", "is_active")
    list_filter = ("is_active", "status")
    search_fields = ("name", "text_kk", "text_ru", "text_en")


@admin.register(ObligationRule)
class ObligationRuleAdmin(SuperusersOnly):
    list_display = ("__str__", "consultation", "min_supports", "days", "is_active")
    search_fields = ("name_kk", "name_ru", "name_en")
    list_filter = ("is_active", "consultation")


@admin.register(ResponsibleBody)
class ResponsibleBodyAdmin(SuperusersOnly):
    """The bodies commitments name; the commitments themselves are recorded on the staff pages."""

    list_display = ("slug", "name_kk", "name_ru", "name_en")
    search_fields = ("slug", "name_kk", "name_ru", "name_en")
