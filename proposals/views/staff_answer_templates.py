"""Staff: the answer templates Commission members start from, kept by the secretariat (kk/ru/en), for one
consultation or for every one. The services check, write and audit; the second-factor gate covers /staff/."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.core.form_views import service_form_page
from portal.core.forms import posted_data
from portal.core.roles import role_required

from ..forms_staff import ResponseTemplateForm
from ..models import Consultation, ResponseTemplate
from ..permissions.consultation import can_manage_consultations
from ..selectors.response_template import staff_templates
from ..services import response_template as services


def _after_save(template: ResponseTemplate) -> str:
    if template.consultation_id:
        return reverse("staff_consultation", kwargs={"pk": template.consultation_id}) + "#answer-templates"
    return reverse("staff_answer_template_list")


@login_required
@role_required(can_manage_consultations)
def answer_template_list(request):
    return render(request, "proposals/staff/answer_template_list.html", {"templates": staff_templates()})


def _form_page(request, form, *, save, template, consultation):
    return service_form_page(
        request,
        form,
        save=save,
        success=_("The answer template is saved."),
        next_url=_after_save,
        template="proposals/staff/answer_template_form.html",
        context={"template": template, "consultation": consultation},
    )


@login_required
@require_http_methods(["GET", "POST"])
@role_required(can_manage_consultations)
def answer_template_create(request):
    consultation = None
    wanted = request.GET.get("consultation", "")
    if wanted.isascii() and wanted.isdigit():
        consultation = Consultation.objects.filter(pk=int(wanted)).first()
    return _form_page(
        request,
        ResponseTemplateForm(posted_data(request), initial={"consultation": consultation}),
        save=lambda form: services.response_template_create(actor=request.user, data=form.to_input()),
        template=None,
        consultation=consultation,
    )


@login_required
@require_http_methods(["GET", "POST"])
@role_required(can_manage_consultations)
def answer_template_edit(request, pk):
    template = get_object_or_404(ResponseTemplate.objects.select_related("consultation"), pk=pk)
    return _form_page(
        request,
        ResponseTemplateForm(posted_data(request), initial=ResponseTemplateForm.initial_for(template)),
        save=lambda form: services.response_template_update(
            template=template, actor=request.user, data=form.to_input(), seen=form.seen
        ),
        template=template,
        consultation=template.consultation,
    )
