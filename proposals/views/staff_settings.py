"""Staff: the lists the secretariat keeps beside the consultations, which the Django admin used to hold:
answer obligations, topics and the bodies commitments name. Each page lists, creates and edits through one
service per list; the second-factor gate covers /staff/."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.core.form_views import service_form_page
from portal.core.forms import posted_data
from portal.core.roles import role_required
from portal.core.templatetags.translated import translated_text

from ..forms_staff import ObligationForm, ResponsibleBodyForm, TopicForm
from ..models import Consultation, ObligationRule, ResponsibleBody, Topic
from ..services import obligation, responsible_body, topic
from ..services.staff_list import StaffList


@dataclass(frozen=True)
class _List:
    """What one staff list needs: its pages (`staff_<key>_list`, `_create`, `_edit`), its title, how a row
    reads, the kept list of its services (model and keeper), and the services that create and update its
    items (`update(item, actor=…, data=…)`)."""

    key: str
    title: str
    new_label: str
    headers: tuple
    form: type
    kept: StaffList
    create: Callable
    update: Callable
    help: str = ""

    @property
    def list_url(self) -> str:
        return f"staff_{self.key}_list"

    @property
    def create_url(self) -> str:
        return f"staff_{self.key}_create"

    @property
    def edit_url(self) -> str:
        return f"staff_{self.key}_edit"


def _back_to_consultation(rule: ObligationRule) -> str:
    if rule.consultation_id:
        return reverse("staff_consultation", kwargs={"pk": rule.consultation_id}) + "#obligations"
    return reverse(OBLIGATIONS.list_url)


OBLIGATIONS = _List(
    key="obligation",
    title=gettext_lazy("Answer obligations"),
    new_label=gettext_lazy("New obligation"),
    headers=(
        gettext_lazy("name"),
        gettext_lazy("consultation"),
        gettext_lazy("answered within (days)"),
        gettext_lazy("at least this many supports"),
        gettext_lazy("active"),
    ),
    help=gettext_lazy(
        "Published proposals with at least the given supports are answered within the given days; "
        "when several obligations apply, the earliest deadline counts. The overdue page holds the "
        "Commission to them."
    ),
    form=ObligationForm,
    kept=obligation.OBLIGATIONS,
    create=obligation.obligation_rule_create,
    update=lambda rule, **given: obligation.obligation_rule_update(rule=rule, **given),
)
TOPICS = _List(
    key="topic",
    title=gettext_lazy("Topics"),
    new_label=gettext_lazy("New topic"),
    headers=(gettext_lazy("name"), gettext_lazy("position"), gettext_lazy("offered to authors")),
    form=TopicForm,
    kept=topic.TOPICS,
    create=topic.topic_create,
    update=lambda item, **given: topic.topic_update(topic=item, **given),
)
BODIES = _List(
    key="responsible_body",
    title=gettext_lazy("Responsible bodies"),
    new_label=gettext_lazy("New responsible body"),
    headers=(gettext_lazy("name"), gettext_lazy("Address (Latin letters, digits and hyphens)")),
    help=gettext_lazy("Commitments name the body answerable for them; people can follow a body."),
    form=ResponsibleBodyForm,
    kept=responsible_body.BODIES,
    create=responsible_body.responsible_body_create,
    update=lambda body, **given: responsible_body.responsible_body_update(body=body, **given),
)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _list_view(spec: _List, rows: Callable):
    """The list page of `spec`: `rows()` gives each item as (item, cells)."""

    @login_required
    @role_required(spec.kept.may_keep)
    def view(request):
        lines = [(reverse(spec.edit_url, kwargs={"pk": item.pk}), cells) for item, cells in rows()]
        return render(request, "proposals/staff/settings_list.html", {"list": spec, "rows": lines})

    return view


def _form_page(request, spec: _List, *, form, save, title, back=None, item=None):
    """Shows `form`; on a valid POST calls `save(form)` (a service) and goes back, else shows its errors.
    An `item`'s heading is its name marked with the language it is written in."""
    return service_form_page(
        request,
        form,
        save=save,
        success=_("Your changes are saved."),
        next_url=back or (lambda saved: reverse(spec.list_url)),
        template="proposals/staff/settings_form.html",
        context={"list": spec, "title": title, "item": item},
    )


def _edit_views(spec: _List, *, initial: Callable = lambda request: None, back=None):
    """The create and edit pages of `spec`; `initial(request)` fills a new item's form."""

    @login_required
    @require_http_methods(["GET", "POST"])
    @role_required(spec.kept.may_keep)
    def create(request):
        return _form_page(
            request,
            spec,
            form=spec.form(posted_data(request), initial=initial(request)),
            save=lambda form: spec.create(actor=request.user, data=form.to_input()),
            title=spec.new_label,
            back=back,
        )

    @login_required
    @require_http_methods(["GET", "POST"])
    @role_required(spec.kept.may_keep)
    def edit(request, pk):
        item = get_object_or_404(spec.kept.model, pk=pk)
        return _form_page(
            request,
            spec,
            form=spec.form(posted_data(request), initial=spec.form.initial_for(item)),
            save=lambda form: spec.update(item, actor=request.user, data=form.to_input(), seen=form.seen),
            title=str(item),
            back=back,
            item=item,
        )

    return create, edit


# --- answer obligations ---


def _obligation_rows():
    rules = ObligationRule.objects.select_related("consultation").order_by(
        "consultation_id", "min_supports", "pk"
    )
    for rule in rules:
        consultation = str(rule.consultation) if rule.consultation else _("Every consultation")
        # A name kept in another language only is marked as such, as on every page that shows it.
        name = render_to_string("includes/translated_text.html", translated_text(rule, "name"))
        yield rule, [name, consultation, rule.days, rule.min_supports, _yes_no(rule.is_active)]


def _obligation_initial(request) -> dict:
    wanted = request.GET.get("consultation", "")
    consultation = (
        Consultation.objects.filter(pk=int(wanted)).first() if wanted.isascii() and wanted.isdigit() else None
    )
    return {"consultation": consultation, "min_supports": 0}


obligation_list = _list_view(OBLIGATIONS, _obligation_rows)
obligation_create, obligation_edit = _edit_views(
    OBLIGATIONS, initial=_obligation_initial, back=_back_to_consultation
)

# --- topics ---

topic_list = _list_view(
    TOPICS,
    lambda: (
        (item, [str(item), item.position, _yes_no(item.is_active)])
        for item in Topic.objects.order_by("position", "slug")
    ),
)
topic_create, topic_edit = _edit_views(TOPICS)

# --- responsible bodies ---

responsible_body_list = _list_view(
    BODIES, lambda: ((body, [str(body), body.slug]) for body in ResponsibleBody.objects.order_by("slug"))
)
responsible_body_create, responsible_body_edit = _edit_views(BODIES)
