"""Ten people sending one text form one cluster, shown once with its count; a
different text does not join it."""

from importlib import import_module

import pytest
from django.apps import apps

from proposals.detectors import text_fingerprint
from proposals.models import Proposal
from proposals.services.proposal import (
    ProposalInput,
    proposal_draft_save,
    proposal_submit,
    proposal_transition,
)
from tests.factories import UserFactory
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db
CAMPAIGN = "Local councils must approve local budgets, not akims. Budgets belong to the people!"


def _submit(consultation, summary, body, django_capture_on_commit_callbacks, author=None):
    author = author or UserFactory()
    draft = proposal_draft_save(
        author=author,
        consultation=consultation,
        data=ProposalInput(title="Budgets to councils", summary=summary, body=body, language="en"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        proposal_submit(proposal=draft, author=author)
    return Proposal.objects.get(pk=draft.pk)


def test_ten_copies_form_one_cluster_shown_once_with_its_count(
    client, consultation, django_capture_on_commit_callbacks
):
    copies = [
        _submit(consultation, "Councils approve budgets.", variant, django_capture_on_commit_callbacks)
        for variant in [CAMPAIGN, CAMPAIGN.upper(), CAMPAIGN.replace(",", ""), *[CAMPAIGN] * 7]
    ]
    other = _submit(
        consultation, "Courts.", "Judges must be elected by the people.", django_capture_on_commit_callbacks
    )
    representative = copies[0]
    representative.refresh_from_db()
    assert representative.cluster_size == 10
    assert all(p.cluster_of_id == representative.pk for p in copies[1:])
    assert other.cluster_of_id is None

    page = client.get("/en/proposals/").content.decode()
    assert page.count("Budgets to councils") == 2  # the representative and the other text
    assert "submitted by 10 people" in page
    member_page = client.get(f"/en/proposals/{copies[5].pk}/").content.decode()
    assert f'href="{representative.get_absolute_url()}"'.replace("/kk/", "/en/") in member_page
    assert client.get("/api/v1/proposals").json()["count"] == 2


def test_the_same_person_twice_is_not_a_campaign(consultation, citizen, django_capture_on_commit_callbacks):
    first = _submit(consultation, "S.", CAMPAIGN, django_capture_on_commit_callbacks, author=citizen)
    second = _submit(consultation, "S.", CAMPAIGN, django_capture_on_commit_callbacks, author=citizen)
    assert second.cluster_of_id is None
    first.refresh_from_db()
    assert first.cluster_size == 1


def test_fingerprint_ignores_case_punctuation_and_spacing_only():
    assert text_fingerprint("Hello,  World!") == text_fingerprint("hello world")
    assert text_fingerprint("Hello world") != text_fingerprint("Hello there world")


def test_a_campaign_counts_the_copies_the_public_reads(
    client, consultation, moderator, django_capture_on_commit_callbacks
):
    """A copy joins its campaign when screened, but counts once published: one held for a moderator, hidden
    or withdrawn was still counted, and "submitted by 2 people" told everyone of a copy nobody may read."""
    representative = _submit(consultation, "S.", CAMPAIGN, django_capture_on_commit_callbacks)
    consultation.moderation_policy = "review_all"
    consultation.save(update_fields=["moderation_policy"])
    held = _submit(consultation, "S.", CAMPAIGN, django_capture_on_commit_callbacks)
    assert held.cluster_of_id == representative.pk and held.status == "in_moderation"
    representative.refresh_from_db()
    assert representative.cluster_size == 1
    assert "submitted by" not in client.get("/en/proposals/").content.decode()
    proposal_transition(proposal=held, to_status="published", actor=moderator)
    representative.refresh_from_db()
    assert representative.cluster_size == 2
    assert "submitted by 2 people" in client.get(f"/en/proposals/{representative.pk}/").content.decode()
    proposal_transition(proposal=held, to_status="hidden", actor=moderator)
    representative.refresh_from_db()
    assert representative.cluster_size == 1
    assert "submitted by" not in client.get(f"/en/proposals/{representative.pk}/").content.decode()


def test_campaigns_counted_from_submission_are_counted_again_from_their_public_copies(consultation):
    recount = import_module("proposals.migrations.0018_cluster_size_counts_public_copies").recount
    representative = ProposalFactory(consultation=consultation, cluster_size=4)
    for status in ("published", "hidden", "in_moderation"):
        ProposalFactory(consultation=consultation, cluster_of=representative, status=status)
    alone = ProposalFactory(consultation=consultation, cluster_size=3)
    recount(apps, None)
    representative.refresh_from_db()
    alone.refresh_from_db()
    assert (representative.cluster_size, alone.cluster_size) == (2, 1)
