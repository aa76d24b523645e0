"""Writes on proposals. The status changes only in `proposal_transition`, against PROPOSAL_LIFECYCLE."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.models import Organisation, User
from portal.accounts.permissions import can_act_for_organisation, is_blocked
from portal.core import switches
from portal.core.lifecycle import Lifecycle
from portal.core.queue import enqueue_on_commit
from portal.core.ratelimit import address_within, rate_limit_hit
from portal.core.revisions import refuse_if_changed
from portal.core.text import plain_text
from portal.notifications.messages import in_every_language
from portal.notifications.services import notifications_withdraw, notify
from proposals.permissions.consultation import intake_is_open
from proposals.permissions.proposal import can_edit_proposal, can_transition_proposal

from ..models import (
    ArticleIdentity,
    CommissionAssignment,
    CommissionNote,
    Consultation,
    Proposal,
    ProposalResponse,
    ProposalStatus,
    ResponseState,
)
from ..models.proposal import CONTENT_WITHHELD, PUBLIC_STATUSES
from ..rich_text import render_markdown
from ..search import search_index_update
from ..selectors.consultation import intake_closed_message
from ..selectors.proposal import draft_revision, proposal_speakers
from .follow import follow_add
from .hearing_agenda import agenda_titles_withhold

S = ProposalStatus
DRAFT_SAVED_MEANWHILE = gettext_lazy(
    "This draft was saved in another tab or window while you were editing it here. Nothing is lost: your "
    "text is kept in the form below, and what is saved now is shown above it. Compare them, then save again "
    "to keep your text."
)

PROPOSAL_LIFECYCLE = Lifecycle(
    "proposal",
    {
        S.DRAFT: [S.SUBMITTED, S.WITHDRAWN],
        # Screening either publishes a clean proposal at once or queues it for a moderator.
        S.SUBMITTED: [S.IN_MODERATION, S.PUBLISHED, S.REJECTED, S.WITHDRAWN, S.DRAFT],
        # A moderator publishes, rejects with reasons, or asks the author for changes (back to draft).
        # … or merges it into the published proposal it duplicates.
        S.IN_MODERATION: [S.PUBLISHED, S.REJECTED, S.DRAFT, S.WITHDRAWN, S.MERGED],
        S.PUBLISHED: [S.UNDER_REVIEW, S.RESPONDED, S.MERGED, S.WITHDRAWN, S.IN_MODERATION, S.HIDDEN],
        # Hidden by a moderator or by enough readers' reports; a moderator restores it or keeps it hidden. Not
        # merged while hidden: a merged proposal's text is public again, and what was hidden (abuse, someone's
        # personal data) would show on its page. Restored first, it may then be merged like any other.
        S.HIDDEN: [S.PUBLISHED],
        S.UNDER_REVIEW: [S.RESPONDED, S.MERGED],
        S.RESPONDED: [],
        # An appeal brings a rejected proposal back before a moderator.
        S.REJECTED: [S.IN_MODERATION],
        S.WITHDRAWN: [],
        S.MERGED: [],
    },
)

# Timestamps that a transition into a status sets.
_STAMPS = {S.SUBMITTED: "submitted_at", S.PUBLISHED: "published_at", S.RESPONDED: "responded_at"}


@dataclass(frozen=True)
class ProposalInput:
    """What an author writes; validated by `_clean_input` before anything is stored."""

    title: str
    summary: str
    body: str
    language: str
    topic_id: int | None = None
    article_ids: tuple[int, ...] = ()
    organisation_id: int | None = None


def _clean_input(data: ProposalInput, *, author: User) -> dict:
    errors: dict[str, list[str]] = {}
    title = " ".join(plain_text(data.title).split())
    if not title:
        errors.setdefault("title", []).append(_("Give the proposal a title."))
    elif len(title) > 150:
        errors.setdefault("title", []).append(_("The title can have at most 150 characters."))
    summary = plain_text(data.summary).strip()
    if not summary:
        errors.setdefault("summary", []).append(_("Summarise the proposal in a sentence or two."))
    elif len(summary) > 600:
        errors.setdefault("summary", []).append(_("The summary can have at most 600 characters."))
    # Browsers count a line break as one character against `maxlength` but send it as CR LF.
    body = plain_text(data.body.replace("\r\n", "\n")).strip()
    limit = settings.PROPOSAL_BODY_MAX_LENGTH
    if not body:
        errors.setdefault("body", []).append(_("Write the text of the proposal."))
    elif len(body) > limit:
        errors.setdefault("body", []).append(
            _("The text can have at most %(limit)d characters; it has %(length)d.")
            % {"limit": limit, "length": len(body)}
        )
    if data.language not in dict(settings.LANGUAGES):
        errors.setdefault("language", []).append(_("Choose Kazakh, Russian or English."))
    organisation = None
    if data.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=data.organisation_id).first()
        if organisation is None or not can_act_for_organisation(author, organisation):
            errors.setdefault("organisation", []).append(
                _("You can submit only for a verified organisation that lets you act on its behalf.")
            )
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "summary": summary,
        "body": body,
        "body_html": render_markdown(body),
        "language": data.language,
        "topic_id": data.topic_id,
        "organisation": organisation,
        "submitter_type": Proposal.SubmitterType.ORGANISATION
        if organisation
        else Proposal.SubmitterType.INDIVIDUAL,
    }


def _check_articles(article_ids: tuple[int, ...], consultation) -> None:
    """A proposal names articles the public can read, of its own consultation: an article new in a draft
    version would otherwise show on the proposal's page before its version is published."""
    wanted = set(article_ids)
    found = ArticleIdentity.objects.published().filter(pk__in=wanted, document__consultation=consultation)
    if found.count() != len(wanted):
        raise ValidationError({"articles": _("Choose articles of this consultation's published draft.")})


