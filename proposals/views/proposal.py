"""Reading proposals: the list with filters and search, the detail page, attachment downloads."""

import dataclasses
import functools

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Value
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from portal.core import switches
from portal.core.files import private_file_response
from portal.core.http import query_without_page, wants_fragment
from portal.core.page_cache import cache_anonymous_page
from portal.core.shared_pages import render_for_reader
from proposals.permissions.moderation import can_moderate
from proposals.permissions.proposal import (
    can_comment,
    can_edit_proposal,
    can_read_proposal_content,
    can_report,
    can_transition_proposal,
    can_view_proposal,
)

from .. import search
from ..forms import CommentForm, DecisionForm, ReportForm, WithdrawForm
from ..forms_list import ProposalFilterForm
from ..models import Attachment, Follow, ModerationCase, ProposalStatus, Report, Topic
from ..selectors import commitment as commitment_selectors
from ..selectors import hearing as hearing_selectors
from ..selectors import proposal as selectors
from ..selectors import reader_facts
from ..selectors import response as response_selectors
from ..selectors.document import article_consultation_slug
from ..selectors.filter_choices import proposal_filter_choices
from ..services import support as support_services
from ..services.comment import EDIT_WINDOW
from .refused_comments import refused_for

PAGE_SIZE = 20


@cache_anonymous_page()
def proposal_list(request):
    # The filter form (with the choices it offers) and the filters it yields are built only when the page is
    # rendered, not for a reader given the stored page, unless they decide what this reader sees outside the
    # page: a topic filter (whether they follow the topic) or a search while search is paused (a message).
    form_and_filters = functools.cache(lambda: _filter_form(request))
    if request.GET.get("q") and switches.current().search_paused:
        form_and_filters()  # its message goes to this reader even when the page is the stored one
    # A history restore asks with htmx's header too, for the whole page (portal.core.http.wants_fragment).
    template = "proposals/proposal_list.html"
    if wants_fragment(request):
        template = "proposals/includes/proposal_results.html"
    topic_slug = form_and_filters()[1].topic if request.GET.get("topic") else None
    topic = _topic_with_follow(topic_slug, request.user) if topic_slug else None
    context = {
        "form": SimpleLazyObject(lambda: form_and_filters()[0]),
        # Read only when the shared cards of this address are not in the cache (the template asks).
        "page": SimpleLazyObject(
            lambda: Paginator(selectors.proposal_list(filters=form_and_filters()[1]), PAGE_SIZE).get_page(
                request.GET.get("page")
            )
        ),
        # The cards depend on the address and on the filters in force (search may be paused).
        "cards_key": lambda: dataclasses.astuple(form_and_filters()[1]),
        "search_capped_at": lambda: search.SEARCH_CANDIDATES if form_and_filters()[1].q else None,
        "query": query_without_page(request),
        "topic": topic,
        "follows_topic": bool(topic and topic.followed),
        "filtered_organisation": lambda: selectors.organisation_named(form_and_filters()[1].organisation),
        "title_parts": lambda: _title_parts(request, form_and_filters()[0]),
    }
    # Outside its personal parts the list shows only whether the reader follows the filtered topic.
    return render_for_reader(request, template, context, situation=(context["follows_topic"],))


def _filter_form(request) -> tuple[ProposalFilterForm, selectors.ProposalFilters]:
    """The list's filter form and the filters in force: none but the page for the plain list, whose form
    offers every consultation's choices; for a filtered one, those of its values that are valid."""
    if not set(request.GET) - {"page"}:
        return ProposalFilterForm(None, choices=proposal_filter_choices()), selectors.ProposalFilters()
    # An article followed from its page (or an old link) may be another consultation's than the current one:
    # the article choices are that consultation's, so the form shows the article the list is filtered by.
    consultation_slug = request.GET.get("consultation", "")[:100] or article_consultation_slug(
        request.GET.get("article", "")
    )
    choices = proposal_filter_choices(consultation_slug=consultation_slug)
    form = ProposalFilterForm(request.GET, choices=choices)
    # A wrong value is refused on its own field (the form says so there); the reader's other filters apply.
    form.is_valid()
    filters = form.to_filters()
    if filters.q and switches.current().search_paused:
        # Full-text search is the heaviest query of the list; an admin pauses it during a surge.
        messages.warning(request, _("Search is paused for a short while because of heavy load."))
        filters = dataclasses.replace(filters, q="")
    return form, filters


