"""The audit log of staff actions, filterable, for admins."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.core import permissions
from portal.core.models import AuditEntry


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action starts with"), required=False, max_length=80)
    actor = forms.IntegerField(label=_("Actor (account number)"), required=False, min_value=1)
    target_type = forms.CharField(
        label=_("Target type, e.g. proposals.proposal"), required=False, max_length=80
    )
    target_id = forms.CharField(label=_("Target number"), required=False, max_length=40)
    since = forms.DateField(label=_("From (YYYY-MM-DD)"), required=False)
    until = forms.DateField(label=_("Until (YYYY-MM-DD)"), required=False)


@login_required
def audit_log(request):
    if not permissions.can_view_moderation_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("actor").order_by("-created_at", "-id")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action__startswith=data["action"])
        if data["actor"]:
            entries = entries.filter(actor_id=data["actor"])
        if data["target_type"]:
            entries = entries.filter(target_type=data["target_type"])
        if data["target_id"]:
            entries = entries.filter(target_id=data["target_id"])
        if data["since"]:
            entries = entries.filter(created_at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(created_at__date__lte=data["until"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/audit_log.html",
        {"form": form if form.is_bound else AuditFilterForm(), "page": page, "query": query.urlencode()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
