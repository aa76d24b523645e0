"""Staff: the whole life of a consultation, from a draft to the archive. Each action is a small POST view
that calls one service; the staff second-factor gate covers /staff/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.form_views import refusal_flashed, service_form_page
from portal.core.forms import posted_data

from ..forms_staff import (
    ArchiveForm,
    ConsultationEditForm,
    ConsultationForm,
    DocumentCreateForm,
    IntakeOpenForm,
    OutcomePublishForm,
    texts_by_language,
)
from ..models import Consultation, ConsultationStatus, DocumentVersion, Phase
from ..permissions import consultation as permissions
from ..permissions.hearing import new_hearing_refusal
from ..selectors import consultation as selectors
from ..selectors.response_template import staff_templates
from ..services import consultation as services

# The steps of `ConsultationTransition.action`, as the history on the page names them.
ACTION_LABELS = {
    "created": gettext_lazy("Created as a draft"),
    "published": gettext_lazy("Published"),
    "intake_opened": gettext_lazy("Intake opened"),
    "intake_closed": gettext_lazy("Intake closed"),
    "outcome_published": gettext_lazy("Outcome published"),
    "archived": gettext_lazy("Archived"),
}


def _require_manager(user):
    if not permissions.can_manage_consultations(user):
        raise PermissionDenied


@login_required
def consultation_staff_list(request):
    _require_manager(request.user)
    return render(
        request, "proposals/staff/consultation_list.html", {"consultations": selectors.staff_consultations()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_create(request):
    _require_manager(request.user)
    return service_form_page(
        request,
        ConsultationForm(posted_data(request)),
        save=lambda form: services.consultation_create(actor=request.user, data=form.to_input()),
        success=_("The consultation is created as a draft."),
        next_url=_staff_page,
        template="proposals/staff/consultation_form.html",
        context={"consultation": None},
        invalid_status=200,
    )


def _staff_page(consultation) -> str:
    return reverse("staff_consultation", kwargs={"pk": consultation.pk})


def _page_context(consultation, **forms):
    now_intake = consultation.phases.filter(kind=Phase.Kind.INTAKE).first()
    intake_open = now_intake is not None and now_intake.state() == "current"
    return {
        "consultation": consultation,
        "form": forms.get("form")
        or ConsultationEditForm(initial=ConsultationEditForm.initial_for(consultation)),
        "document_form": forms.get("document_form") or DocumentCreateForm(prefix="document"),
        # The intake's end planned when the consultation was created, while it is still ahead.
        "intake_form": forms.get("intake_form")
        or IntakeOpenForm(
            initial={"ends_at": now_intake.ends_at}
            if now_intake is not None and now_intake.ends_at and now_intake.ends_at > timezone.now()
            else {}
        ),
        "archive_form": forms.get("archive_form") or ArchiveForm(),
        "outcome_form": forms.get("outcome_form")
        or OutcomePublishForm(
            initial={
                f"summary_{code}": getattr(consultation, f"outcome_summary_{code}")
                for code in ["kk", "ru", "en"]
            },
            intake_open=intake_open,
        ),
        "awaiting_answer": selectors.awaiting_answer_count(consultation),
        "intake": now_intake,
        "intake_open": intake_open,
        "documents": consultation.documents.order_by("pk").prefetch_related(
            Prefetch("versions", queryset=DocumentVersion.objects.order_by("position"))
        ),
        "history": [
            (transition, ACTION_LABELS.get(transition.action, transition.action))
            for transition in consultation.transitions.select_related("actor")
        ],
        "answer_templates": staff_templates(consultation),
        "has_published_version": DocumentVersion.objects.published()
        .filter(document__consultation=consultation)
        .exists(),
        "obligations": consultation.obligation_rules.order_by("min_supports", "days", "pk"),
        "hearings": consultation.hearings.order_by("-starts_at", "-pk"),
        "takes_hearings": new_hearing_refusal(consultation) is None,
        "statuses": ConsultationStatus,
    }


def _managed(request, pk) -> Consultation:
    _require_manager(request.user)
    return get_object_or_404(Consultation, pk=pk)


def _page_form(
    request, consultation, form_name: str, form, *, save, success, next_url=_staff_page, status=400
):
    """One form of the consultation's staff page: `save(form)` runs its service; a refusal or an invalid
    form shows the whole page again with this form's errors."""
    return service_form_page(
        request,
        form,
        save=save,
        success=success,
        next_url=next_url,
        template="proposals/staff/consultation_edit.html",
        context=lambda: _page_context(consultation),
        form_name=form_name,
        invalid_status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_edit(request, pk):
    consultation = _managed(request, pk)
    return _page_form(
        request,
        consultation,
        "form",
        ConsultationEditForm(posted_data(request), initial=ConsultationEditForm.initial_for(consultation)),
        save=lambda form: services.consultation_update(
            consultation=consultation, actor=request.user, data=form.to_input(), seen=form.seen
        ),
        success=_("Your changes are saved."),
        status=200,
    )


@login_required
@require_POST
def document_create(request, pk):
    consultation = _managed(request, pk)
    return _page_form(
        request,
        consultation,
        "document_form",
        DocumentCreateForm(request.POST, prefix="document"),
        save=lambda form: services.document_create(
            consultation=consultation,
            actor=request.user,
            slug=form.cleaned_data["slug"],
            titles=texts_by_language(form.cleaned_data, "title"),
        ),
        success=_("The document is created: upload its first version."),
        next_url=lambda document: reverse("staff_document_import", kwargs={"pk": document.pk}),
    )


def _act(request, pk, action, success):
    """Runs one lifecycle service and goes back to the consultation's staff page."""
    consultation = _managed(request, pk)
    with refusal_flashed(request):
        action(consultation=consultation, actor=request.user)
        messages.success(request, success)
    return redirect("staff_consultation", pk=consultation.pk)


@login_required
@require_POST
def consultation_publish(request, pk):
    return _act(request, pk, services.consultation_publish, _("The consultation is published."))


@login_required
@require_POST
def consultation_intake_close(request, pk):
    return _act(request, pk, services.consultation_intake_close, _("Intake is closed."))


@login_required
@require_POST
def consultation_archive(request, pk):
    """Archiving cannot be undone, so the form asks for a ticked confirmation first."""
    consultation = _managed(request, pk)
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        context = _page_context(consultation, archive_form=form)
        return render(request, "proposals/staff/consultation_edit.html", context, status=400)
    return _act(request, pk, services.consultation_archive, _("The consultation is archived."))


@login_required
@require_POST
def consultation_intake_open(request, pk):
    # The date stays in the form beside a refusal's reason, as with every other form of the page.
    consultation = _managed(request, pk)
    return _page_form(
        request,
        consultation,
        "intake_form",
        IntakeOpenForm(request.POST),
        save=lambda form: services.consultation_intake_open(
            consultation=consultation, actor=request.user, ends_at=form.cleaned_data["ends_at"]
        ),
        success=_("Intake is open: citizens can submit proposals."),
    )


@login_required
@require_POST
def consultation_outcome_publish(request, pk):
    consultation = _managed(request, pk)
    return _page_form(
        request,
        consultation,
        "outcome_form",
        OutcomePublishForm(request.POST, intake_open=permissions.intake_is_open(consultation)),
        save=lambda form: services.consultation_outcome_publish(
            consultation=consultation,
            actor=request.user,
            summaries=texts_by_language(form.cleaned_data, "summary"),
            despite_unanswered=form.cleaned_data["despite_unanswered"],
            despite_open_intake=form.cleaned_data.get("despite_open_intake", False),
        ),
        success=_("The outcome is published."),
        next_url=lambda consultation: reverse("consultation_outcome", kwargs={"slug": consultation.slug}),
    )
