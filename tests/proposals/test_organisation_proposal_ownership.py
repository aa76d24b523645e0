"""What a member submitted on an organisation's behalf is the organisation's: once they leave or are
removed they no longer withdraw or appeal it, and erasing their account does not take it back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.accounts import privacy, services
from portal.accounts.models import OrganisationMembership, User
from proposals.models import ProposalStatus
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db

REASON = "The party changed its position on this article."


@pytest.fixture
def organisation(citizen, admin_user):
    organisation = services.organisation_register(name="Civic Lawyers", kind="expert", registered_by=citizen)
    return services.organisation_verify(organisation=organisation, verified_by=admin_user)


@pytest.fixture
def secretary(organisation, other_citizen):
    OrganisationMembership.objects.create(
        organisation=organisation, user=other_citizen, can_act_on_behalf=True
    )
    return other_citizen


@pytest.fixture
def party_proposal(organisation, secretary):
    return ProposalFactory(author=secretary, organisation=organisation, submitter_type="organisation")


def test_a_removed_member_no_longer_withdraws_the_organisations_proposal(
    client, citizen, organisation, secretary, party_proposal
):
    membership = organisation.memberships.get(user=secretary)
    services.organisation_member_remove(membership=membership, removed_by=citizen)
    client.force_login(secretary)
    client.post(f"/en/proposals/{party_proposal.pk}/withdraw/", {"reason": REASON})
    party_proposal.refresh_from_db()
    assert party_proposal.status == ProposalStatus.PUBLISHED


def test_a_member_no_longer_allowed_to_act_for_it_does_not_withdraw_it_either(
    client, organisation, secretary, party_proposal
):
    organisation.memberships.filter(user=secretary).update(can_act_on_behalf=False)
    client.force_login(secretary)
    client.post(f"/en/proposals/{party_proposal.pk}/withdraw/", {"reason": REASON})
    party_proposal.refresh_from_db()
    assert party_proposal.status == ProposalStatus.PUBLISHED


def test_a_member_who_may_act_for_it_still_withdraws_it(client, secretary, party_proposal):
    client.force_login(secretary)
    client.post(f"/en/proposals/{party_proposal.pk}/withdraw/", {"reason": REASON})
    party_proposal.refresh_from_db()
    assert party_proposal.status == ProposalStatus.WITHDRAWN


def test_erasing_the_members_account_withdraws_their_own_proposals_but_not_the_organisations(
    secretary, party_proposal
):
    own = ProposalFactory(author=secretary, consultation=party_proposal.consultation)
    privacy.account_deletion_request(user=secretary, requested_by=secretary, withdraw_content=True)
    User.objects.filter(pk=secretary.pk).update(deletion_due_at=timezone.now() - timedelta(seconds=1))
    assert privacy.account_erase(user_id=secretary.pk)
    own.refresh_from_db()
    party_proposal.refresh_from_db()
    assert own.status == ProposalStatus.WITHDRAWN
    assert party_proposal.status == ProposalStatus.PUBLISHED


def test_the_proposal_page_offers_withdrawal_only_to_who_may_withdraw(
    client, organisation, secretary, party_proposal
):
    client.force_login(secretary)
    withdraw = f'action="/en/proposals/{party_proposal.pk}/withdraw/"'
    assert withdraw in client.get(f"/en/proposals/{party_proposal.pk}/").content.decode()
    organisation.memberships.filter(user=secretary).delete()
    assert withdraw not in client.get(f"/en/proposals/{party_proposal.pk}/").content.decode()


def test_the_proposal_page_leads_to_the_organisation_it_was_submitted_for(
    client, organisation, party_proposal
):
    page = client.get(f"/kk/proposals/{party_proposal.pk}/").content.decode()
    assert f'<a href="/kk/accounts/organisations/{organisation.slug}/">' in page
