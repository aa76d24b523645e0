"""Django admin, for superusers only (the secretariat does all of this on the staff pages, through the
services): consultations, topics, answer templates, answer obligations and the bodies responsible for
commitments; read-only views of moderation cases and reports. Decisions and answers are taken in the
moderation queue and the Commission's work queue, never here."""

from django.contrib import admin
from django.utils.translation import gettext as _

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
from .models.translated import LANGUAGE_ORDER
from .services.consultation import (
    ConsultationInput,
    PhaseDates,
    consultation_create,
    consultation_update,
)


class PhaseInline(admin.TabularInline):
    """Read only: a phase's dates change on the staff consultation page, and intake opens and closes there,
    each step in the consultation's log and the audit log."""

    model = Phase
    extra = 0

    def has_view_permission(self, request, obj=None):
        return is_superuser_with_powers(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    has_change_permission = has_delete_permission = has_add_permission


class ConsultationAdminForm(PortalModelForm):
    accepted_identity_levels = accepted_levels_field()

    class Meta:
        model = Consultation
        fields = ["accepted_identity_levels"]

    def clean(self):
        cleaned = super().clean()
        if "title_kk" in self.fields and not (cleaned.get("title_kk") or "").strip():
            self.add_error("title_kk", _("Give the title in Kazakh."))
        return cleaned


@admin.register(Consultation)
class ConsultationAdmin(SuperusersOnly):
    """Saved through the consultation services, as on the staff pages: a new one starts as a draft in its
    log, an edit is audited and a change of the accepted levels recounts the supports. Never deleted: its
    log, documents, commitments and outcome are the record of the consultation."""

    form = ConsultationAdminForm
    list_display = ("slug", "title_kk", "title_ru", "title_en", "status", "moderation_policy", "created_at")
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

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = ConsultationInput(
            slug=obj.slug,
            titles={code: getattr(obj, f"title_{code}") for code in LANGUAGE_ORDER},
            descriptions={code: getattr(obj, f"description_{code}") for code in LANGUAGE_ORDER},
            moderation_policy=obj.moderation_policy,
            accepted_identity_levels=tuple(obj.accepted_identity_levels),
            # The phases stay as they are: the service replaces them with those it is given.
            phases=tuple(PhaseDates(p.kind, p.starts_at, p.ends_at) for p in obj.phases.all())
            if change
            else (),
        )
        if change:
            saved = consultation_update(consultation=obj, actor=request.user, data=data)
        else:
            saved = consultation_create(actor=request.user, data=data)
        obj.pk, obj.status, obj.created_at = saved.pk, saved.status, saved.created_at


@admin.register(Topic)
class TopicAdmin(SuperusersOnly):
    list_display = ("slug", "name_kk", "name_ru", "name_en", "position", "is_active")
    list_editable = ("position", "is_active")

    # Deleted, a topic would vanish from the published proposals filed under it: it is made inactive instead.
    def has_delete_permission(self, request, obj=None):
        return False


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

    # A deadline the public has been promised is kept on the record: an obligation is made inactive instead.
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResponsibleBody)
class ResponsibleBodyAdmin(SuperusersOnly):
    """The bodies commitments name; the commitments themselves are recorded on the staff pages."""

    list_display = ("slug", "name_kk", "name_ru", "name_en")
    search_fields = ("slug", "name_kk", "name_ru", "name_en")
