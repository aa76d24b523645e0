"""Comments: one level of replies, edits within 15 minutes, soft deletion and likes.

Comments appear at once; every new or edited text is pre-screened by a Celery task after commit, which
hides it pending review when it finds something. The proposal's author and followers are told of a comment
once screening has passed it (`comment_announce`), so that no notice or email leads to a comment screening
then holds. Reports are in `report.py`.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.permissions import is_blocked
from portal.core.queue import enqueue_on_commit
from portal.core.ratelimit import address_within, rate_limit_hit
from portal.core.roles import is_commission_member
from portal.core.text import plain_text
from portal.notifications.services import notifications_withdraw, notify
from proposals.permissions.proposal import can_comment, can_like, can_read_comment

from ..language import detect_language
from ..models import Comment, CommentLike, Follow, ModerationCase, Proposal
from ..selectors.proposal import comment_thread_page
from ..selectors.reader_facts import own_facts_changed

EDIT_WINDOW = timedelta(minutes=15)
MAX_LENGTH = 3000


class CommentEditsThrottled(ValidationError):
    """More edits than COMMENT_EDITS_PER_ACCOUNT_PER_HOUR from one account, or than
    COMMENT_EDITS_PER_ADDRESS_PER_HOUR from one client address, in an hour (429)."""


def _clean_body(body: str) -> str:
    body = plain_text(body).strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if len(body) > MAX_LENGTH:
        raise ValidationError(
            {"body": _("A comment can have at most %(limit)d characters.") % {"limit": MAX_LENGTH}}
        )
    return body


@transaction.atomic
def comment_create(*, author: User, proposal: Proposal, body: str, parent: Comment | None = None) -> Comment:
    if not can_comment(author, proposal):
        raise PermissionDenied(_("You cannot comment on this proposal."))
    body = _clean_body(body)
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            raise ValidationError(_("A reply must belong to the same proposal."))
        # Every door: a reply under a hidden or deleted comment would be read where its parent is not.
        if not can_read_comment(author, parent):
            raise PermissionDenied(_("You cannot reply to this comment."))
        # One level of replies: answering a reply attaches to its top-level comment.
        if parent.parent_id is not None:
            parent = parent.parent
    comment = Comment.objects.create(
        proposal=proposal,
        author=author,
        parent=parent,
        body=body,
        language=comment_language(body),
        is_official=is_commission_member(author),
    )
    Proposal.objects.filter(pk=proposal.pk).update(comments_count=F("comments_count") + 1)
    own_facts_changed([author.pk])  # they have commented here: the thread shows them their own actions
    _screen_after_commit(comment)
    return comment


def comment_language(body: str) -> str:
    """The language a comment is written in, or "" when its letters do not tell: it then reads as the page."""
    return detect_language(body, default="")


def comment_announce(comment: Comment) -> bool:
    """Tells the proposal's author and followers (a reply: the thread) of a comment they can read, once:
    called when screening passes it and when a moderator restores it. Returns whether it told anyone now."""
    if comment.announced_at is not None or comment.is_removed:
        return False
    comment.announced_at = timezone.now()
    comment.save(update_fields=["announced_at"])
    _notify_comment(comment)
    return True


def _screen_after_commit(comment: Comment) -> None:
    enqueue_on_commit("proposals.tasks.screen_comment", comment.pk)


def comment_url(comment: Comment) -> str:
    """The comment's place in its proposal's thread: what notifications about it link to. On the page of the
    thread that shows it: a popular proposal's newest comments are past the first page, where the link
    found nothing to go to."""
    page = comment_thread_page(comment)
    query = f"?page={page}" if page > 1 else ""
    return f"{comment.proposal.get_absolute_url()}{query}#comment-{comment.pk}"


def comment_author_tell(*, comment: Comment, kind: str, params: dict | None = None, url: str = "") -> None:
    """Tells a comment's author what moderation did with it: a notice of the moderation category, about the
    proposal's title unless `params` says more, linking to the comment unless `url` names another place."""
    notify(
        recipients=[comment.author_id],
        category="moderation",
        kind=kind,
        params=params or {"title": comment.proposal.title},
        url=url or comment_url(comment),
    )


def _notify_comment(comment: Comment) -> None:
    """A new comment tells the proposal's author and followers; a reply tells the author of the comment it
    answers and the proposal's author. Never the commenter."""
    proposal = comment.proposal
    params = {"author": comment.author.display_name, "title": proposal.title}
    url = comment_url(comment)
    if comment.parent_id:
        notify(
            recipients=[comment.parent.author_id],
            category="comments",
            kind="comment.reply",
            params=params,
            url=url,
            exclude=comment.author_id,
        )
    if not comment.parent_id:
        # A new comment: the proposal's author and its followers (replies go to the thread, not to everyone).
        followers = set(Follow.objects.filter(proposal=proposal).values_list("user_id", flat=True))
        notify(
            recipients={proposal.author_id, *followers},
            category="comments",
            kind="comment.new",
            params=params,
            url=url,
            exclude=comment.author_id,
        )
    elif comment.parent.author_id != proposal.author_id:
        notify(
            recipients=[proposal.author_id],
            category="comments",
            kind="comment.new",
            params=params,
            url=url,
            exclude=comment.author_id,
        )


