"""The Commission's work: the queue of proposals awaiting an answer, assignment, internal notes, and the
answer's four-eyes review. Every view asks `permissions`; the staff second-factor gate covers /staff/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from portal.core.form_views import refusal_flashed, service_form_page
from portal.core.forms import IdsForm
from portal.core.roles import role_required, staff_action
from proposals.permissions.response import (
    can_answer_proposal,
    can_correct_response,
    can_draft_response,
    can_read_answer_work,
    can_read_commission_work,
    can_recall_response,
    can_review_response,
    can_work_commission_queue,
)

from ..forms import (
    AssignForm,
    CommissionQueueForm,
    NoteForm,
    ResponseCorrectionForm,
    ResponseForm,
    ReturnForm,
)
from ..models import ArticleIdentity, ObligationRule, Proposal, ProposalResponse, ResponseState
from ..selectors import response as selectors
from ..selectors.consultation import public_consultations
from ..selectors.document import article_choices
from ..services import response as services
from ..services import response_approval as approval


@login_required
@require_safe
@role_required(can_read_commission_work)
def queue(request):
    # Only their slugs and titles are needed here, not the phases and documents the public pages prefetch.
    consultations = list(public_consultations().prefetch_related(None))
    # The article filter offers the chosen consultation's articles (by default the current one's).
    chosen = next((c for c in consultations if c.slug == request.GET.get("consultation")), None)
    works = can_work_commission_queue(request.user)
    form = CommissionQueueForm(
        request.GET or None,
        consultation_choices=[(consultation.slug, str(consultation)) for consultation in consultations],
        article_choices=article_choices(chosen),
        works=works,
    )
    filters = selectors.QueueFilters()
    if form.is_valid():
        filters = selectors.QueueFilters(**{name: form.cleaned_data[name] or None for name in form.fields})
    page = Paginator(selectors.commission_queue(filters=filters, viewer=request.user), 50).get_page(
        request.GET.get("page")
    )
    active_rules = list(ObligationRule.objects.filter(is_active=True))
    now = timezone.now()
    # The member's own and their organisation's proposals are not offered to them.
    interested = selectors.proposals_with_interest(
        user=request.user, proposal_ids=[proposal.pk for proposal in page.object_list]
    )
    rows = []
    for proposal in page.object_list:
        rules = selectors.obligation_rules(proposal.consultation_id, among=active_rules)
        deadline = selectors.answer_deadline(proposal, rules)
        rows.append(
            {
                "proposal": proposal,
                "age_days": (now - proposal.published_at).days if proposal.published_at else 0,
                "deadline": deadline,
                "overdue": bool(deadline and deadline < now),
                "can_take": proposal.pk not in interested,
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "proposals/commission/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "assign_form": AssignForm(auto_id="bulk_%s"),
            "can_work": works,
        },
    )


def _work_context(request, proposal, **forms):
    response = (
        ProposalResponse.objects.filter(proposal=proposal)
        .select_related("drafted_by", "reviewed_by", "version")
        .prefetch_related(
            Prefetch("articles", queryset=ArticleIdentity.objects.order_by("id")), "transitions__actor"
        )
        .first()
    )
    # A new answer starts from the articles the proposal is about.
    initial = {"articles": list(proposal.articles.values_list("pk", flat=True)), "seen": ""}
    if response is not None:
        initial = {
            "seen": selectors.answer_revision(response),
            "status": response.status,
            "reasoning_kk": response.reasoning_kk,
            "reasoning_ru": response.reasoning_ru,
            "reasoning_en": response.reasoning_en,
            "articles": [article.pk for article in response.articles.all()],
            "version": response.version_id,
        }
    can_correct = response is not None and can_correct_response(request.user, response)
    deadline = selectors.answer_deadline(proposal)
    return {
        "proposal": proposal,
        "response": response,
        "deadline": deadline,
        # As in the queue: past its deadline and not answered in public yet.
        "overdue": bool(deadline and deadline < timezone.now() and not proposal.responded_at),
        "notes": proposal.commission_notes.select_related("author"),
        "assignment": getattr(proposal, "commission_assignment", None),
        "members": proposal.cluster_members.order_by("pk"),
        "response_form": forms.get("response_form")
        or ResponseForm(initial=initial, consultation=proposal.consultation),
        "assign_form": forms.get("assign_form") or AssignForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "return_form": forms.get("return_form")
        or ReturnForm(initial={"seen": selectors.answer_revision(response)}),
        "seen": selectors.answer_revision(response),
        "changed_meanwhile": forms.get("changed_meanwhile", False),
        "can_work": can_work_commission_queue(request.user),
        "can_edit": can_work_commission_queue(request.user)
        and (response is None or can_draft_response(request.user, response)),
        "can_review": response is not None and can_review_response(request.user, response),
        "can_recall": response is not None and can_recall_response(request.user, response),
        "can_correct": can_correct,
        # Built only for a member who may correct: it reads the consultation's articles and versions.
        "correction_form": forms.get("correction_form")
        or (
            ResponseCorrectionForm(initial=initial, consultation=proposal.consultation)
            if can_correct
            else None
        ),
    }


def _proposal(pk, user, *, can_open=can_answer_proposal) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.select_related("consultation", "topic", "author", "cluster_of"), pk=pk
    )
    # A cluster is worked on, and answered, as its representative.
    proposal = proposal.cluster_of or proposal
    # A member stands aside from their own proposal (or their organisation's): its draft answer, the review
    # and the internal notes are the Commission's deliberation about their own text.
    if not can_open(user, proposal):
        raise PermissionDenied
    return proposal


@login_required
@require_safe
@role_required(can_read_commission_work)
def work(request, pk):
    proposal = _proposal(pk, request.user, can_open=can_read_answer_work)
    if proposal.pk != pk:
        return redirect("commission_work", pk=proposal.pk)
    return render(request, "proposals/commission/work.html", _work_context(request, proposal))


@staff_action(can_work_commission_queue)
def assign(request, pk):
    proposal = _proposal(pk, request.user)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a Commission member."))
        return redirect("commission_work", pk=proposal.pk)
    with refusal_flashed(request):
        services.commission_assign(
            proposal=proposal, assignee=form.cleaned_data["assignee"], actor=request.user
        )
        messages.success(request, _("Assigned."))
    return redirect("commission_work", pk=proposal.pk)


def _back_to_queue(request):
    """The queue with the filters and page the member was on, sent back by the form as `back`."""
    back = request.POST.get("back", "")
    queue_url = reverse("commission_queue")
    if back.startswith(queue_url) and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect(queue_url)


@staff_action(can_work_commission_queue)
def assign_me(request, pk):
    """From a queue row: the member takes the proposal. The service refuses their own or their
    organisation's, and one no longer awaiting an answer."""
    proposal = get_object_or_404(Proposal, pk=pk)
    # The member the row showed it with (0: nobody), so that one taken meanwhile is not taken from them.
    was = request.GET.get("was", "")
    seen = int(was) if was.isascii() and was.isdigit() and len(was) < 12 else None
    with refusal_flashed(request, ValidationError, PermissionDenied):
        services.commission_assign(
            proposal=proposal, assignee=request.user, actor=request.user, seen_assignee_id=seen
        )
        messages.success(request, _("“%(title)s” is assigned to you.") % {"title": proposal.title})
    return _back_to_queue(request)