def _check_intake(consultation) -> None:
    if not intake_is_open(consultation):
        raise ValidationError(intake_closed_message(consultation))


@transaction.atomic
def proposal_draft_save(
    *,
    author: User,
    consultation: Consultation,
    data: ProposalInput,
    proposal: Proposal | None = None,
    ip: str | None = None,
    seen: str | None = None,
) -> Proposal:
    """Creates or updates the author's draft; a submitted proposal is frozen (see `can_edit_proposal`).
    New drafts are paced per account and per client address `ip`. An edit from a form loaded as `seen`
    (`draft_revision`) before another save of the draft (in another tab) is refused rather than overwriting
    that save."""
    if not author.is_authenticated:
        raise PermissionDenied
    if is_blocked(author):
        raise PermissionDenied(_("Your account is blocked for now; you can read but not submit."))
    _check_intake(consultation)
    fields = _clean_input(data, author=author)
    _check_articles(data.article_ids, consultation)
    if proposal is None:
        _check_pace("draft", author=author, ip=ip)
        proposal = Proposal(consultation=consultation, author=author)
    else:
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not can_edit_proposal(author, proposal):
            raise PermissionDenied(_("This proposal can no longer be edited."))
        refuse_if_changed(
            seen=seen, now=draft_revision(proposal), saved=proposal, message=DRAFT_SAVED_MEANWHILE
        )
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal.save()
    proposal.articles.set(data.article_ids)
    return proposal


@transaction.atomic
def proposal_submit(*, proposal: Proposal, author: User, ip: str | None = None) -> Proposal:
    """Sends a draft to screening; the author follows their own proposal from now on.

    `ip` is kept for burst detection (many submissions from one address) until the retention purge.
    """
    _check_intake(proposal.consultation)
    if is_blocked(author):
        raise PermissionDenied(_("Your account is blocked for now; you can read but not submit."))
    # The draft was saved while the author could act for the organisation; a representative may have taken
    # that back since, and the proposal would still go out in its name.
    if proposal.organisation_id is not None and not can_act_for_organisation(author, proposal.organisation):
        raise PermissionDenied(
            _("You can submit only for a verified organisation that lets you act on its behalf.")
        )
    _check_submission_pace(author=author, ip=ip)
    if ip:
        Proposal.objects.filter(pk=proposal.pk).update(submission_ip=ip)
    proposal = proposal_transition(proposal=proposal, to_status=S.SUBMITTED, actor=author)
    follow_add(user=author, proposal=proposal)
    enqueue_on_commit("proposals.tasks.screen_proposal", proposal.pk)
    return proposal