def _title_parts(request, form) -> list[str]:
    """What the page's title adds to "Proposals": the filters in force and the page number, so that tabs,
    bookmarks and the browser's history tell one list from another."""
    parts = form.chosen()
    page = request.GET.get("page", "")
    if page.isdecimal() and 1 < int(page) < 100_000:
        parts.append(_("page %(number)s") % {"number": int(page)})
    return parts


def _topic_with_follow(slug: str, viewer):
    """The filtered topic and whether the reader follows it, in one query."""
    topics = Topic.objects.filter(slug=slug)
    if viewer.is_authenticated:
        return topics.annotate(
            followed=Exists(Follow.objects.filter(topic=OuterRef("pk"), user=viewer))
        ).first()
    return topics.annotate(followed=Value(False)).first()


def _as_decided(proposal, facts):
    """The page states what its permissions and buttons were decided on, in the first read: screening can
    publish a just-submitted proposal before the second, and the page said "Published" beside "Only published
    proposals can be supported"."""
    proposal.status = facts.status
    if hasattr(facts, "viewer_supports"):
        proposal.viewer_supports, proposal.viewer_follows = facts.viewer_supports, facts.viewer_follows
    return proposal


# The page shows its proposal, not the others (`proposals`): publishing or hiding another renews the lists,
# not this page. The proposals it names (merged into, clustered under) renew it (proposals/registrations.py).
@cache_anonymous_page(tags=lambda kwargs: [f"proposal:{kwargs['pk']}"], leaves_out=("proposals",))
def proposal_detail(request, pk):
    # Who may see what is decided on the proposal read with its facts and the reader's state; the page's
    # full proposal (author, organisation, topic, merges) is read only when the page is rendered.
    facts = reader_facts.proposal_for_reader(pk=pk, viewer=request.user)
    if facts is None or not can_view_proposal(request.user, facts):
        raise Http404
    proposal = SimpleLazyObject(
        lambda: _as_decided(selectors.proposal_detail(pk=pk, viewer=request.user), facts)
    )
    ordering = request.GET.get("comments", "oldest")
    comment_page = request.GET.get("page")
    comments = SimpleLazyObject(
        lambda: Paginator(
            selectors.proposal_comments(proposal=proposal, ordering=ordering), selectors.COMMENTS_PER_PAGE
        ).get_page(comment_page)
    )
    is_moderator = can_moderate(request.user)
    may_comment = can_comment(request.user, facts)
    content_hidden = not can_read_proposal_content(request.user, facts)
    support_refusal = support_services.support_refusal(request.user, facts)
    can_edit = request.user.is_authenticated and can_edit_proposal(request.user, facts)
    may_report = can_report(request.user) and request.user.pk != facts.author_id
    thread_is_shared = not (facts.viewer_commented or facts.viewer_liked)
    # Their comment box, or the edit box of their comment, gives back what was refused.
    refused = refused_for(request, pk)
    refused_edit = refused if refused and refused["comment"] else None
    # What every reader sees alike is rendered once and shared (templates/proposals/proposal_detail.html);
    # the values below that only those parts use are read when a part is rendered, not on every request.
    context = {
        "proposal": proposal,
        "fragment_tags": [f"proposal:{pk}"],
        "answer": SimpleLazyObject(lambda: _answer(proposal, request.LANGUAGE_CODE)),
        "comments": comments,
        # The count leaves hidden comments out; their places in the thread are explained beside it.
        "hidden_comments": lambda: sum(
            1
            for comment in comments
            for shown in (comment, *comment.replies.all())
            if shown.hidden_at and not shown.deleted_at
        ),
        "comment_ordering": ordering if ordering in selectors.COMMENT_ORDERINGS else "oldest",
        # The thread is shared by readers of the same kind; one who commented or liked a comment here gets
        # their own actions and pressed like buttons, so the shared thread never shows anyone's likes.
        "thread_key": (
            ordering,
            comment_page,
            may_comment,
            is_moderator,
            content_hidden,
            request.user.is_authenticated,
        ),
        "thread_is_shared": thread_is_shared,
        "liked_comments": (
            frozenset()
            if thread_is_shared
            else SimpleLazyObject(lambda: selectors.comments_liked_by(proposal_id=pk, viewer=request.user))
        ),
        "comment_form": SimpleLazyObject(
            lambda: CommentForm(
                initial={"body": refused["body"], "parent": refused["parent"]}
                if refused and not refused_edit
                else None
            )
        ),
        "refused_edit": refused_edit,
        "withdraw_form": SimpleLazyObject(WithdrawForm),
        # Not every author: one who submitted for an organisation only while they may still act for it.
        "can_withdraw": lambda: (
            request.user.is_authenticated
            and can_transition_proposal(request.user, proposal, ProposalStatus.WITHDRAWN)
        ),
        "support_refusal": support_refusal,
        "supports_by_level": SimpleLazyObject(lambda: selectors.supports_by_level(pk)),
        "can_edit": can_edit,
        "can_comment": may_comment,
        "edit_window_start": timezone.now() - EDIT_WINDOW,
        "now_time": timezone.now(),
        "moderation": _last_decision(facts, request.user),
        # A hidden proposal shows only why, except to its author and to moderators.
        "content_hidden": content_hidden,
        "is_moderator": is_moderator,
        "can_report": may_report,
        "report_form": SimpleLazyObject(ReportForm),
        "moderator_form": SimpleLazyObject(lambda: DecisionForm(allowed=["approve", "hide"])),
        # A list built on each access of `choices`: only when a comment thread is rendered.
        "report_kinds": lambda: Report.Kind.choices,
        "reason_codes": lambda: ModerationCase.ReasonCode.choices,
        "articles": lambda: selectors.proposal_articles(proposal),
        "attachments": lambda: selectors.proposal_attachments(proposal),
        "timeline": lambda: _timeline(proposal),
        "hearings": lambda: hearing_selectors.hearings_of_proposal(proposal),
    }
    # Readers who are not its author, moderate nothing and have not commented here see the same page as
    # everyone in their situation; the others see their own parts of it (withdrawal, appeals, own comments,
    # the comments they like).
    own_page = (
        request.user.pk == facts.author_id or is_moderator or not thread_is_shared or refused is not None
    )
    situation = (
        None
        if own_page
        else (
            facts.viewer_supports,
            facts.viewer_follows,
            str(support_refusal or ""),
            can_edit,
            may_comment,
            content_hidden,
            may_report,
        )
    )
    return render_for_reader(
        request,
        "proposals/proposal_detail.html",
        context,
        situation=situation,
        tags=[f"proposal:{pk}"],
        leaves_out=("proposals",),
    )


