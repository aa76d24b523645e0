"""Staff pages of hearings under /staff/hearings/ (the second-factor gate covers them): schedule, agenda,
status, speaker requests, minutes and registrations. Every view asks `can_manage_hearings`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.core.form_views import refusal_flashed, service_form_page
from portal.core.forms import posted_data
from portal.core.roles import role_required, staff_action
from proposals.permissions.hearing import can_manage_hearings, new_hearing_refusal

from ..forms_staff import (
    AgendaItemForm,
    HearingCreateForm,
    HearingForm,
    HearingOutcomeForm,
    HearingTransitionForm,
    SpeakerDecisionForm,
)
from ..models import AgendaItem, Consultation, Hearing, Proposal, SpeakerRequest
from ..models.proposal import PUBLIC_STATUSES
from ..selectors import hearing as selectors
from ..selectors.consultation import current_consultation
from ..selectors.document import articles_ever_published
from ..services import hearing as services
from ..services import hearing_agenda as agenda

# The agenda form shares its page with the hearing form, whose fields have the same names (and ids).
AGENDA_PREFIX = "agenda"
TEMPLATE = "proposals/staff/hearing_form.html"


@login_required
@role_required(can_manage_hearings)
def hearing_list(request):
    return render(request, "proposals/staff/hearing_list.html", {"hearings": selectors.hearing_staff_list()})


def _first_consultation(request) -> Consultation | None:
    """The consultation a new hearing's form starts with: the one named by ?consultation=<slug> (as the
    consultation's staff page links), else the current one, if a hearing may be held in it."""
    slug = request.GET.get("consultation", "")
    named = selectors.consultations_taking_hearings().filter(slug=slug).first() if slug else None
    if named is not None:
        return named
    current = current_consultation()
    return current if new_hearing_refusal(current) is None else None


def _staff_page(hearing) -> str:
    return reverse("staff_hearing_edit", kwargs={"pk": hearing.pk})


@login_required
@role_required(can_manage_hearings)
def hearing_create(request):
    initial = {} if request.method == "POST" else {"consultation": _first_consultation(request)}
    return service_form_page(
        request,
        HearingCreateForm(posted_data(request), initial=initial),
        save=lambda form: services.hearing_save(
            actor=request.user, consultation=form.cleaned_data["consultation"], data=form.to_input()
        ),
        success=_("The hearing is scheduled."),
        next_url=_staff_page,
        template=TEMPLATE,
        context={"hearing": None},
        invalid_status=200,
    )


def _agenda_choices(hearing):
    proposals = Proposal.objects.filter(consultation=hearing.consultation, status__in=PUBLIC_STATUSES)
    # Published articles only: the public agenda links each to its page, which a new draft article lacks. In
    # the latest version's order: by creation, an article a later version inserted came after the last one.
    articles = articles_ever_published(hearing.consultation)
    return {
        "proposal_choices": [(p.pk, f"#{p.pk} {p.title}") for p in proposals.order_by("-id")[:500]],
        # The heading beside the number: "Draft · 2" alone sent staff to the draft to find the article.
        "article_choices": [
            (a.pk, f"{a.document} · {a.number or a.key}. {a.translated('heading')}") for a in articles
        ],
    }


def _page_context(pk: int) -> dict:
    """The hearing's staff page with each of its forms empty (or as the hearing stands)."""
    hearing = selectors.hearing_detail(pk=pk)
    return {
        "form": HearingForm(instance=hearing),
        "hearing": hearing,
        "agenda_form": AgendaItemForm(prefix=AGENDA_PREFIX, **_agenda_choices(hearing)),
        "transition_form": HearingTransitionForm(targets=services.hearing_status_targets(hearing)),
        "outcome_form": HearingOutcomeForm(initial=HearingOutcomeForm.initial_for(hearing)),
        "speaker_requests": hearing.speaker_requests.select_related("proposal", "user").order_by(
            "status", "created_at"
        ),
        "decision_form": SpeakerDecisionForm(),
        "transitions": hearing.transitions.select_related("actor"),
    }