class SubmissionThrottled(ValidationError):
    """Too many submissions from one account or one address, or submissions paused by an admin (429)."""


def _check_submission_pace(*, author: User, ip: str | None) -> None:
    """One address with a hundred accounts cannot flood the intake; an ordinary person never meets this.

    Counted on the shared cache, so the limits hold across all web processes. The draft stays saved.
    """
    if switches.current().submissions_paused:
        raise SubmissionThrottled(
            _("Submissions are paused for a short while because of heavy load. Your draft is saved.")
        )
    _check_pace("submit", author=author, ip=ip)


# Each pace: the settings of its limits per account and per client address an hour, and its refusal.
_PACES = {
    "submit": (
        ("SUBMISSIONS_PER_ACCOUNT_PER_HOUR", "SUBMISSIONS_PER_ADDRESS_PER_HOUR"),
        gettext_lazy(
            "Too many proposals were submitted from your account or network in the last hour. Your draft is "
            "saved; submit it a little later."
        ),
    ),
    "draft": (
        ("DRAFTS_PER_ACCOUNT_PER_HOUR", "DRAFTS_PER_ADDRESS_PER_HOUR"),
        gettext_lazy(
            "Too many new drafts were started from your account or network in the last hour. Finish one of "
            "your drafts, or start a new one a little later."
        ),
    ),
}


def _check_pace(scope: str, *, author: User, ip: str | None) -> None:
    """Counted on the shared cache, so that the limits hold across all web processes."""
    (per_account, per_address), refusal = _PACES[scope]
    within = rate_limit_hit(
        scope=f"{scope}-account",
        key=str(author.pk),
        limit=getattr(settings, per_account),
        period_seconds=3600,
    )
    within = within and address_within(
        ip, scope=f"{scope}-ip", limit=getattr(settings, per_address), period_seconds=3600
    )
    if not within:
        raise SubmissionThrottled(str(refusal))


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, author: User, reason: str) -> Proposal:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say briefly why you withdraw the proposal.")})
    _check_intake(proposal.consultation)
    proposal = proposal_transition(proposal=proposal, to_status=S.WITHDRAWN, actor=author, reason=reason)
    Proposal.objects.filter(pk=proposal.pk).update(withdrawal_reason=reason)
    proposal.withdrawal_reason = reason
    return proposal


@transaction.atomic
def proposal_transition(
    *,
    proposal: Proposal,
    to_status: str,
    actor: User | None,
    reason: str = "",
    internal_note: str = "",
    merged_into: Proposal | None = None,
    tell_author: bool = True,
) -> Proposal:
    """The only code path that changes a proposal's status.

    Locks the row, checks the actor's permission (`actor=None` is the system: screening, sweeps) and the
    lifecycle table, writes the log row and stamps the time. Raises TransitionNotAllowed or PermissionDenied.
    `tell_author=False` leaves the author's notice to the caller (an appeal's outcome is told as such).
    """
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if actor is not None and not can_transition_proposal(actor, locked, to_status):
        raise PermissionDenied(_("You may not make this change."))
    from_status = PROPOSAL_LIFECYCLE.move(locked, to_status)
    update_fields = ["status", "updated_at"]
    stamp = _STAMPS.get(to_status)
    if stamp and getattr(locked, stamp) is None:
        setattr(locked, stamp, timezone.now())
        update_fields.append(stamp)
    if to_status == S.MERGED:
        if merged_into is None or merged_into.pk == locked.pk:
            raise ValidationError(_("Name the proposal this one is merged into."))
        locked.merged_into = merged_into
        update_fields.append("merged_into")
    locked.save(update_fields=update_fields)
    if to_status in _LEAVES_PUBLIC and locked.cluster_of_id is None:
        _cluster_hand_over(locked)
    published = to_status in PUBLIC_STATUSES
    if locked.cluster_of_id is not None and (from_status in PUBLIC_STATUSES) != published:
        _cluster_count(locked.cluster_of_id, 1 if published else -1)
    if to_status in CONTENT_WITHHELD:
        agenda_titles_withhold(locked)
    if to_status == S.PUBLISHED:
        search_index_update(Proposal.objects.filter(pk=locked.pk))
    locked.transitions.create(
        from_status=from_status, to_status=to_status, actor=actor, reason=reason, internal_note=internal_note
    )
    _notify_transition(
        locked,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        reason=reason,
        tell_author=tell_author,
    )
    return locked


