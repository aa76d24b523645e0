"""The four-eyes approval of the Commission's answers: the drafter sends an answer for approval, another
member returns it with reasons or approves it, and approval publishes it. The members who may approve are
told when an answer awaits them, and the drafter when it is returned or approved.

Publishing moves the proposal, and every member of its campaign cluster, to `responded` through
`proposal_transition`, and tells authors and followers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.audit import audit_record
from portal.core.revisions import refuse_if_changed
from portal.core.roles import ROLE_GROUPS, Role
from portal.notifications.models import Category
from portal.notifications.services import notifications_withdraw, notify
from proposals.permissions.response import (
    can_draft_response,
    can_recall_response,
    can_review_response,
    can_submit_response,
)

from ..models import ArticleIdentity, Proposal, ProposalResponse, ProposalStatus, ResponseStatus
from ..models.translated import LANGUAGE_ORDER as LANGUAGES
from ..selectors.proposal import proposal_speakers
from ..selectors.response import answer_revision
from .proposal import proposal_transition
from .response import AWAITING_ANSWER, CHANGED_MEANWHILE, R, answer_audiences, response_transition
from .response_template import unfilled_blanks


@transaction.atomic
def response_submit(*, response: ProposalResponse, actor: User) -> ProposalResponse:
    """The drafter asks another member to approve the answer (`can_submit_response`). Sent twice, it is sent
    once: the second time changes nothing and tells nobody again."""
    response = ProposalResponse.objects.select_for_update().get(pk=response.pk)
    if response.state == R.IN_REVIEW and response.drafted_by_id == actor.pk:
        return response
    if not can_draft_response(actor, response):
        raise PermissionDenied(_("You may not send this answer for approval."))
    if not can_submit_response(actor, response):
        raise PermissionDenied(
            _(
                "%(name)s saved this answer last. Save it yourself first: whoever sends it for approval is "
                "its drafter, and another member approves it."
            )
            % {"name": response.drafted_by.display_name}
        )
    _refuse_unfilled_blanks(response)
    response = response_transition(response=response, to_state=R.IN_REVIEW, actor=actor)
    _notify_approvers(response, actor=actor)
    return response


def _refuse_unfilled_blanks(response: ProposalResponse) -> None:
    blanks = unfilled_blanks(*(getattr(response, f"reasoning_{code}") for code in LANGUAGES))
    if blanks:
        raise ValidationError(
            _("The reasoning still holds a template's blanks to fill in: %(blanks)s. Replace them first.")
            % {"blanks": ", ".join(blanks)}
        )


@transaction.atomic
def response_recall(*, response: ProposalResponse, actor: User) -> ProposalResponse:
    """The drafter takes the answer back to a draft while it awaits approval: a mistake seen after sending it
    no longer waits for another member to return it. Taken back twice, it is taken back once."""
    response = ProposalResponse.objects.select_for_update().get(pk=response.pk)
    if response.state == R.DRAFT and response.drafted_by_id == actor.pk:
        return response
    if not can_recall_response(actor, response):
        raise PermissionDenied(_("Only its drafter takes an answer back, and only before it is approved."))
    response = response_transition(response=response, to_state=R.DRAFT, actor=actor)
    # The approvers' "awaiting your approval" would lead to a draft they cannot approve: it leaves their
    # centre and their next digest; the drafter keeps what they were told of earlier rounds.
    notifications_withdraw(urls=[_work_url(response)], keep_for=response.drafted_by_id)
    return response


@transaction.atomic
def response_return(
    *, response: ProposalResponse, reviewer: User, note: str, seen: str | None = None
) -> ProposalResponse:
    """A reviewer sends the draft back with a note for the drafter (internal, never public). `seen` is the
    answer as the reviewer's page showed it (`answer_revision`): taken back, rewritten and sent again since,
    or returned by another member, the note is about a text that is no longer the one awaiting approval, so
    the return is refused and the reviewer reads the answer as it stands."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Tell the drafter what to change.")})
    response = ProposalResponse.objects.select_for_update().get(pk=response.pk)
    # The same return sent twice (a double click): done already, and the drafter was told once.
    if (
        response.state == R.RETURNED
        and response.reviewed_by_id == reviewer.pk
        and response.review_note == note
    ):
        return response
    refuse_if_changed(
        seen=seen,
        now=answer_revision(response),
        saved=response,
        message=_(
            "The answer changed after you opened the page; nothing is returned. Read it again below; your "
            "note is kept."
        ),
    )
    if not can_review_response(reviewer, response) or response.state != R.IN_REVIEW:
        raise PermissionDenied(_("You may not review this answer."))
    response = response_transition(response=response, to_state=R.RETURNED, actor=reviewer, note=note)
    audit_record(actor=reviewer, action="response.returned", target=response.proposal)
    _notify_drafter(response, actor=reviewer, kind="response.returned", reason=note)
    return response


