"""Proposals: who may move them through their lifecycle, see, edit, support and discuss them."""

from django.utils.translation import gettext as _

from portal.accounts.models import OrganisationMembership
from portal.accounts.permissions import (
    can_act_for_organisation,
    can_participate,
    is_blocked,
    is_verified_person,
)
from portal.core import switches
from portal.core.roles import is_commission_member, is_moderator

from ..models.proposal import CONTENT_WITHHELD, PUBLIC_STATUSES, VISIBLE_STATUSES, ProposalStatus
from .consultation import can_view_consultation, intake_is_open

# Who may move a proposal into each status (actor=None, the system, is not asked).
_AUTHOR_TARGETS = {ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN}
_MODERATOR_TARGETS = {
    ProposalStatus.IN_MODERATION,
    ProposalStatus.PUBLISHED,
    ProposalStatus.REJECTED,
    ProposalStatus.DRAFT,
    ProposalStatus.HIDDEN,
    ProposalStatus.MERGED,
}
_COMMISSION_TARGETS = {ProposalStatus.UNDER_REVIEW, ProposalStatus.RESPONDED, ProposalStatus.MERGED}
# Only drafts: from submission on, screening and moderators decide on the exact text that will be published,
# so the text is frozen until a decision sends it back to its author as a draft (then it is screened again).
_AUTHOR_EDITABLE = {ProposalStatus.DRAFT}


def _speaks_as_author(user, proposal) -> bool:
    """The author, and for a proposal submitted on an organisation's behalf only while they may still act
    for it: what a member submitted stays the organisation's when they leave or are removed."""
    if proposal.author_id != user.pk:
        return False
    return proposal.organisation_id is None or can_act_for_organisation(user, proposal.organisation)


def can_transition_proposal(user, proposal, to_status: str) -> bool:
    if to_status in _AUTHOR_TARGETS and _speaks_as_author(user, proposal):
        return True
    # An appeal: the author sends a rejected proposal back before a (different) moderator.
    if (
        to_status == ProposalStatus.IN_MODERATION
        and proposal.status == ProposalStatus.REJECTED
        and _speaks_as_author(user, proposal)
    ):
        return True
    if to_status in _MODERATOR_TARGETS and is_moderator(user):
        return True
    return to_status in _COMMISSION_TARGETS and is_commission_member(user)


def can_edit_proposal(user, proposal) -> bool:
    """Authors edit their drafts; a proposal in screening or moderation is frozen for them."""
    return proposal.author_id == user.pk and proposal.status in _AUTHOR_EDITABLE


def has_interest_in(user, proposal) -> bool:
    """The author, or a member of the organisation the proposal was submitted for: such a person may not
    decide on it (moderation) nor answer it for the Commission."""
    if not user.is_authenticated:
        return False
    if proposal.author_id == user.pk:
        return True
    return proposal.organisation_id is not None and (
        OrganisationMembership.objects.filter(organisation_id=proposal.organisation_id, user=user).exists()
    )


def _consultation_shown(user, consultation) -> bool:
    """A consultation staff have not published is prepared out of sight, and its proposals with it, whatever
    a seed or an import left attached to it (`selectors/public.py`): its page, its proposals' pages and every
    action on them are for those who prepare it, and for the moderators and Commission members whose work
    reaches every proposal."""
    return can_view_consultation(user, consultation) or is_moderator(user) or is_commission_member(user)


def can_view_proposal(user, proposal) -> bool:
    if not _consultation_shown(user, proposal.consultation):
        return False
    if proposal.status in VISIBLE_STATUSES:
        return True
    return user.is_authenticated and (
        proposal.author_id == user.pk or is_moderator(user) or is_commission_member(user)
    )


# Hidden by moderation, or withdrawn by the author (`CONTENT_WITHHELD`): the privacy notice promises that
# what a person withdraws while intake is open does not stay published (also when they delete their account
# and withdraw with it).


def can_read_proposal_content(user, proposal) -> bool:
    """The text, attachments and comments of a proposal. A hidden or withdrawn proposal's page stays reachable
    (it says what happened and why), but what it carries is for its author and moderators only: every door to
    the content (page, attachment, API) asks this, not `can_view_proposal`."""
    if not can_view_proposal(user, proposal):
        return False
    if proposal.status not in CONTENT_WITHHELD:
        return True
    return user.is_authenticated and (proposal.author_id == user.pk or is_moderator(user))


def can_read_comment(user, comment) -> bool:
    """A comment shown to `user`: neither hidden nor deleted, on a proposal whose content they may read. The
    actions on a comment (like, reply, report) answer 404 where this is False, as its page shows nothing to
    act on; only its author's appeal reaches a hidden comment."""
    return not comment.is_removed and can_read_proposal_content(user, comment.proposal)


class Refusal(str):
    """A reason in the reader's language, with the step that lifts it when there is one (`SIGN_IN`, `VERIFY`):
    the page offers that step's link by the step, never by looking for a word in the translated message."""

    SIGN_IN = "sign_in"
    VERIFY = "verify"

    def __new__(cls, message: str, *, next_step: str = ""):
        refusal = super().__new__(cls, message)
        refusal.next_step = next_step
        return refusal


def supports_paused_message() -> str:
    return _("Supports are paused for a short while because of heavy load. Please come back later.")


def support_refusal(user, proposal) -> str | None:
    """Why `user` may not support `proposal` now, as a message for them; None when they may."""
    # A proposal nobody may support says so first: signing in would lead nowhere.
    if proposal.status not in PUBLIC_STATUSES:
        return _("Only published proposals can be supported.")
    if not user.is_authenticated:
        return Refusal(_("Sign in to support proposals."), next_step=Refusal.SIGN_IN)
    if is_blocked(user):
        return _("Your account is blocked for now; you can read but not support.")
    if proposal.author_id == user.pk:
        return _("You cannot support your own proposal.")
    if not intake_is_open(proposal.consultation):
        return _("Supports are closed: proposal intake has ended.")
    if switches.current().supports_paused:
        return supports_paused_message()
    if not is_verified_person(user):
        return Refusal(
            _("Verify your identity to support proposals: one person, one support."), next_step=Refusal.VERIFY
        )
    return None


def can_comment(user, proposal) -> bool:
    return (
        can_participate(user)
        and proposal.status in PUBLIC_STATUSES
        and not switches.current().comments_paused
    )


def can_like(user, comment) -> bool:
    """Someone else's comment that is shown, on a proposal open to participation; a like by a script through
    a guessed id of a hidden or withdrawn proposal's comment would count where nobody can read it."""
    return (
        can_participate(user)
        and comment.author_id != user.pk
        and not comment.is_removed
        and comment.proposal.status in PUBLIC_STATUSES
        and _consultation_shown(user, comment.proposal.consultation)
    )


def can_report(user) -> bool:
    return can_participate(user)
