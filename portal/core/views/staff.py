"""The staff area's front page: the panels that the apps registered (`registries.staff_panels`), each shown
to the people it is for. The second-factor gate runs before."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.core import registries
from portal.core.roles import ROLE_LABELS, can_open_staff_area, role_required, roles_of


@require_safe
@role_required(can_open_staff_area)
def dashboard(request):
    panels = [
        {"template": panel.template, **(panel.context(request) if panel.context else {})}
        for panel in sorted(registries.staff_panels, key=lambda panel: panel.order)
        if panel.visible(request.user)
    ]
    roles = [ROLE_LABELS[role] for role in sorted(roles_of(request.user))]
    return render(request, "staff/dashboard.html", {"roles": roles, "panels": panels})