@transaction.atomic
def response_approve(
    *, response: ProposalResponse, reviewer: User, seen: str | None = None
) -> ProposalResponse:
    """Approval publishes. Under four eyes (RESPONSE_FOUR_EYES) the drafter cannot approve their own.
    `seen` is the answer as the reviewer's page showed it (`answer_revision`): returned, rewritten and sent
    again since, the text they would publish is one they have not read, so the approval is refused."""
    locked = ProposalResponse.objects.select_for_update().get(pk=response.pk)
    if locked.state == R.PUBLISHED:
        # The reviewer's own approval sent twice (a double click): done already.
        if locked.reviewed_by_id == getattr(reviewer, "pk", None):
            return locked
        raise ValidationError(
            _("%(name)s has already approved and published this answer.")
            % {"name": locked.reviewed_by.display_name if locked.reviewed_by else "—"},
            code=CHANGED_MEANWHILE,
        )
    # First: returned or published since, it is no longer for this reviewer to approve, and they are told why.
    if seen is not None and seen != answer_revision(locked):
        raise ValidationError(
            _("The answer changed after you opened the page; nothing is published. Read it again below."),
            code=CHANGED_MEANWHILE,
        )
    if not can_review_response(reviewer, locked):
        if settings.RESPONSE_FOUR_EYES and locked.drafted_by_id == getattr(reviewer, "pk", None):
            raise PermissionDenied(_("Another Commission member must approve an answer you drafted."))
        raise PermissionDenied(_("You may not approve this answer."))
    return response_publish(response=locked, actor=reviewer)


@transaction.atomic
def response_publish(*, response: ProposalResponse, actor: User) -> ProposalResponse:
    """Publishes the answer: the proposal and each cluster member move to `responded`, and their authors and
    followers are told (in-app and by email in their language). Refused once the proposal no longer awaits an
    answer (hidden, withdrawn, back in moderation or merged since the draft was written): the answer would be
    public beside a proposal that is not, and the article pages would name it."""
    representative = Proposal.objects.get(pk=response.proposal_id)
    if representative.status not in AWAITING_ANSWER:
        raise ValidationError(
            _("This proposal no longer awaits an answer (%(status)s); the answer cannot be published.")
            % {"status": representative.get_status_display()}
        )
    _refuse_unfilled_blanks(response)
    response = response_transition(response=response, to_state=R.PUBLISHED, actor=actor)
    proposals = [representative, *Proposal.objects.filter(cluster_of=representative).order_by("pk")]
    answered = []
    for proposal in proposals:
        if proposal.status in AWAITING_ANSWER:
            answered.append(
                proposal_transition(proposal=proposal, to_status=ProposalStatus.RESPONDED, actor=actor)
            )
    _notify_answered(answered, actor=actor, response=response)
    _notify_drafter(response, actor=actor, kind="response.approved")
    audit_record(
        actor=actor, action="response.published", target=representative, details={"status": response.status}
    )
    return response


