"""Reading proposals: the list with filters and search, the detail page, attachment downloads."""

import dataclasses

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core import permissions, switches
from portal.core.page_cache import cache_anonymous_page

from ..forms import CommentForm, DecisionForm, ProposalFilterForm, ReportForm, WithdrawForm
from ..models import Attachment, ModerationCase, Report, Topic
from ..selectors import hearing as hearing_selectors
from ..selectors import proposal as selectors
from ..selectors import response as response_selectors
from ..selectors.document import article_choices
from ..services.comment import EDIT_WINDOW

PAGE_SIZE = 20


@cache_anonymous_page()
def proposal_list(request):
    form = ProposalFilterForm(request.GET or None, article_choices=article_choices())
    filters = form.to_filters() if form.is_valid() else selectors.ProposalFilters()
    if filters.q and switches.current().search_paused:
        # Full-text search is the heaviest query of the list; an admin pauses it during a surge.
        messages.warning(request, _("Search is paused for a short while because of heavy load."))
        filters = dataclasses.replace(filters, q="")
    page = Paginator(selectors.proposal_list(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "proposals/includes/proposal_results.html" if request.htmx else "proposals/proposal_list.html"
    topic = Topic.objects.filter(slug=filters.topic).first() if filters.topic else None
    follows_topic = bool(
        topic and request.user.is_authenticated and topic.follows.filter(user=request.user).exists()
    )
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "topic": topic,
        "follows_topic": follows_topic,
    }
    return render(request, template, context)


@cache_anonymous_page(tags=lambda kwargs: [f"proposal:{kwargs['pk']}"])
def proposal_detail(request, pk):
    proposal = selectors.proposal_detail(pk=pk, viewer=request.user)
    if proposal is None or not permissions.can_view_proposal(request.user, proposal):
        raise Http404
    ordering = request.GET.get("comments", "oldest")
    comments = Paginator(selectors.proposal_comments(proposal=proposal, ordering=ordering), 20).get_page(
        request.GET.get("page")
    )
    response = response_selectors.public_response_for(proposal)
    deadline = response_selectors.answer_deadline(proposal) if proposal.is_public else None
    context = {
        "proposal": proposal,
        "response": response,
        "response_language": _response_language(response, request.LANGUAGE_CODE),
        "response_text": response.translated("reasoning", request.LANGUAGE_CODE) if response else "",
        "answer_deadline": deadline,
        "answered_on_time": bool(response and deadline and response.published_at <= deadline),
        "comments": comments,
        "comment_ordering": ordering if ordering in selectors.COMMENT_ORDERINGS else "oldest",
        "comment_form": CommentForm(),
        "withdraw_form": WithdrawForm(),
        "support_refusal": permissions.support_refusal(request.user, proposal),
        "can_edit": request.user.is_authenticated and permissions.can_edit_proposal(request.user, proposal),
        "can_comment": permissions.can_comment(request.user, proposal),
        "edit_window_start": timezone.now() - EDIT_WINDOW,
        "now_time": timezone.now(),
        "moderation": _last_decision(proposal, request.user),
        # A hidden proposal shows only why, except to its author and to moderators.
        "content_hidden": proposal.status == "hidden"
        and not (request.user.pk == proposal.author_id or permissions.can_moderate(request.user)),
        "is_moderator": permissions.can_moderate(request.user),
        "can_report": permissions.can_report(request.user) and request.user.pk != proposal.author_id,
        "report_form": ReportForm(),
        "moderator_form": DecisionForm(allowed=["approve", "hide"]),
        "report_kinds": Report.Kind.choices,
        "reason_codes": ModerationCase.ReasonCode.choices,
        "timeline": _timeline(proposal),
        "hearings": hearing_selectors.hearings_of_proposal(proposal),
    }
    return render(request, "proposals/proposal_detail.html", context)


def _timeline(proposal) -> list:
    """Status changes and hearings where the proposal was discussed, in order of time."""
    steps = [t for t in proposal.transitions.all() if t.to_status != "draft" or t.from_status != "draft"]
    steps += list(proposal.hearing_discussions.select_related("hearing"))
    return sorted(steps, key=lambda step: (step.created_at, step.pk))


def _response_language(response, language: str) -> str:
    """The language the answer is shown in: the page's, else the first one it was written in."""
    if response is None:
        return language
    return (
        next(code for code in (language, "kk", "ru", "en") if getattr(response, f"reasoning_{code}", ""))
        if response.languages_of("reasoning")
        else language
    )


def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("proposal"), pk=pk)
    if not permissions.can_view_proposal(request.user, attachment.proposal):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _last_decision(proposal, viewer):
    """The author sees the latest moderation decision with its statement of reasons, and may appeal once."""
    if not viewer.is_authenticated or viewer.pk != proposal.author_id:
        return None
    case = (
        proposal.moderation_cases.filter(status="decided", comment__isnull=True)
        .exclude(decision="approve")
        .order_by("-decided_at")
        .first()
    )
    if case is None:
        return None
    can_appeal = (
        proposal.status in ("rejected", "hidden")
        and case.decision in ("reject", "hide")
        and not case.is_appeal
        and not case.appeals.exists()
    )
    return {"case": case, "can_appeal": can_appeal}
