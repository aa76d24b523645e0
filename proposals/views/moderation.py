"""Moderation pages: the queue (filters, bulk decisions, keyboard shortcuts), a case (claim, decide, block the
author), hiding and restoring content, readers' reports, appeals, and the public transparency page."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal.accounts import services as account_services
from portal.accounts.permissions import can_block_accounts
from portal.core.form_views import refusal_flashed
from portal.core.forms import IdsForm, add_service_errors, error_text
from portal.core.http import client_ip, query_without_page
from portal.core.roles import role_required
from proposals.permissions.moderation import can_moderate, can_read_moderation, is_for_another_moderator
from proposals.permissions.proposal import can_read_comment, can_view_proposal

from ..forms import (
    AccountBlockForm,
    AppealForm,
    BulkDecisionForm,
    ContentActForm,
    DecisionForm,
    QueueFilterForm,
    ReportForm,
)
from ..models import Comment, ModerationCase, Proposal
from ..selectors import moderation as selectors
from ..services import moderation as services
from ..services import reader_report as report_services
from ..services.comment import comment_url


@login_required
@require_safe
@role_required(can_read_moderation)
def queue(request):
    moderates = can_moderate(request.user)
    form = QueueFilterForm(request.GET or None)
    if not moderates:
        del form.fields["mine"]  # an auditor claims no case
    filters = selectors.QueueFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.QueueFilters(
            reason=data["reason"],
            min_risk=data["min_risk"],
            min_age_days=data["min_age"],
            language=data["language"],
            kind=data["kind"],
            source=data["source"],
            mine_of=request.user.pk if data.get("mine") else None,
        )
    page = Paginator(selectors.queue_cases(filters), 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = []
    for case in page.object_list:
        days, overdue = selectors.case_age(case, now)
        rows.append(
            {
                "case": case,
                "age_days": days,
                "overdue": overdue,
                "reasons": selectors.reason_labels(case.reasons),
                "for_another_moderator": is_for_another_moderator(request.user, case),
            }
        )
    return render(
        request,
        "proposals/moderation/queue.html",
        {
            "page": page,
            "query": query_without_page(request),
            "rows": rows,
            "filter_form": form,
            "bulk_form": BulkDecisionForm(),
            "can_moderate": moderates,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _case_context(request, case, form=None, block_form=None):
    allowed = services.allowed_decisions(case)
    return {
        "case": case,
        "reasons": selectors.reason_labels(case.reasons),
        "findings": selectors.finding_rows(case.findings),
        "earlier_decisions": selectors.earlier_decisions(case),
        "form": form or DecisionForm(allowed=allowed),
        "block_form": block_form or AccountBlockForm(),
        "allowed": allowed,
        "reports": selectors.case_reports(case),
        "can_block": can_block_accounts(request.user),
        "can_moderate": can_moderate(request.user),
        # An auditor reads hidden content here, on the case, not on the proposal's page.
        "can_open_proposal": can_view_proposal(request.user, case.proposal),
    }


def _get_case(pk):
    return get_object_or_404(
        selectors.with_where_it_belongs(ModerationCase.objects).select_related(
            "proposal__author", "comment__author", "claimed_by", "appeal_of", "decided_by"
        ),
        pk=pk,
    )


@login_required
@require_safe
@role_required(can_read_moderation)
def case_detail(request, pk):
    case = _get_case(pk)
    return render(request, "proposals/moderation/case.html", _case_context(request, case))


@login_required
@require_POST
@role_required(can_moderate)
def case_claim(request, pk):
    case = get_object_or_404(ModerationCase, pk=pk)
    try:
        services.moderation_case_claim(case=case, moderator=request.user)
    except services.CaseTaken as taken:
        messages.error(request, _("%(name)s is already working on this case.") % {"name": taken.holder_name})
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        services.moderation_conflict_record(
            error, moderator=request.user, proposal=case.proposal, comment=case.comment, case=case
        )
    return redirect("moderation_case", pk=case.pk)


@login_required
@require_POST
@role_required(can_moderate)
def case_decide(request, pk):
    case = _get_case(pk)
    form = DecisionForm(request.POST, allowed=services.allowed_decisions(case))
    if form.is_valid():
        data = dict(form.cleaned_data)
        merge_id = data.pop("merge_into", None)
        data["merge_into"] = Proposal.objects.filter(pk=merge_id).first() if merge_id else None
        try:
            services.moderation_decide(case=case, moderator=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            services.moderation_conflict_record(
                error, moderator=request.user, proposal=case.proposal, comment=case.comment, case=case
            )
        else:
            messages.success(request, _("Decision recorded; the author is told."))
            return redirect("moderation_queue")
    return render(
        request, "proposals/moderation/case.html", _case_context(request, case, form=form), status=400
    )


@login_required
@require_POST
@role_required(can_moderate)
def case_bulk(request):
    ids = IdsForm({"id": request.POST.getlist("cases")})
    case_ids = ids.cleaned_data["id"] if ids.is_valid() else []
    form = BulkDecisionForm(request.POST, case_ids=case_ids)
    if not case_ids:
        messages.error(request, _("Select at least one case."))
    elif not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        data = form.cleaned_data
        try:
            outcome = services.moderation_decide_bulk(
                case_ids=data["cases"],
                moderator=request.user,
                decision=data["decision"],
                reason_code=data["reason_code"],
                statement=data["statement"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            if outcome.decided:
                messages.success(
                    request,
                    _("%(count)d cases decided; each author is told.") % {"count": len(outcome.decided)},
                )
            for case_id, reason in outcome.skipped.items():
                messages.error(
                    request, _("Case %(id)d not decided: %(reason)s") % {"id": case_id, "reason": reason}
                )
    return redirect(
        request.POST.get("back") if _is_queue_url(request.POST.get("back", "")) else "moderation_queue"
    )


def _is_queue_url(url: str) -> bool:
    return url.startswith(reverse("moderation_queue")) and "//" not in url


@login_required
@require_POST
def account_block(request, pk):
    """Blocks the author of the case's content for a period, with a reason they are told."""
    if not can_block_accounts(request.user):
        raise PermissionDenied
    case = _get_case(pk)
    form = AccountBlockForm(request.POST)
    if form.is_valid():
        try:
            account_services.account_block(
                user=case.author,
                blocked_by=request.user,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The account is blocked; the person is told why and until when."))
            return redirect("moderation_case", pk=case.pk)
    return render(
        request, "proposals/moderation/case.html", _case_context(request, case, block_form=form), status=400
    )


@login_required
@require_POST
@role_required(can_moderate)
def content_act(request, pk):
    """A moderator hides or restores a proposal (or one of its comments) from its page. A refusal shows the
    form again on a page of its own, with the reason and statement as typed beside what is missing: the
    proposal's page is shared between readers and cannot carry one moderator's unsent text."""
    proposal = get_object_or_404(Proposal, pk=pk)
    form = ContentActForm(request.POST, allowed=["approve", "hide"])
    comment = None
    if form.is_valid() and form.cleaned_data["comment"]:
        comment = get_object_or_404(Comment, pk=form.cleaned_data["comment"], proposal=proposal)
    if form.is_valid():
        try:
            services.moderation_act(
                moderator=request.user,
                proposal=proposal,
                comment=comment,
                decision=form.cleaned_data["decision"],
                reason_code=form.cleaned_data["reason_code"],
                statement=form.cleaned_data["statement"],
            )
        except services.CaseTaken as taken:
            messages.error(
                request, _("%(name)s is already working on this case.") % {"name": taken.holder_name}
            )
        except PermissionDenied as error:
            messages.error(request, error_text(error))
            services.moderation_conflict_record(
                error, moderator=request.user, proposal=proposal, comment=comment
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Done; the author is told."))
            return redirect(proposal)
        if not form.errors:
            return redirect(proposal)
    for name in ("decision", "comment"):
        form.fields[name].widget = forms.HiddenInput()
    context = {"proposal": proposal, "comment": comment, "form": form}
    return render(request, "proposals/moderation/act.html", context, status=400)


# --- readers' reports ----------------------------------------------------------------------------------


def _report(request, *, proposal, comment=None):
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what is wrong."))
        return redirect(proposal)
    with refusal_flashed(request, ValidationError, PermissionDenied):
        report_services.report_create(
            reporter=request.user,
            proposal=proposal,
            comment=comment,
            ip=client_ip(request),
            **form.cleaned_data,
        )
        messages.success(request, _("Thank you. Moderators will look at this."))
    return redirect(comment_url(comment) if comment else proposal.get_absolute_url())


def _visible(request, proposal):
    if not can_view_proposal(request.user, proposal):
        raise Http404


@login_required
@require_POST
def proposal_report(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    _visible(request, proposal)
    return _report(request, proposal=proposal)


@login_required
@require_POST
def comment_report(request, comment_pk):
    comment = get_object_or_404(Comment.objects.select_related("proposal__consultation"), pk=comment_pk)
    if not can_read_comment(request.user, comment):
        raise Http404
    return _report(request, proposal=comment.proposal, comment=comment)


# --- appeals -------------------------------------------------------------------------------------------


@login_required
@require_POST
def proposal_appeal(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    if proposal.author_id != request.user.pk:
        raise Http404
    _appeal(request, proposal=proposal)
    return redirect(proposal)


@login_required
@require_POST
def comment_appeal(request, comment_pk):
    """The author of a comment a moderator hid contests the decision, from My participation."""
    comment = get_object_or_404(Comment.objects.select_related("proposal"), pk=comment_pk)
    if comment.author_id != request.user.pk:
        raise Http404
    _appeal(request, proposal=comment.proposal, comment=comment)
    return redirect(f"{reverse('participation')}#my-comment-{comment.pk}")


def _appeal(request, *, proposal, comment=None) -> None:
    """Sends the author's appeal with the grounds posted; the outcome is told as a flash message."""
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the decision should change."))
        return
    with refusal_flashed(request, ValidationError, PermissionDenied):
        services.moderation_appeal(
            proposal=proposal, comment=comment, author=request.user, grounds=form.cleaned_data["grounds"]
        )
        messages.success(request, _("Your appeal is sent. Another moderator will review the decision."))


# --- transparency --------------------------------------------------------------------------------------


WEEK_END = timedelta(days=6)  # from a Monday to its Sunday


def transparency(request):
    """Public: decisions per reason and week, time to decision, appeals and reversals."""
    report = selectors.transparency_report()
    labels = {**dict(ModerationCase.ReasonCode.choices), selectors.APPROVED: _("Approved or kept")}
    return render(
        request,
        "proposals/moderation/transparency.html",
        {
            "report": report,
            "by_reason": [(labels.get(code, code), count) for code, count in report.by_reason],
            "columns": [labels[column] for column in report.columns],
            "weeks": [
                (monday, monday + WEEK_END, [counts.get(column, 0) for column in report.columns])
                for monday, counts in report.by_week
            ],
        },
    )
