"""The moderation queue: filter, claim, decide with a statement of reasons; authors appeal."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.core import permissions

from ..models import ModerationCase, Proposal
from ..services import moderation as services

OVERDUE_DAYS = 7


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=ModerationCase.Decision.choices)
    reason_code = forms.ChoiceField(
        label=gettext_lazy("Reason"),
        required=False,
        choices=[
            ("", gettext_lazy("— for a rejection or a change request —")),
            *ModerationCase.ReasonCode.choices,
        ],
    )
    statement = forms.CharField(
        label=gettext_lazy("Statement of reasons, shown to the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
    )


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label=gettext_lazy("Why should the decision change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
    )


def _require_moderator(user):
    if not permissions.can_moderate(user):
        raise PermissionDenied


@login_required
def queue(request):
    _require_moderator(request.user)
    cases = ModerationCase.objects.filter(status=ModerationCase.Status.OPEN).select_related(
        "proposal", "claimed_by"
    )
    reason = request.GET.get("reason", "")
    if reason:
        # Reason codes are plain words inside a JSON list: a quoted substring match works on every database.
        cases = cases.filter(reasons__icontains=f'"{reason[:40]}"')
    if request.GET.get("mine") == "1":
        cases = cases.filter(claimed_by=request.user)
    if request.GET.get("appeals") == "1":
        cases = cases.filter(appeal_of__isnull=False)
    page = Paginator(cases.order_by("-appeal_of", "created_at"), 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "case": case,
            "age_days": (now - case.created_at).days,
            "overdue": (now - case.created_at).days >= OVERDUE_DAYS,
        }
        for case in page.object_list
    ]
    return render(request, "proposals/moderation/queue.html", {"page": page, "rows": rows, "reason": reason})


@login_required
def case_detail(request, pk):
    _require_moderator(request.user)
    case = get_object_or_404(
        ModerationCase.objects.select_related("proposal__author", "claimed_by", "appeal_of"), pk=pk
    )
    return render(request, "proposals/moderation/case.html", {"case": case, "form": DecisionForm()})


@login_required
@require_POST
def case_claim(request, pk):
    _require_moderator(request.user)
    case = get_object_or_404(ModerationCase, pk=pk)
    try:
        services.moderation_case_claim(case=case, moderator=request.user)
    except services.CaseTaken as taken:
        messages.error(request, _("%(name)s is already working on this case.") % {"name": taken.holder_name})
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("moderation_case", pk=case.pk)


@login_required
@require_POST
def case_decide(request, pk):
    _require_moderator(request.user)
    case = get_object_or_404(ModerationCase.objects.select_related("proposal__author", "claimed_by"), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.moderation_decide(case=case, moderator=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Decision recorded; the author is told."))
            return redirect("moderation_queue")
    return render(request, "proposals/moderation/case.html", {"case": case, "form": form}, status=400)


@login_required
@require_POST
def proposal_appeal(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    if proposal.author_id != request.user.pk:
        raise Http404
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.moderation_appeal(
                proposal=proposal, author=request.user, grounds=form.cleaned_data["grounds"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Your appeal is sent. Another moderator will review the decision."))
    else:
        messages.error(request, _("Say why the decision should change."))
    return redirect(proposal)
