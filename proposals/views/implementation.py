"""After the outcome, in public: the tracker of commitments per consultation (filters, chart, overdue list),
one commitment with the chain behind it and its updates, and following a commitment or a responsible body."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.page_cache import cache_anonymous_page

from ..forms import TrackerFilterForm
from ..models import Commitment, CommitmentStatus, ResponsibleBody
from ..permissions.consultation import can_view_consultation
from ..selectors import commitment as selectors
from ..services import commitment as services
from .consultation import visible_consultation

CHART_WIDTH = 600
CHART_HEIGHT = 200
CHART_LEFT = 56  # room for the axis labels
CHART_TOP = 10


def progress_chart(points: list[selectors.ProgressPoint]) -> dict:
    """The line of mean progress over time; the template draws it as SVG and repeats it as a table. Numbers
    here go into SVG attributes: they are computed as strings, never localised."""
    if not points:
        return {"points": [], "polyline": "", "ticks": []}
    span = max((points[-1].day - points[0].day).days, 1)
    coordinates = []
    for point in points:
        x = CHART_LEFT + (point.day - points[0].day).days * CHART_WIDTH / span
        y = CHART_TOP + CHART_HEIGHT * (100 - point.average) / 100
        coordinates.append({"point": point, "x": f"{x:.1f}", "y": f"{y:.1f}"})
    ticks = [
        # +4: the label's baseline sits below the line it names.
        {"value": value, "y": f"{CHART_TOP + CHART_HEIGHT * (100 - value) / 100 + 4:.1f}"}
        for value in (0, 50, 100)
    ]
    return {
        "points": coordinates,
        "polyline": " ".join(f"{c['x']},{c['y']}" for c in coordinates),
        "ticks": ticks,
        "width": str(CHART_LEFT + CHART_WIDTH + 20),
        "height": str(CHART_TOP + CHART_HEIGHT + 20),
        "axis_x_start": str(CHART_LEFT),
        "axis_x_end": str(CHART_LEFT + CHART_WIDTH),
        "axis_y_end": str(CHART_TOP + CHART_HEIGHT),
    }


@cache_anonymous_page()
def implementation_tracker(request, slug):
    consultation = visible_consultation(request, slug)
    choices = selectors.tracker_filter_choices(consultation=consultation)
    form = TrackerFilterForm(request.GET or None, **choices)
    filters = selectors.TrackerFilters()
    if form.is_valid():
        filters = selectors.TrackerFilters(**{name: form.cleaned_data[name] or None for name in form.fields})
    commitments = list(selectors.tracker_commitments(consultation=consultation, filters=filters))
    counts = selectors.status_counts(consultation=consultation)
    return render(
        request,
        "proposals/implementation/tracker.html",
        {
            "consultation": consultation,
            "form": form,
            "commitments": commitments,
            "counts": [(value, label, counts[value]) for value, label in CommitmentStatus.choices],
            "overdue_count": selectors.overdue_commitments(consultation=consultation).count(),
            "chart": progress_chart(selectors.progress_history(consultation=consultation)),
        },
    )


def implementation_overdue(request, slug):
    consultation = visible_consultation(request, slug)
    today = selectors.today()
    rows = [
        {"commitment": commitment, "days_overdue": (today - commitment.due_date).days}
        for commitment in selectors.overdue_commitments(consultation=consultation, on=today)
    ]
    return render(
        request, "proposals/implementation/overdue.html", {"consultation": consultation, "rows": rows}
    )


def commitment_detail(request, slug, pk):
    consultation = visible_consultation(request, slug)
    commitment = selectors.commitment_detail(consultation=consultation, pk=pk)
    if commitment is None:
        raise Http404
    follows = request.user.commitment_follows if request.user.is_authenticated else None
    return render(
        request,
        "proposals/implementation/detail.html",
        {
            "consultation": consultation,
            "commitment": commitment,
            "follows_commitment": bool(follows and follows.filter(commitment=commitment).exists()),
            "follows_body": bool(follows and follows.filter(body_id=commitment.body_id).exists()),
        },
    )


def _follow(request, **target):
    follow = request.POST.get("action") != "unfollow"
    services.commitment_follow_set(user=request.user, follow=follow, **target)
    if follow:
        messages.success(request, _("You follow this: every update reaches you in your notifications."))
    else:
        messages.success(request, _("You no longer follow this."))


@login_required
@require_POST
def commitment_follow(request, pk):
    commitment = get_object_or_404(Commitment.objects.select_related("consultation"), pk=pk)
    if not can_view_consultation(request.user, commitment.consultation):
        raise Http404  # a draft's commitments are not there for the public to follow
    _follow(request, commitment=commitment)
    return redirect(commitment)


@login_required
@require_POST
def body_follow(request, pk):
    body = get_object_or_404(ResponsibleBody, pk=pk)
    _follow(request, body=body)
    # Back to the commitment the button was on, if the form names one of this body's.
    chosen = request.POST.get("commitment", "")
    commitment = (
        Commitment.objects.filter(pk=int(chosen), body=body).first()
        if chosen.isdigit() and len(chosen) < 19
        else None
    )
    return redirect(commitment or "home")
