"""A proposal's page is read twice (its facts and permissions first, the rest when rendered): what it states
is what its permissions were decided on, even when screening changes the proposal in between."""

from unittest import mock

import pytest

from proposals.models import Proposal
from proposals.selectors import proposal as selectors

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db


def test_screening_publishing_between_the_two_reads_does_not_split_the_page(client, consultation, citizen):
    proposal = ProposalFactory(consultation=consultation, author=citizen, status="submitted")
    client.force_login(citizen)
    real = selectors.proposal_detail

    def published_meanwhile(**kwargs):
        Proposal.objects.filter(pk=proposal.pk).update(status="published")
        return real(**kwargs)

    with mock.patch.object(selectors, "proposal_detail", side_effect=published_meanwhile):
        page = client.get(proposal.get_absolute_url()).content.decode()

    assert '<span class="badge status-submitted">' in page
    assert '<span class="badge status-published">' not in page
