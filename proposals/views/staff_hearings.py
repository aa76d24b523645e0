"""Staff pages of hearings under /staff/hearings/ (the second-factor gate covers them): schedule, agenda,
status, speaker requests, minutes and registrations. Every view asks `permissions.can_manage_hearings`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core import permissions

from ..forms import (
    AgendaItemForm,
    HearingForm,
    HearingOutcomeForm,
    HearingTransitionForm,
    SpeakerDecisionForm,
)
from ..models import AgendaItem, ArticleIdentity, Hearing, Proposal, SpeakerRequest
from ..models.proposal import PUBLIC_STATUSES
from ..selectors import hearing as selectors
from ..selectors.consultation import current_consultation
from ..services import hearing as services


def _require_manager(request):
    if not permissions.can_manage_hearings(request.user):
        raise PermissionDenied


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def hearing_staff_list(request):
    _require_manager(request)
    return render(request, "proposals/staff/hearing_list.html", {"hearings": selectors.hearing_staff_list()})


@login_required
def hearing_create(request):
    _require_manager(request)
    consultation = current_consultation()
    form = HearingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if consultation is None:
            form.add_error(None, _("There is no consultation to hold a hearing in."))
        else:
            try:
                hearing = services.hearing_save(
                    actor=request.user, consultation=consultation, data=form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The hearing is scheduled."))
                return redirect("staff_hearing_edit", pk=hearing.pk)
    return render(request, "proposals/staff/hearing_form.html", {"form": form, "hearing": None})


def _agenda_choices(hearing):
    proposals = Proposal.objects.filter(consultation=hearing.consultation, status__in=PUBLIC_STATUSES)
    articles = ArticleIdentity.objects.filter(document__consultation=hearing.consultation).select_related(
        "document"
    )
    return {
        "proposal_choices": [(p.pk, f"#{p.pk} {p.title}") for p in proposals.order_by("-id")[:500]],
        "article_choices": [(a.pk, f"{a.document} · {a.number or a.key}") for a in articles.order_by("pk")],
    }


@login_required
def hearing_edit(request, pk):
    _require_manager(request)
    hearing = get_object_or_404(Hearing.objects.select_related("consultation"), pk=pk)
    form = HearingForm(request.POST or None, instance=hearing)
    if request.method == "POST" and form.is_valid():
        try:
            services.hearing_save(actor=request.user, hearing=hearing, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The hearing is saved."))
            return redirect("staff_hearing_edit", pk=hearing.pk)
    hearing = selectors.hearing_detail(pk=pk)
    context = {
        "form": form,
        "hearing": hearing,
        "agenda_form": AgendaItemForm(**_agenda_choices(hearing)),
        "transition_form": HearingTransitionForm(targets=services.HEARING_LIFECYCLE.targets(hearing.status)),
        "outcome_form": HearingOutcomeForm(
            initial={
                "minutes": hearing.minutes,
                "recording_url": hearing.recording_url,
                "transcript_url": hearing.transcript_url,
                "documents": "\n".join(f"{d.title} | {d.url}" for d in hearing.documents.all()),
            }
        ),
        "speaker_requests": hearing.speaker_requests.select_related("proposal", "user").order_by(
            "status", "created_at"
        ),
        "decision_form": SpeakerDecisionForm(),
        "transitions": hearing.transitions.select_related("actor"),
    }
    return render(request, "proposals/staff/hearing_form.html", context)


@login_required
@require_POST
def agenda_item_add(request, pk):
    _require_manager(request)
    hearing = get_object_or_404(Hearing.objects.select_related("consultation"), pk=pk)
    form = AgendaItemForm(request.POST, **_agenda_choices(hearing))
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("proposals", "articles")}
        try:
            services.agenda_item_save(
                actor=request.user,
                hearing=hearing,
                data=data,
                proposal_ids=form.cleaned_data["proposals"],
                article_ids=form.cleaned_data["articles"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The agenda item is added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("staff_hearing_edit", pk=hearing.pk)


@login_required
@require_POST
def agenda_item_delete(request, pk):
    _require_manager(request)
    item = get_object_or_404(AgendaItem, pk=pk)
    services.agenda_item_delete(actor=request.user, item=item)
    messages.success(request, _("The agenda item is removed."))
    return redirect("staff_hearing_edit", pk=item.hearing_id)


@login_required
@require_POST
def hearing_status(request, pk):
    _require_manager(request)
    hearing = get_object_or_404(Hearing, pk=pk)
    form = HearingTransitionForm(request.POST, targets=services.HEARING_LIFECYCLE.targets(hearing.status))
    if form.is_valid():
        services.hearing_transition(
            hearing=hearing,
            to_status=form.cleaned_data["to_status"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The status is changed."))
    else:
        messages.error(request, _("This change of status is not possible."))
    return redirect("staff_hearing_edit", pk=hearing.pk)


@login_required
@require_POST
def hearing_outcome(request, pk):
    _require_manager(request)
    hearing = get_object_or_404(Hearing, pk=pk)
    form = HearingOutcomeForm(request.POST)
    if form.is_valid():
        services.hearing_outcome_save(actor=request.user, hearing=hearing, **form.cleaned_data)
        messages.success(request, _("The minutes and links are published."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("staff_hearing_edit", pk=hearing.pk)


@login_required
@require_POST
def speaker_request_decide(request, pk):
    _require_manager(request)
    speaker_request = get_object_or_404(SpeakerRequest, pk=pk)
    form = SpeakerDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.speaker_request_decide(
                speaker_request=speaker_request,
                actor=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The speaker request is decided."))
    return redirect("staff_hearing_edit", pk=speaker_request.hearing_id)


@login_required
def hearing_registrations(request, pk):
    _require_manager(request)
    hearing = get_object_or_404(Hearing, pk=pk)
    registrations = selectors.registrations_for_staff(hearing=hearing)
    return render(
        request,
        "proposals/staff/hearing_registrations.html",
        {"hearing": hearing, "registrations": registrations},
    )
