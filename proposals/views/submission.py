"""Writing a proposal in steps: write → compare → preview → submit; edit and withdraw."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.form_views import refusal_flashed
from portal.core.forms import add_service_errors, error_text
from portal.core.http import client_ip
from proposals.permissions.consultation import intake_is_open
from proposals.permissions.proposal import can_edit_proposal

from ..forms import LANGUAGE_CHOICES, ProposalForm, WithdrawForm
from ..language import detect_language
from ..models import Consultation, Proposal, ProposalStatus
from ..models.proposal import PUBLIC_STATUSES
from ..selectors import consultation as consultation_selectors
from ..selectors import moderation as moderation_selectors
from ..selectors.document import article_choices
from ..selectors.proposal import similar_proposals
from ..services import attachment as attachment_services
from ..services import proposal as services


def _organisation_choices(user):
    memberships = user.memberships.select_related("organisation").filter(
        can_act_on_behalf=True, organisation__verified_at__isnull=False
    )
    return [(m.organisation_id, m.organisation.name) for m in memberships]


def _own_proposal(request, pk) -> Proposal:
    proposal = get_object_or_404(Proposal.objects.select_related("consultation"), pk=pk)
    if proposal.author_id != request.user.pk:
        raise Http404
    return proposal


def _form(request, *, consultation, data=None, files=None, initial=None):
    return ProposalForm(
        data,
        files,
        initial=initial,
        article_choices=article_choices(consultation),
        organisation_choices=_organisation_choices(request.user),
    )


def _input_from(form) -> services.ProposalInput:
    data = form.cleaned_data
    return services.ProposalInput(
        title=data["title"],
        summary=data["summary"],
        body=data["body"],
        language=data["language"],
        topic_id=data["topic"].pk if data.get("topic") else None,
        article_ids=tuple(data.get("articles") or ()),
        organisation_id=data.get("organisation"),
    )


def _save(request, form, *, consultation, proposal=None):
    """Saves the draft and its new attachments; errors go back onto the form, the input stays."""
    try:
        proposal = services.proposal_draft_save(
            author=request.user,
            consultation=consultation,
            data=_input_from(form),
            proposal=proposal,
            ip=client_ip(request),
            seen=form.seen,
        )
        for uploaded in form.cleaned_data.get("attachments") or []:
            attachment_services.attachment_add(proposal=proposal, author=request.user, uploaded=uploaded)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return proposal


def _ask_for_files_again(form) -> None:
    """A browser does not send back the files it sent when the page comes back with an error, so the person
    is told beside the field rather than finding out after saving."""
    if form.is_bound and form.files and form.errors and "attachments" not in form.errors:
        form.add_error(
            "attachments",
            _("Choose the file again: the page came back because of an error, and files are not kept then."),
        )


def _chosen_consultation(request) -> tuple[Consultation | None, list[Consultation]]:
    """The consultation named by ?consultation=slug; else the only one taking proposals; else a choice."""
    slug = request.GET.get("consultation", "")
    if slug:
        consultation = get_object_or_404(consultation_selectors.public_consultations(), slug=slug)
        return consultation, []
    taking = list(consultation_selectors.intake_open_consultations())
    if len(taking) == 1:
        return taking[0], []
    if taking:
        return None, taking
    consultation = consultation_selectors.current_consultation()
    if consultation is None:
        raise Http404
    return consultation, []


@login_required
@require_http_methods(["GET", "POST"])
def proposal_write(request):
    consultation, choices = _chosen_consultation(request)
    if consultation is None:
        return render(request, "proposals/proposal_choose_consultation.html", {"choices": choices})
    closed = (
        None if intake_is_open(consultation) else consultation_selectors.intake_closed_message(consultation)
    )
    initial = {"language": request.LANGUAGE_CODE, "articles": request.GET.getlist("article")}
    data = request.POST or None
    if data is not None and not data.get("language"):
        # No choice made (e.g. a client without the field): take the language the text is written in.
        data = data.copy()
        data["language"] = detect_language(data.get("body", ""), default=request.LANGUAGE_CODE)
    form = _form(request, consultation=consultation, data=data, files=request.FILES or None, initial=initial)
    if request.method == "POST" and closed is None and form.is_valid():
        proposal = _save(request, form, consultation=consultation)
        if proposal is not None:
            messages.success(request, _("Your draft is saved."))
            return redirect("proposal_compare", pk=proposal.pk)
    _ask_for_files_again(form)
    return render(
        request,
        "proposals/proposal_write.html",
        {"form": form, "closed": closed, "proposal": None, "consultation": consultation},
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request, pk):
    proposal = _own_proposal(request, pk)
    if not can_edit_proposal(request.user, proposal):
        messages.error(
            request,
            _("Only drafts can be edited: this proposal is being screened, moderated or is published."),
        )
        return redirect(proposal)
    form = _form(
        request,
        consultation=proposal.consultation,
        data=request.POST or None,
        files=request.FILES or None,
        initial=ProposalForm.initial_for(proposal),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, consultation=proposal.consultation, proposal=proposal)
        if saved is not None:
            messages.success(request, _("Your changes are saved."))
            return redirect(
                "proposal_preview" if saved.status == ProposalStatus.DRAFT else "proposal_detail", pk=saved.pk
            )
    _ask_for_files_again(form)
    return render(
        request,
        "proposals/proposal_write.html",
        {
            "form": form,
            "proposal": proposal,
            "closed": None,
            "consultation": proposal.consultation,
            "changes_requested": moderation_selectors.proposal_changes_request(proposal),
        },
    )


@login_required
def proposal_compare(request, pk):
    proposal = _own_proposal(request, pk)
    similar = similar_proposals(
        text=f"{proposal.title} {proposal.summary} {proposal.body}", consultation_id=proposal.consultation_id
    )
    # One's own proposals are not offered to support instead (nobody supports their own).
    similar = [other for other in similar if other.author_id != proposal.author_id]
    detected = detect_language(
        f"{proposal.title} {proposal.summary} {proposal.body}", default=proposal.language
    )
    context = {"proposal": proposal, "similar": similar, "detected_language": detected}
    if detected != proposal.language:
        context["detected_language_name"] = dict(LANGUAGE_CHOICES)[detected]
    return render(request, "proposals/proposal_compare.html", context)


@login_required
def proposal_preview(request, pk):
    proposal = _own_proposal(request, pk)
    articles = proposal.articles.select_related("document__consultation").order_by("pk")
    return render(request, "proposals/proposal_preview.html", {"proposal": proposal, "articles": articles})


@login_required
@require_POST
def proposal_submit(request, pk):
    proposal = _own_proposal(request, pk)
    try:
        services.proposal_submit(proposal=proposal, author=request.user, ip=client_ip(request))
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
        return redirect("proposal_preview", pk=proposal.pk)
    # Screening may already have run (in-process without a broker): say what actually happened.
    proposal.refresh_from_db(fields=["status"])
    if proposal.status == ProposalStatus.DRAFT:
        messages.warning(
            request,
            _(
                "Your proposal came back to you: it seems to contain personal data. "
                "Remove it and submit again."
            ),
        )
        return redirect("proposal_edit", pk=proposal.pk)
    if proposal.status in PUBLIC_STATUSES:
        messages.success(request, _("Your proposal is submitted and published."))
    else:
        messages.success(
            request, _("Your proposal is submitted. It appears publicly once it has been checked.")
        )
    return redirect("proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def proposal_withdraw(request, pk):
    proposal = _own_proposal(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say briefly why you withdraw the proposal."))
    else:
        with refusal_flashed(request, ValidationError, PermissionDenied):
            services.proposal_withdraw(
                proposal=proposal, author=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Your proposal is withdrawn."))
    return redirect("proposal_detail", pk=proposal.pk)
