"""The audit log of staff actions, filterable, for admins."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.core.audit import audit_target_type_choices
from portal.core.forms import PortalForm
from portal.core.models import AuditEntry
from portal.core.roles import can_view_audit_log, role_required


class AuditFilterForm(PortalForm):
    action = forms.CharField(label=_("Action starts with"), required=False, max_length=80)
    actor = forms.IntegerField(label=_("Actor (account number)"), required=False, min_value=1)
    target_type = forms.ChoiceField(label=_("Target type"), required=False)
    target_id = forms.CharField(label=_("Target number"), required=False, max_length=40)
    since = forms.DateField(label=_("From (YYYY-MM-DD)"), required=False)
    until = forms.DateField(label=_("Until (YYYY-MM-DD)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = [("", _("Any")), *audit_target_type_choices()]


# Each field of the filter form and the lookup it applies: fixed here, never taken from the request.
FILTER_LOOKUPS = {
    "action": "action__startswith",
    "actor": "actor_id",
    "target_type": "target_type",
    "target_id": "target_id",
    "since": "created_at__date__gte",
    "until": "created_at__date__lte",
}


@login_required
@role_required(can_view_audit_log)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("actor").order_by("-created_at", "-id")
    if form.is_bound and form.is_valid():
        for name, lookup in FILTER_LOOKUPS.items():
            if form.cleaned_data[name]:
                entries = entries.filter(**{lookup: form.cleaned_data[name]})
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/audit_log.html",
        {"form": form if form.is_bound else AuditFilterForm(), "page": page, "query": query.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