# Statuses in which a proposal is no longer listed nor answered.
_LEAVES_PUBLIC = (S.WITHDRAWN, S.HIDDEN, S.IN_MODERATION, S.MERGED)


def _cluster_hand_over(representative: Proposal) -> None:
    """A campaign is listed, queued and answered as its representative: one leaving the public view hands
    that over to the oldest member still awaiting an answer, with the campaign's unpublished answer, its
    assignment and its internal notes. Without it the other members vanished from every list and from the
    Commission's queue, and nobody could answer them."""
    members = list(
        Proposal.objects.select_for_update().filter(cluster_of=representative).order_by("published_at", "id")
    )
    heir = next((member for member in members if member.status in (S.PUBLISHED, S.UNDER_REVIEW)), None)
    if heir is None:
        return
    Proposal.objects.filter(cluster_of=representative).exclude(pk=heir.pk).update(cluster_of=heir)
    heir.cluster_of = None
    heir.cluster_size = sum(1 for member in members if member.status in PUBLIC_STATUSES)
    heir.save(update_fields=["cluster_of", "cluster_size", "updated_at"])
    representative.cluster_size = 1
    representative.save(update_fields=["cluster_size"])
    ProposalResponse.objects.filter(proposal=representative).exclude(state=ResponseState.PUBLISHED).update(
        proposal=heir
    )
    CommissionAssignment.objects.filter(proposal=representative).update(proposal=heir)
    CommissionNote.objects.filter(proposal=representative).update(proposal=heir)


def _cluster_count(representative_id: int, change: int) -> None:
    """A campaign's count is of the people whose copy the public reads: a member published adds one, a member
    hidden, withdrawn, merged or sent back to moderation takes one away. Counted from submission, it told
    everyone of copies no one may read (one held by screening, rejected, hidden for a name in it). Saved, not
    updated, so that the representative's stored pages are renewed with it."""
    representative = Proposal.objects.select_for_update().get(pk=representative_id)
    representative.cluster_size = max(1, representative.cluster_size + change)
    representative.save(update_fields=["cluster_size"])


# The notification kind that tells the author of a decision moving their proposal to each status, and whether
# the moderator's reason goes with it.
AUTHOR_NOTICES = {
    S.PUBLISHED: ("proposal.published", False),
    S.REJECTED: ("proposal.rejected", True),
    S.DRAFT: ("proposal.changes_requested", True),
}


def _notify_transition(
    proposal: Proposal,
    *,
    from_status: str,
    to_status: str,
    actor: User | None,
    reason: str,
    tell_author: bool,
) -> None:
    """Tells the author about decisions on their proposal, and followers about public status changes."""
    url = proposal.get_absolute_url()
    # Withdrawn by its author or hidden by moderation, the title and the thread leave the page: what others
    # were told of them leaves their notification centre and next digest too.
    if to_status in CONTENT_WITHHELD:
        notifications_withdraw(urls=[url], keep_for=proposal.author_id)
    title = {"title": proposal.title}
    notice = AUTHOR_NOTICES.get(to_status)
    if notice and tell_author and from_status != to_status:
        kind, with_reason = notice
        params = {**title, "reason": reason} if with_reason else title
        speakers = proposal_speakers(proposal)
        notify(recipients=speakers, category="moderation", kind=kind, params=params, url=url)
    # An answer (`responded`) is announced by `response_publish`, with the Commission's own message.
    if to_status in (S.UNDER_REVIEW, S.MERGED):
        followers = proposal.follows.values_list("user_id", flat=True)
        notify(
            recipients=followers,
            category="proposals",
            kind="proposal.status_changed",
            # In every language: the actor's page language is not the one each follower reads it in.
            params={**title, "status": in_every_language(S(to_status).label)},
            url=url,
            exclude=actor,
        )
