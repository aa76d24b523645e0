"""The audit log of staff actions, filterable, for admins and auditors; and its CSV export, with the same
filters. Reading it is itself an entry: those who watch staff are watched in turn."""

import csv
import json
from datetime import UTC

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from portal.core.audit import audit_action_label, audit_record, audit_target_type_choices
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


def _filters_used(form: AuditFilterForm) -> dict[str, str]:
    """The filters a reading was taken with, keyed apart from what other entries record (an admin action's
    `action`, say), each with its label in the vocabulary."""
    if not form.is_bound or not form.is_valid():
        return {}
    return {f"filter_{name}": str(value) for name, value in form.cleaned_data.items() if value}


def _filtered(form: AuditFilterForm):
    entries = AuditEntry.objects.select_related("actor").order_by("-created_at", "-id")
    if form.is_bound and form.is_valid():
        for name, lookup in FILTER_LOOKUPS.items():
            if form.cleaned_data[name]:
                entries = entries.filter(**{lookup: form.cleaned_data[name]})
    return entries


@login_required
@require_safe
@role_required(can_view_audit_log)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    page = Paginator(_filtered(form), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request,
        "staff/audit_log.html",
        {"form": form if form.is_bound else AuditFilterForm(), "page": page, "query": query.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
    # Written after the page is read, so that it lists what was there, not the reading itself.
    details = {**_filters_used(form), "page": page.number}
    audit_record(actor=request.user, action="audit.viewed", details=details)
    return response


# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"): a display name or a
# detail typed by someone starts with one as easily as any other.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_COLUMNS = (
    "id",
    "when",
    "actor",
    "actor_name",
    "action",
    "action_name",
    "target_type",
    "target_id",
    "details",
)


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


@login_required
@require_safe
@role_required(can_view_audit_log)
def audit_log_csv(request):
    """The entries the filters select, for a spreadsheet: times in UTC (ISO 8601), the actor by account number
    and the name staff see on the page (never an email), details as JSON. An invalid filter exports nothing
    rather than the whole log. The export itself is an entry: who took which part of the log, and when."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return audit_log(request)
    entries = _filtered(form)
    audit_record(actor=request.user, action="audit.exported", details=_filters_used(form))
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so that spreadsheet programs read UTF-8
        yield writer.writerow(EXPORT_COLUMNS)
        for entry in entries.iterator(chunk_size=2000):
            row = (
                entry.pk,
                entry.created_at.astimezone(UTC).isoformat(),
                entry.actor_id,
                entry.actor.display_name if entry.actor else "",
                entry.action,
                audit_action_label(entry.action),
                entry.target_type,
                entry.target_id,
                json.dumps(entry.details, ensure_ascii=False, sort_keys=True) if entry.details else "",
            )
            yield writer.writerow([_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-log-{timezone.localdate().isoformat()}.csv"'
    )
    return response