@staff_action(can_work_commission_queue)
def assign_bulk(request):
    ids = IdsForm({"id": request.POST.getlist("proposals")})
    proposal_ids = ids.cleaned_data["id"] if ids.is_valid() else []
    form = AssignForm(request.POST)
    if not proposal_ids:
        messages.error(request, _("Select at least one proposal."))
    elif not form.is_valid():
        messages.error(request, _("Choose a Commission member."))
    else:
        with refusal_flashed(request, ValidationError, PermissionDenied):
            outcome = services.commission_assign_bulk(
                proposal_ids=proposal_ids, assignee=form.cleaned_data["assignee"], actor=request.user
            )
            if outcome.assigned:
                count = len(outcome.assigned)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d proposal assigned to %(name)s.",
                        "%(count)d proposals assigned to %(name)s.",
                        count,
                    )
                    % {"count": count, "name": form.cleaned_data["assignee"].display_name},
                )
            for proposal_id, reason in outcome.refused.items():
                messages.error(
                    request,
                    _("Proposal %(id)d not assigned: %(reason)s") % {"id": proposal_id, "reason": reason},
                )
    return _back_to_queue(request)


def _work_form(request, proposal, form, *, form_name: str, save, success, shown=None):
    """One form of the work page: `save(form)` runs its service; an invalid form or a refusal shows the
    whole page again with what was typed beside the errors (a note over the limit was lost behind a
    redirect). `shown` adds to the page's context when it is shown again."""
    return service_form_page(
        request,
        form,
        save=save,
        success=success,
        next_url=lambda _saved: reverse("commission_work", kwargs={"pk": proposal.pk}),
        template="proposals/commission/work.html",
        context=lambda: _work_context(request, proposal, **{form_name: form, **(shown or {})}),
        form_name=form_name,
    )


@staff_action(can_work_commission_queue)
def note_add(request, pk):
    proposal = _proposal(pk, request.user)
    return _work_form(
        request,
        proposal,
        NoteForm(request.POST),
        form_name="note_form",
        save=lambda form: services.commission_note_add(
            proposal=proposal, author=request.user, body=form.cleaned_data["body"]
        ),
        success=_("Note added."),
    )


