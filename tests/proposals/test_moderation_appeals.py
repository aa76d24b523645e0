"""Hidden content and appeals: what a hidden proposal's public page keeps to its author, appeals of a hidden
comment, and reports of content that is already hidden."""

import pytest

from proposals.models import ModerationCase, ProposalTransition
from proposals.services.moderation import (
    moderation_act,
)

pytestmark = pytest.mark.django_db
STATEMENT = "The text insults a named official; the rules of the consultation forbid this."


def test_the_statement_of_a_hiding_reaches_the_author_but_not_the_public_page(
    client, published, other_citizen, moderator
):
    """The page of a hidden proposal stays public to say so; what the moderator wrote to the author may
    quote what was hidden, so it is not on the public timeline."""
    quoting = (
        "Your text gives the home address of a named official, Abay street 12; that may not be published."
    )
    moderation_act(
        moderator=moderator,
        proposal=published,
        decision="hide",
        reason_code="personal_data",
        statement=quoting,
    )
    public = client.get(f"/en/proposals/{published.pk}/").content.decode()
    assert "Hidden by moderation" in public and "Abay street 12" not in public
    client.force_login(other_citizen)
    assert "Abay street 12" in client.get(f"/en/proposals/{published.pk}/").content.decode()
    case = ModerationCase.objects.get(proposal=published, decision="hide")
    assert case.statement == quoting
    transition = ProposalTransition.objects.get(proposal=published, to_status="hidden")
    assert transition.reason == "" and str(case.pk) in transition.internal_note