def _page_form(request, hearing, form_name: str, form, *, save, success: str, status: int = 400):
    """One form of the hearing's staff page: `save(form)` runs its service; a refusal or an invalid form
    shows the whole page again with what was typed and the errors beside this form's fields."""
    return service_form_page(
        request,
        form,
        save=save,
        success=success,
        next_url=lambda saved: _staff_page(hearing),
        template=TEMPLATE,
        # Read again: a model form that failed validation has written what was typed onto `hearing`.
        context=lambda: _page_context(hearing.pk),
        form_name=form_name,
        invalid_status=status,
    )


@login_required
@role_required(can_manage_hearings)
def hearing_edit(request, pk):
    hearing = get_object_or_404(Hearing, pk=pk)
    # Read before the form writes what was typed onto `hearing`.
    started_at = hearing.starts_at
    return _page_form(
        request,
        hearing,
        "form",
        HearingForm(posted_data(request), instance=hearing),
        save=lambda form: services.hearing_save(
            actor=request.user, hearing=hearing, data=form.to_input(), seen=form.seen
        ),
        success=lambda saved: _saved_message(saved, started_at=started_at),
        status=200,
    )


def _saved_message(hearing: Hearing, *, started_at) -> str:
    """Says when the agenda's times moved with a new start: staff who set them would otherwise not know."""
    saved = _("The hearing is saved.")
    if hearing.starts_at == started_at:
        return saved
    timed = hearing.agenda_items.filter(Q(starts_at__isnull=False) | Q(ends_at__isnull=False)).count()
    if not timed:
        return saved
    moved = ngettext(
        "%(count)s agenda item moved with it to the new time.",
        "%(count)s agenda items moved with it to the new time.",
        timed,
    ) % {"count": timed}
    return f"{saved} {moved}"


@staff_action(can_manage_hearings)
def agenda_item_add(request, pk):
    hearing = get_object_or_404(Hearing.objects.select_related("consultation"), pk=pk)
    return _page_form(
        request,
        hearing,
        "agenda_form",
        AgendaItemForm(request.POST, prefix=AGENDA_PREFIX, **_agenda_choices(hearing)),
        save=lambda form: agenda.agenda_item_save(actor=request.user, hearing=hearing, data=form.to_input()),
        success=_("The agenda item is added."),
    )


@staff_action(can_manage_hearings)
def agenda_item_delete(request, pk):
    item = get_object_or_404(AgendaItem, pk=pk)
    agenda.agenda_item_delete(actor=request.user, item=item)
    messages.success(request, _("The agenda item is removed."))
    return redirect("staff_hearing_edit", pk=item.hearing_id)


@staff_action(can_manage_hearings)
def hearing_status(request, pk):
    hearing = get_object_or_404(Hearing, pk=pk)
    return _page_form(
        request,
        hearing,
        "transition_form",
        HearingTransitionForm(request.POST, targets=services.hearing_status_targets(hearing)),
        save=lambda form: services.hearing_transition(
            hearing=hearing,
            actor=request.user,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
        ),
        success=_("The status is changed."),
    )


@staff_action(can_manage_hearings)
def hearing_outcome(request, pk):
    hearing = get_object_or_404(Hearing, pk=pk)
    return _page_form(
        request,
        hearing,
        "outcome_form",
        HearingOutcomeForm(request.POST),
        save=lambda form: services.hearing_outcome_save(
            hearing=hearing, actor=request.user, seen=form.seen, **form.record()
        ),
        success=_("The minutes and links are published."),
    )


@staff_action(can_manage_hearings)
def speaker_request_decide(request, pk):
    speaker_request = get_object_or_404(SpeakerRequest, pk=pk)
    form = SpeakerDecisionForm(request.POST)
    if form.is_valid():
        with refusal_flashed(request):
            agenda.speaker_request_decide(
                speaker_request=speaker_request,
                actor=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The speaker request is decided."))
    return redirect("staff_hearing_edit", pk=speaker_request.hearing_id)


@login_required
@role_required(can_manage_hearings)
def hearing_registrations(request, pk):
    hearing = get_object_or_404(Hearing, pk=pk)
    registrations = selectors.registrations_for_staff(hearing=hearing)
    return render(
        request,
        "proposals/staff/hearing_registrations.html",
        {"hearing": hearing, "registrations": registrations},
    )
