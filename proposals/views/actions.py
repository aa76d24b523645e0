"""Small POST-only actions of readers: support, comment, like, follow. Each calls one service. (Reports and
appeals are in `moderation.py`; the "My participation" page is `me.py`.)"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.forms import form_errors_text
from portal.core.http import client_ip
from portal.core.ratelimit import address_within, rate_limit_hit
from proposals.permissions.consultation import can_view_consultation
from proposals.permissions.proposal import can_read_comment, can_view_proposal

from ..forms import CommentForm
from ..models import ArticleIdentity, Comment, Proposal, Topic
from ..selectors import proposal as proposal_selectors
from ..services import comment as comment_services
from ..services import follow as follow_services
from ..services import support as support_services
from .refused_comments import keep_refused

COMMENTS_PER_MINUTE = 5


def _visible_proposal(request, pk) -> Proposal:
    proposal = get_object_or_404(Proposal.objects.select_related("consultation"), pk=pk)
    if not can_view_proposal(request.user, proposal):
        raise Http404
    return proposal


def _support_block(request, proposal, status=200, refused=""):
    """`refused`: why the button did nothing this time, said in the block beside it."""
    proposal.supports_count = proposal_selectors.supports_count_now(proposal.pk)
    proposal.viewer_supports = proposal.supports.filter(user=request.user).exists()
    context = {
        "proposal": proposal,
        "support_refusal": support_services.support_refusal(request.user, proposal),
        "supports_by_level": proposal_selectors.supports_by_level(proposal.pk),
        "refused": refused,
    }
    return render(request, "proposals/includes/support_block.html", context, status=status)


def _throttled(request, scope, limit) -> bool:
    return not rate_limit_hit(scope=scope, key=str(request.user.pk), limit=limit, period_seconds=60)


def _address_throttled(request, scope, limit) -> bool:
    """Per client address and hour, whichever accounts it signs in with: throw-away accounts each get the
    per-person pace afresh."""
    return not address_within(client_ip(request), scope=scope, limit=limit, period_seconds=3600)


@login_required
@require_POST
def support(request, pk):
    proposal = _visible_proposal(request, pk)
    try:
        added = support_services.support_add(user=request.user, proposal=proposal)
    except support_services.SupportsThrottled as error:
        # Swapped in by htmx, the block says it beside the button: in the message region at the top of the
        # page it was out of sight on a phone, and the button looked as if it had not been pressed.
        if request.htmx:
            return _support_block(request, proposal, status=429, refused=" ".join(error.messages))
        messages.error(request, " ".join(error.messages))
        return redirect(proposal)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        if added:
            messages.success(request, _("Thank you: your support is counted."))
    return _support_block(request, proposal) if request.htmx else redirect(proposal)


@login_required
@require_POST
def support_withdraw(request, pk):
    proposal = _visible_proposal(request, pk)
    try:
        support_services.support_withdraw(user=request.user, proposal=proposal)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your support is withdrawn."))
    if request.htmx:
        return _support_block(request, proposal)
    # From "My participation" the person goes back there; only a path on this site is followed.
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect(proposal)


@login_required
@require_POST
def comment_create(request, pk):
    proposal = _visible_proposal(request, pk)
    form = CommentForm(request.POST)
    if _throttled(request, "comment", COMMENTS_PER_MINUTE):
        messages.error(request, _("You are commenting very fast. Wait a minute and try again."))
    elif _address_throttled(request, "comment-ip", settings.COMMENTS_PER_ADDRESS_PER_HOUR):
        messages.error(request, _("Too many comments came from your network this hour. Try again later."))
    elif form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = Comment.objects.filter(pk=form.cleaned_data["parent"], proposal=proposal).first()
            if parent is None or not can_read_comment(request.user, parent):
                raise Http404
        try:
            comment = comment_services.comment_create(
                author=request.user, proposal=proposal, body=form.cleaned_data["body"], parent=parent
            )
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            # The page of the thread that shows it: past the first page, the comment seemed lost.
            return redirect(comment_services.comment_url(comment))
    else:
        messages.error(request, form_errors_text(form))
    keep_refused(
        request, proposal_pk=proposal.pk, body=form.data.get("body", ""), parent=form.data.get("parent")
    )
    return redirect(f"{proposal.get_absolute_url()}#comments")


def _own_action(request, comment_pk, action, refused=None, *, shown_only=False):
    """`shown_only`: an action on what the page shows (a like), not found where it shows nothing."""
    comment = get_object_or_404(Comment.objects.select_related("proposal__consultation"), pk=comment_pk)
    if shown_only and not can_read_comment(request.user, comment):
        raise Http404
    try:
        action(comment)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        if refused is not None:
            refused(comment)
    return redirect(comment_services.comment_url(comment))


@login_required
@require_POST
def comment_edit(request, comment_pk):
    form = CommentForm(request.POST)
    body = form.data.get("body", "")
    return _own_action(
        request,
        comment_pk,
        lambda c: comment_services.comment_edit(
            comment=c, editor=request.user, body=body, ip=client_ip(request)
        ),
        refused=lambda c: keep_refused(request, proposal_pk=c.proposal_id, body=body, comment_pk=c.pk),
    )


@login_required
@require_POST
def comment_delete(request, comment_pk):
    return _own_action(
        request, comment_pk, lambda c: comment_services.comment_delete(comment=c, deleted_by=request.user)
    )


@login_required
@require_POST
def comment_like(request, comment_pk):
    """The like button is a toggle: a person who liked the comment presses it again to take the like back."""
    service = (
        comment_services.comment_unlike
        if request.POST.get("action") == "unlike"
        else comment_services.comment_like
    )
    return _own_action(request, comment_pk, lambda c: service(comment=c, user=request.user), shown_only=True)


@login_required
@require_POST
def proposal_follow(request, pk):
    proposal = _visible_proposal(request, pk)
    if request.POST.get("action") == "unfollow":
        follow_services.follow_set(user=request.user, proposal=proposal, follow=False)
        messages.success(request, _("You no longer follow this proposal."))
    else:
        follow_services.follow_add(user=request.user, proposal=proposal)
        messages.success(request, _("You follow this proposal: you will be told what happens to it."))
    return redirect(proposal)


@login_required
@require_POST
def target_follow(request, kind, pk):
    """Follow or unfollow an article (identity) or a topic; back to where the person was."""
    # Articles the reader may read only: a followed article is listed, with its number, heading and address,
    # on the reader's participation page, so any other id would show an article new in a draft version, or
    # one of a consultation still in preparation.
    targets = {
        "article": ArticleIdentity.objects.published().select_related("document__consultation"),
        "topic": Topic.objects.all(),
    }.get(kind)
    if targets is None:
        raise Http404
    target = get_object_or_404(targets, pk=pk)
    if kind == "article" and not can_view_consultation(request.user, target.document.consultation):
        raise Http404
    if request.POST.get("action") == "unfollow":
        follow_services.follow_set(user=request.user, **{kind: target}, follow=False)
        messages.success(request, _("You no longer follow this."))
    else:
        follow_services.follow_add(user=request.user, **{kind: target})
        messages.success(request, _("You follow this: you will be told about new proposals and answers."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    return redirect(next_url)