@staff_action(can_work_commission_queue)
def response_save(request, pk):
    proposal = _proposal(pk, request.user)
    shown = {}

    def save(form):
        data = form.cleaned_data
        try:
            response = services.response_draft_save(
                proposal=proposal,
                author=request.user,
                data=services.ResponseInput(
                    status=data["status"],
                    reasoning_kk=data["reasoning_kk"],
                    reasoning_ru=data["reasoning_ru"],
                    reasoning_en=data["reasoning_en"],
                    article_ids=tuple(data["articles"]),
                    version_id=data["version"],
                    # A post without the mark (not from the page) is not checked.
                    seen=data["seen"] if "seen" in request.POST else None,
                ),
            )
        except ValidationError as error:
            if getattr(error, "code", None) == services.CHANGED_MEANWHILE:
                # The page shown again holds the other member's text beside this one; saving it now is
                # a choice made having read theirs.
                form.data = form.data.copy()
                form.data["seen"] = selectors.answer_revision(
                    ProposalResponse.objects.filter(proposal=proposal).first()
                )
                shown["changed_meanwhile"] = True
            raise
        if request.POST.get("submit") == "review":
            try:
                response = approval.response_submit(response=response, actor=request.user)
            except ValidationError:
                # The draft is saved: the form shows it as saved (a template's text with the blanks to fill,
                # its outcome), and marks it as this member's own latest save.
                form.data = form.data.copy()
                for code in ("kk", "ru", "en"):
                    form.data[f"reasoning_{code}"] = getattr(response, f"reasoning_{code}")
                form.data["template"] = ""
                # The outcome the template chose was saved with the draft; shown as unchosen, sending the
                # filled-in text again would drop it.
                form.data["status"] = response.status
                form.data["seen"] = selectors.answer_revision(response)
                raise
        return response

    return _work_form(
        request,
        proposal,
        ResponseForm(request.POST, consultation=proposal.consultation),
        form_name="response_form",
        save=save,
        shown=shown,
        success=lambda response: (
            _("The answer is sent for approval by another member.")
            if response.state == "in_review"
            else _("Draft saved.")
        ),
    )


def _response_of(proposal) -> ProposalResponse:
    return get_object_or_404(ProposalResponse, proposal=proposal)


def _response_to_review(request, pk) -> tuple[Proposal, ProposalResponse]:
    """The proposal and its answer, when the member may review it (not its drafter: four eyes), or has just
    returned it: the same return sent twice (a double click) finds it done, which the service says. From a
    page another member's step has outdated, the service says what happened."""
    proposal = _proposal(pk, request.user)
    response = _response_of(proposal)
    returned_by_them = response.state == ResponseState.RETURNED and response.reviewed_by_id == request.user.pk
    stale = request.POST.get("seen", "") not in ("", selectors.answer_revision(response))
    if not (returned_by_them or stale or can_review_response(request.user, response)):
        raise PermissionDenied
    return proposal, response


def _drafter_action(request, pk, service, success: str):
    """A drafter's move of the answer (`service(response=…, actor=…)`), its refusal flashed."""
    proposal = _proposal(pk, request.user)
    with refusal_flashed(request, ValidationError, PermissionDenied):
        service(response=_response_of(proposal), actor=request.user)
        messages.success(request, success)
    return redirect("commission_work", pk=proposal.pk)


@staff_action(can_work_commission_queue)
def response_submit(request, pk):
    return _drafter_action(
        request, pk, approval.response_submit, _("The answer is sent for approval by another member.")
    )


@staff_action(can_work_commission_queue)
def response_recall(request, pk):
    return _drafter_action(
        request,
        pk,
        approval.response_recall,
        _("The answer is a draft again: correct it, then send it for approval."),
    )


@staff_action(can_work_commission_queue)
def response_approve(request, pk):
    proposal = _proposal(pk, request.user)
    response = _response_of(proposal)
    # The text approved is the one the member's page showed: a post without the page's mark has shown them
    # none, and approves nothing.
    seen = request.POST.get("seen", "")
    # From a page another member's return or approval has outdated, the service says what happened.
    if seen in ("", selectors.answer_revision(response)) and not can_review_response(request.user, response):
        raise PermissionDenied
    with refusal_flashed(request):
        approval.response_approve(response=response, reviewer=request.user, seen=seen)
        messages.success(request, _("The answer is published; the authors and followers are told."))
    return redirect("commission_work", pk=proposal.pk)


@staff_action(can_work_commission_queue)
def response_return(request, pk):
    proposal, response = _response_to_review(request, pk)
    return _work_form(
        request,
        proposal,
        ReturnForm(request.POST),
        form_name="return_form",
        save=lambda form: approval.response_return(
            response=response,
            reviewer=request.user,
            note=form.cleaned_data["note"],
            seen=form.cleaned_data["seen"] or None,
        ),
        success=_("The draft is returned to its drafter."),
    )


@staff_action(can_work_commission_queue)
def response_correct(request, pk):
    proposal = _proposal(pk, request.user)
    response = _response_of(proposal)
    if not can_correct_response(request.user, response):
        raise PermissionDenied
    return _work_form(
        request,
        proposal,
        ResponseCorrectionForm(request.POST, consultation=proposal.consultation),
        form_name="correction_form",
        save=lambda form: services.response_correct(
            response=response,
            actor=request.user,
            data=services.ResponseCorrection(
                reason=form.cleaned_data["reason"],
                article_ids=tuple(form.cleaned_data["articles"]),
                version_id=form.cleaned_data["version"],
                seen=form.cleaned_data["seen"] or None,
            ),
        ),
        success=_("The answer is corrected; its history keeps the reason."),
    )