def response_reach_late_member(*, proposal: Proposal) -> Proposal:
    """A copy of a campaign's text joins the campaign when screened, and may be published (at once, or by a
    moderator) after the campaign was answered. The answer covers it too: it moves to `responded` and its
    author is told, as the others were. Otherwise it stayed "published", out of the queue, which lists a
    campaign by its answered representative, and its author was never told."""
    if not proposal.cluster_of_id or proposal.status != ProposalStatus.PUBLISHED:
        return proposal
    response = ProposalResponse.objects.filter(proposal_id=proposal.cluster_of_id, state=R.PUBLISHED).first()
    if response is None:
        return proposal
    proposal = proposal_transition(proposal=proposal, to_status=ProposalStatus.RESPONDED, actor=None)
    params = _answer_params(response)
    # Only those who speak for it: the campaign's followers were told of this answer when it was published.
    notify(
        recipients=proposal_speakers(proposal),
        category="responses",
        kind="proposal.responded_articles" if params["articles"] else "proposal.responded",
        params={"title": proposal.title, **params},
        url=proposal.get_absolute_url(),
    )
    return proposal


def _answer_params(response: ProposalResponse) -> dict:
    """The decision, the articles it changes that the public can read, and its reasons, in every language,
    so each reader gets theirs."""
    numbers = [
        identity.number or identity.key
        for identity in ArticleIdentity.objects.published().filter(responses=response).order_by("pk")
    ]
    decision, articles = {}, {}
    for code in LANGUAGES:
        with translation.override(code):
            decision[code] = str(ResponseStatus(response.status).label)
            articles[code] = ", ".join(_("Article %(number)s") % {"number": number} for number in numbers)
    return {
        "decision": decision,
        "articles": articles if numbers else "",
        # Reasons written in fewer languages reach every reader, saying in which language they are.
        "reason": response.in_every_language_noted("reasoning"),
    }


def _notify_answered(proposals: list[Proposal], *, actor: User, response: ProposalResponse) -> None:
    params = _answer_params(response)
    for proposal, recipients in answer_audiences(proposals):
        notify(
            recipients=recipients,
            category="responses",
            # The chain from a proposal to the article it changed, told with the answer itself.
            kind="proposal.responded_articles" if params["articles"] else "proposal.responded",
            params={"title": proposal.title, **params},
            url=proposal.get_absolute_url(),
            exclude=actor,
        )


# --- telling the Commission -------------------------------------------------------------------------------
# Internal notices, under their own category: Commission members choose how often they hear of their work
# apart from the public answers they follow as readers. The link is the Commission's page of the proposal, a
# staff path: whoever opens it passes their second factor first (`StaffSecondFactorMiddleware`), and a member
# who has none yet reads only that work waits (`portal.notifications.staff_work`).


def _work_url(response: ProposalResponse) -> str:
    return reverse("commission_work", kwargs={"pk": response.proposal_id})


def _approvers(response: ProposalResponse) -> list[User]:
    """Who may approve the answer now (`can_review_response`: never its drafter, nor a member with an interest
    in the proposal): the Commission's members, or, when none of them may, the administrators, who may too."""
    people = User.objects.filter(is_active=True).exclude(pk=response.drafted_by_id).order_by("pk")
    for group in (ROLE_GROUPS[Role.COMMISSION], ROLE_GROUPS[Role.ADMIN]):
        approvers = [
            person
            for person in people.filter(groups__name=group).distinct()
            if can_review_response(person, response)
        ]
        if approvers:
            return approvers
    return []


def _notify_approvers(response: ProposalResponse, *, actor: User) -> None:
    """The answer waits for another member: they are told at once, not when someone next opens the queue."""
    proposal = Proposal.objects.only("title").get(pk=response.proposal_id)
    notify(
        recipients=_approvers(response),
        category=Category.COMMISSION_WORK,
        kind="response.awaiting_approval",
        params={"title": proposal.title, "by": actor.display_name},
        url=_work_url(response),
        exclude=actor,
    )


def _notify_drafter(response: ProposalResponse, *, actor: User, kind: str, reason: str = "") -> None:
    """The drafter learns what became of the answer they sent: published, or returned with the reasons."""
    proposal = Proposal.objects.only("title").get(pk=response.proposal_id)
    params = {"title": proposal.title, "by": actor.display_name}
    if reason:
        params["reason"] = reason
    notify(
        recipients={response.drafted_by_id},
        category=Category.COMMISSION_WORK,
        kind=kind,
        params=params,
        url=_work_url(response),
        exclude=actor,
    )
