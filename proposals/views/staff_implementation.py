"""Staff pages of the implementation tracker: adopted changes awaiting commitments, recording a commitment,
posting updates and approving "done" or "dropped" as a second member. Under /staff/, so the second-factor gate
covers them; every action asks `permissions.commitment` and lands in the audit log through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from portal.core.form_views import refusal_flashed
from portal.core.forms import add_service_errors
from portal.core.roles import role_required, staff_action

from ..forms import CommitmentForm, CommitmentUpdateForm
from ..models import CommitmentStatus, CommitmentUpdate, Consultation, ResponsibleBody, UpdateState
from ..permissions import commitment as rules
from ..selectors import commitment as selectors
from ..services import commitment as services
from ..services.commitment import COMMITMENT_LIFECYCLE, CommitmentInput, Evidence, UpdateInput


@login_required
@role_required(rules.can_manage_commitments)
def implementation_home(request):
    consultations = [
        {"consultation": consultation, "changes": selectors.adopted_changes(consultation=consultation)}
        for consultation in Consultation.objects.order_by("-created_at", "id")
    ]
    return render(
        request,
        "proposals/implementation/staff_home.html",
        {
            "consultations": [entry for entry in consultations if entry["changes"]],
            "commitments": selectors.staff_commitments(),
            "pending": selectors.pending_updates(),
        },
    )


def _commitment_form(request, consultation):
    responses = list(selectors.adopted_responses(consultation=consultation))
    articles = {a.pk: a for response in responses for a in response.articles.all()}
    initial = {}
    chosen = request.GET.get("article", "")
    if chosen.isdigit() and int(chosen) in articles:
        initial = {
            "articles": [int(chosen)],
            "responses": [r.pk for r in responses if int(chosen) in {a.pk for a in r.articles.all()}],
        }
    return CommitmentForm(
        request.POST or None,
        initial=initial,
        bodies=ResponsibleBody.objects.all(),
        article_choices=[
            (a.pk, _("Article %(number)s") % {"number": a.number or a.key} + f". {a.translated_heading}")
            for a in sorted(articles.values(), key=lambda a: a.pk)
        ],
        response_choices=[
            (r.pk, f"#{r.proposal_id} {r.proposal.title} — {r.get_status_display()}") for r in responses
        ],
    )


@login_required
@role_required(rules.can_manage_commitments)
def commitment_create(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    form = _commitment_form(request, consultation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = services.commitment_create(
                consultation=consultation,
                actor=request.user,
                data=CommitmentInput(
                    **{
                        name: data[name]
                        for name in form.fields
                        if name not in ("body", "articles", "responses", *form.confirmations)
                    },
                    body_id=data["body"],
                    article_ids=tuple(data["articles"]),
                    response_ids=tuple(data["responses"]),
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The commitment is recorded and public."))
            return redirect("staff_commitment", pk=commitment.pk)
    return render(
        request, "proposals/implementation/staff_form.html", {"form": form, "consultation": consultation}
    )


def _update_form(commitment, data=None):
    """The update form, starting from the commitment as it stands; `seen` names the last published update on
    the page, so that a post another member's update has outdated since is refused, not applied."""
    targets = COMMITMENT_LIFECYCLE.targets(commitment.status)
    statuses = [(commitment.status, commitment.get_status_display())] + [
        (value, label) for value, label in CommitmentStatus.choices if value in targets
    ]
    updates = [u for u in commitment.updates.all() if u.state == UpdateState.PUBLISHED]
    return CommitmentUpdateForm(
        data,
        initial={
            "to_status": commitment.status,
            "progress": commitment.progress,
            "seen": max((u.pk for u in updates), default=0),
        },
        status_choices=statuses,
        # Dates as the page's language writes them, like every other date of the page.
        update_choices=[(u.pk, f"{_short_date(u.published_at)} · {u.translated_text[:60]}") for u in updates],
    )


def _with_refusal(form, error, *, request, pk):
    """The service's refusal on the form. Refused because another member's update outdated the page, what
    was typed comes back on the form of the commitment as it stands now: the page shown again holds that
    update, so the next post is written on it."""
    if getattr(error, "code", None) == services.UPDATED_MEANWHILE:
        commitment = selectors.staff_commitment(pk)
        data = request.POST.copy()
        data["seen"] = str(_update_form(commitment).initial["seen"])
        form = _update_form(commitment, data)
        form.is_valid()
    add_service_errors(form, error)
    return form


def _short_date(moment) -> str:
    return date_format(localtime(moment), "SHORT_DATE_FORMAT")


def _staff_page(request, commitment, form, status=200):
    return render(
        request,
        "proposals/implementation/staff_detail.html",
        {
            "commitment": commitment,
            "form": form,
            "updates": list(commitment.updates.all()),
        },
        status=status,
    )


@login_required
@role_required(rules.can_manage_commitments)
def commitment_staff(request, pk):
    commitment = selectors.staff_commitment(pk)
    if commitment is None:
        raise Http404
    return _staff_page(request, commitment, _update_form(commitment))


@staff_action(rules.can_manage_commitments)
def commitment_update_post(request, pk):
    commitment = selectors.staff_commitment(pk)
    if commitment is None:
        raise Http404
    form = _update_form(commitment, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        evidence = ()
        if data["evidence_url"] or data["evidence_title"]:
            evidence = (
                Evidence(kind=data["evidence_kind"], title=data["evidence_title"], url=data["evidence_url"]),
            )
        try:
            update = services.commitment_update_post(
                commitment=commitment,
                actor=request.user,
                data=UpdateInput(
                    **{f"{p}_{c}": data[f"{p}_{c}"] for p in ("text", "reason") for c in ("kk", "ru", "en")},
                    to_status=data["to_status"],
                    progress=-1
                    if data["progress"] is None and commitment.progress is not None
                    else data["progress"],
                    due_date=data["due_date"],
                    corrects_id=data["corrects"],
                    evidence=evidence,
                    seen_update_id=data["seen"],
                ),
            )
        except ValidationError as error:
            form = _with_refusal(form, error, request=request, pk=pk)
        else:
            if update.state == UpdateState.PENDING:
                messages.success(request, _("The change is sent for approval by another member."))
            else:
                messages.success(request, _("The update is published."))
            return redirect("staff_commitment", pk=commitment.pk)
    elif form.cleaned_data.get("seen") is not None:
        # A form the commitment has outgrown (a status no longer offered) says why before what is wrong.
        try:
            services.refuse_if_updated_meanwhile(commitment, seen_update_id=form.cleaned_data["seen"])
        except ValidationError as error:
            form = _with_refusal(form, error, request=request, pk=pk)
    messages.error(request, _("The update was not posted: see the form."))
    return _staff_page(request, selectors.staff_commitment(pk), form, status=400)


def _review(request, pk, review, success: str):
    """A second member's decision on a pending update: `review` is its service; a refusal is flashed instead
    of `success`, and either way the commitment's staff page follows."""
    update = get_object_or_404(CommitmentUpdate, pk=pk)
    with refusal_flashed(request, PermissionDenied, ValidationError):
        review(update=update, reviewer=request.user)
        messages.success(request, success)
    return redirect("staff_commitment", pk=update.commitment_id)


@staff_action(rules.can_manage_commitments)
def commitment_update_approve(request, pk):
    return _review(
        request, pk, services.commitment_update_approve, _("The change is approved and published.")
    )


@staff_action(rules.can_manage_commitments)
def commitment_update_decline(request, pk):
    return _review(
        request, pk, services.commitment_update_decline, _("The change is declined; nothing was published.")
    )