def _answer(proposal, language: str) -> dict:
    """The Commission's answer as the page shows it, with its deadline and the commitments carrying it out."""
    response = response_selectors.public_response_for(proposal)
    deadline = response_selectors.answer_deadline(proposal) if proposal.is_public else None
    text, text_language = ("", language)
    if response:
        text, text_language = response.translated_in("reasoning", language)
    return {
        "response": response,
        "response_language": text_language,
        "response_text": text,
        "answer_deadline": deadline,
        "answered_on_time": bool(response and deadline and response.published_at <= deadline),
        "commitments": commitment_selectors.commitments_for_proposal(proposal) if response else [],
    }


def _timeline(proposal) -> list:
    """Status changes and hearings where the proposal was discussed, in order of time."""
    transitions = selectors.proposal_transitions(proposal)
    steps = [t for t in transitions if t.to_status != "draft" or t.from_status != "draft"]
    steps += list(proposal.hearing_discussions.select_related("hearing"))
    return sorted(steps, key=lambda step: (step.created_at, step.pk))


def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("proposal"), pk=pk)
    if not can_read_proposal_content(request.user, attachment.proposal):
        raise Http404
    response = private_file_response(
        attachment.file, filename=attachment.original_name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _last_decision(proposal, viewer):
    """The author sees the latest moderation decision with its statement of reasons, and may appeal once."""
    if not viewer.is_authenticated or viewer.pk != proposal.author_id:
        return None
    if proposal.status in (ProposalStatus.SUBMITTED, ProposalStatus.IN_MODERATION):
        return None  # sent again after changes: what was asked before is answered, a new decision is due
    # The latest decision stands: an approval after a hiding (on appeal or on a moderator's own review)
    # supersedes it. A plain approval needs no word; an appeal is answered either way, with its reasons.
    case = (
        proposal.moderation_cases.filter(status="decided", comment__isnull=True)
        .order_by("-decided_at", "-id")
        .first()
    )
    if case is None or (case.decision == "approve" and not case.is_appeal):
        return None
    can_appeal = (
        proposal.status in ("rejected", "hidden")
        and case.decision in ("reject", "hide")
        and not case.is_appeal
        and not case.appeals.exists()
    )
    return {"case": case, "can_appeal": can_appeal}