def _check_edit_pace(*, editor: User, ip: str | None) -> None:
    """Each edit is screened again and may be reported again: a script rewriting its comments in their edit
    windows, or a farm of accounts behind one address doing so, would keep the screening queue busy. One
    pace whatever the door; counted on the shared cache, so it holds across web processes."""
    within = rate_limit_hit(
        scope="comment-edit",
        key=str(editor.pk),
        limit=settings.COMMENT_EDITS_PER_ACCOUNT_PER_HOUR,
        period_seconds=3600,
    )
    within = within and address_within(
        ip, scope="comment-edit-ip", limit=settings.COMMENT_EDITS_PER_ADDRESS_PER_HOUR, period_seconds=3600
    )
    if not within:
        raise CommentEditsThrottled(
            _(
                "Too many comment edits came from your account or network in the last hour. Your comment "
                "stays as it was; edit it again a little later."
            )
        )


@transaction.atomic
def comment_edit(*, comment: Comment, editor: User, body: str, ip: str | None = None) -> Comment:
    """Rewrites the author's comment in its edit window, to be screened again. `ip` is the client address
    (`portal.core.http.client_ip`) the edits of many accounts are paced by."""
    comment = Comment.objects.select_for_update(of=("self",)).select_related("proposal").get(pk=comment.pk)
    if comment.author_id != editor.pk or comment.is_removed:
        raise PermissionDenied(_("Only the author can edit this comment."))
    if timezone.now() - comment.created_at > EDIT_WINDOW:
        raise PermissionDenied(_("Comments can be edited for 15 minutes after posting."))
    # An edit writes new text as a new comment does: not while the account is blocked or comments are closed.
    if is_blocked(editor):
        raise PermissionDenied(_("Your account is blocked for now; you can read but not submit."))
    if not can_comment(editor, comment.proposal):
        raise PermissionDenied(_("You cannot comment on this proposal."))
    # A moderator decides on the text they read: a comment under review is frozen for its author.
    if ModerationCase.objects.filter(comment=comment, status=ModerationCase.Status.OPEN).exists():
        raise PermissionDenied(
            _("A moderator is reviewing this comment; it can be edited again once they decide.")
        )
    _check_edit_pace(editor=editor, ip=ip)
    comment.body = _clean_body(body)
    comment.language = comment_language(comment.body)
    comment.edited_at = timezone.now()
    comment.screened_at = None  # the new text is screened again
    comment.save(update_fields=["body", "language", "edited_at", "screened_at"])
    _screen_after_commit(comment)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, deleted_by: User) -> Comment:
    """Soft deletion by the author: the place in the thread stays, the text is gone from every page.

    Staff remove other people's comments only by hiding them through moderation (`moderation_act`), which
    records the reasons, tells the author and writes the audit log."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != deleted_by.pk:
        raise PermissionDenied(_("Only the author can delete this comment; moderators hide it with reasons."))
    if comment.deleted_at is None:
        comment.deleted_at = timezone.now()
        comment.save(update_fields=["deleted_at"])
        notifications_withdraw(urls=[comment_url(comment)], keep_for=comment.author_id)
        Proposal.objects.filter(pk=comment.proposal_id).update(comments_count=F("comments_count") - 1)
    return comment


def _check_may_like(comment: Comment, user: User) -> None:
    if not can_like(user, comment):
        raise PermissionDenied(_("You cannot like this comment."))


def comment_like(*, comment: Comment, user: User) -> bool:
    """Records the person's like once; True when it is new. A second like changes nothing."""
    _check_may_like(comment, user)
    try:
        with transaction.atomic():
            CommentLike.objects.create(comment=comment, user=user)
            Comment.objects.filter(pk=comment.pk).update(likes_count=F("likes_count") + 1)
    except IntegrityError:
        return False
    own_facts_changed([user.pk])
    return True


def comment_unlike(*, comment: Comment, user: User) -> bool:
    """Takes the person's like back; True when there was one. The counter falls only with a like actually
    removed, so it stays the number of likes and never goes below zero. Refused where a like would be."""
    _check_may_like(comment, user)
    with transaction.atomic():
        removed, _kinds = CommentLike.objects.filter(comment=comment, user=user).delete()
        if removed:
            Comment.objects.filter(pk=comment.pk, likes_count__gt=0).update(likes_count=F("likes_count") - 1)
    if removed:
        own_facts_changed([user.pk])
    return bool(removed)
