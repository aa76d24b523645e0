"""A decision on an organisation's proposal is told to those who speak for the organisation, not only to the
member who typed it: the representatives and the members who may submit for it hear of a rejection, a hiding
or a merge with its reasons, and so can appeal or resubmit in time. A plain member is not told."""

import pytest

from portal.accounts import services
from portal.accounts.models import OrganisationMembership
from portal.notifications.models import Notification
from proposals.models import ProposalStatus
from proposals.services.moderation import moderation_act
from proposals.services.proposal import proposal_transition
from tests.factories import UserFactory
from tests.proposals.factories import ProposalFactory, publish_response
from tests.proposals.moderation_helpers import STATEMENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(citizen, admin_user):
    # The citizen who registers it is its representative.
    organisation = services.organisation_register(name="Civic Lawyers", kind="expert", registered_by=citizen)
    return services.organisation_verify(organisation=organisation, verified_by=admin_user)


@pytest.fixture
def secretary(organisation):
    member = UserFactory()
    OrganisationMembership.objects.create(organisation=organisation, user=member, can_act_on_behalf=True)
    return member


@pytest.fixture
def plain_member(organisation):
    member = UserFactory()
    OrganisationMembership.objects.create(organisation=organisation, user=member)
    return member


@pytest.fixture
def typist(organisation):
    """The member who typed the organisation's proposal: one who may submit for it."""
    member = UserFactory()
    OrganisationMembership.objects.create(organisation=organisation, user=member, can_act_on_behalf=True)
    return member


@pytest.fixture
def party_proposal(organisation, secretary, typist):
    return ProposalFactory(
        author=typist, organisation=organisation, submitter_type="organisation", status="submitted"
    )


def _told(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_a_rejection_reaches_the_author_the_representative_and_who_may_act_not_a_plain_member(
    citizen, secretary, plain_member, party_proposal, moderator
):
    proposal_transition(
        proposal=party_proposal, to_status=ProposalStatus.REJECTED, actor=moderator, reason=STATEMENT
    )
    assert _told("proposal.rejected") == {party_proposal.author_id, citizen.pk, secretary.pk}
    assert Notification.objects.get(recipient=citizen, kind="proposal.rejected").params["reason"] == STATEMENT


def test_a_hidden_proposal_is_told_to_the_organisation_with_the_reason(
    citizen, secretary, plain_member, party_proposal, moderator
):
    party_proposal.status = ProposalStatus.PUBLISHED
    party_proposal.save(update_fields=["status"])
    moderation_act(
        moderator=moderator,
        proposal=party_proposal,
        decision="hide",
        reason_code="personal_data",
        statement=STATEMENT,
    )
    assert _told("proposal.hidden") == {party_proposal.author_id, citizen.pk, secretary.pk}


def test_an_individual_proposal_is_still_told_to_its_author_alone(citizen, plain_member, moderator):
    proposal = ProposalFactory(author=citizen, status="submitted")
    proposal_transition(
        proposal=proposal, to_status=ProposalStatus.REJECTED, actor=moderator, reason=STATEMENT
    )
    assert _told("proposal.rejected") == {citizen.pk}


def test_the_commissions_answer_reaches_those_who_speak_for_the_organisation(
    citizen, secretary, plain_member, party_proposal, commissioner, second_commissioner
):
    party_proposal.status = ProposalStatus.PUBLISHED
    party_proposal.save(update_fields=["status"])
    publish_response(party_proposal, drafter=commissioner, approver=second_commissioner)
    assert _told("proposal.responded") == {party_proposal.author_id, citizen.pk, secretary.pk}


@pytest.mark.parametrize("leaves", ["left", "may_no_longer_act"])
def test_the_member_who_typed_it_and_has_left_is_no_longer_told_the_organisations_decisions(
    citizen, secretary, organisation, typist, party_proposal, moderator, leaves
):
    if leaves == "left":
        services.organisation_leave(organisation=organisation, user=typist)
    else:
        OrganisationMembership.objects.filter(user=typist).update(can_act_on_behalf=False)
    proposal_transition(
        proposal=party_proposal, to_status=ProposalStatus.REJECTED, actor=moderator, reason=STATEMENT
    )
    assert _told("proposal.rejected") == {citizen.pk, secretary.pk}
