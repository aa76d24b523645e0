"""Services raise notifications: the author hears about decisions, followers about status changes."""

import pytest

from portal.notifications.models import Notification
from proposals.services.comment import comment_create
from proposals.services.follow import follow_add
from proposals.services.proposal import proposal_transition

from .factories import ProposalFactory, comment_posted

pytestmark = pytest.mark.django_db


def test_publication_tells_the_author(citizen):
    proposal = ProposalFactory(author=citizen, status="submitted")
    proposal_transition(proposal=proposal, to_status="published", actor=None)
    note = Notification.objects.get(recipient=citizen)
    assert (note.category, note.kind, note.params["title"]) == (
        "moderation",
        "proposal.published",
        proposal.title,
    )


def test_rejection_carries_the_reasons(citizen, moderator):
    proposal = ProposalFactory(author=citizen, status="in_moderation")
    proposal_transition(proposal=proposal, to_status="rejected", actor=moderator, reason="Contains an IIN")
    assert Notification.objects.get(recipient=citizen).params["reason"] == "Contains an IIN"


def test_followers_hear_about_review_but_not_the_actor(citizen, other_citizen, commissioner):
    proposal = ProposalFactory(author=citizen)
    follow_add(user=other_citizen, proposal=proposal)
    follow_add(user=commissioner, proposal=proposal)
    proposal_transition(proposal=proposal, to_status="under_review", actor=commissioner)
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [other_citizen.pk]


def test_a_reply_tells_the_parent_author_and_the_proposal_author(citizen, other_citizen, moderator):
    proposal = ProposalFactory(author=citizen)
    top = comment_posted(author=other_citizen, proposal=proposal, body="First")
    Notification.objects.all().delete()
    comment_posted(author=moderator, proposal=proposal, body="Reply", parent=top)
    kinds = dict(Notification.objects.values_list("recipient_id", "kind"))
    assert kinds == {other_citizen.pk: "comment.reply", citizen.pk: "comment.new"}


def test_commenting_on_your_own_proposal_notifies_nobody(citizen):
    proposal = ProposalFactory(author=citizen)
    comment_create(author=citizen, proposal=proposal, body="Note to self")
    assert not Notification.objects.exists()
