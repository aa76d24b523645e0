"""Assigning from the Commission's queue: a member takes a row for themselves, or gives many selected rows to
one member at once; each goes through `commission_assign`, so its refusals hold on the queue too."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.test import Client

from proposals.models import CommissionAssignment, ProposalStatus
from proposals.services import response as services
from proposals.services.proposal import proposal_transition
from tests.conftest import give_totp

from .factories import ProposalFactory, publish_response

pytestmark = pytest.mark.django_db

QUEUE = "/en/staff/commission/"


@pytest.fixture
def member_client(commissioner):
    give_totp(commissioner)
    client = Client()
    client.force_login(commissioner)
    return client


def _messages(response) -> list[str]:
    """The messages this request added (earlier ones wait in the session until a page shows them)."""
    return [str(message) for message in get_messages(response.wsgi_request)._queued_messages]


def test_a_member_assigns_a_queue_row_to_themselves_and_returns_to_the_same_filters(
    published, commissioner, member_client
):
    back = f"{QUEUE}?assignee=none&page=1"
    response = member_client.post(f"{QUEUE}proposals/{published.pk}/assign/me/", {"back": back})
    assert response.status_code == 302 and response["Location"] == back
    assignment = CommissionAssignment.objects.get(proposal=published)
    assert (assignment.assignee, assignment.assigned_by) == (commissioner, commissioner)
    published.refresh_from_db()
    assert published.status == ProposalStatus.UNDER_REVIEW


def test_assign_to_me_goes_back_only_to_the_queue(published, member_client):
    response = member_client.post(
        f"{QUEUE}proposals/{published.pk}/assign/me/", {"back": "https://evil.example/staff/commission/"}
    )
    assert response["Location"] == QUEUE


def test_a_member_cannot_take_their_own_proposal_from_the_queue(consultation, commissioner, member_client):
    own = ProposalFactory(consultation=consultation, author=commissioner, title="My own idea")
    other = ProposalFactory(consultation=consultation, title="Someone else's idea")
    page = member_client.get(QUEUE).content.decode()
    rows = {row.split('id="title-')[1].split('"')[0]: row for row in page.split("<tr>")[2:]}
    assert "Assign to me" not in rows[str(own.pk)]
    assert "Assign to me" in rows[str(other.pk)]
    response = member_client.post(f"{QUEUE}proposals/{own.pk}/assign/me/")
    assert "You cannot answer your own proposal or your organisation's." in _messages(response)
    assert not CommissionAssignment.objects.exists()


def test_the_queue_labels_each_checkbox_with_its_proposal_and_selects_none(
    consultation, member_client, django_assert_max_num_queries
):
    ProposalFactory.create_batch(30, consultation=consultation)
    proposal = ProposalFactory(consultation=consultation, title="Open the council meetings")
    with django_assert_max_num_queries(25):
        page = member_client.get(QUEUE).content.decode()
    box = re.search(rf'<input type="checkbox" name="proposals" value="{proposal.pk}"[^>]*>', page).group(0)
    assert f'aria-labelledby="title-{proposal.pk}"' in box
    assert re.search(rf'id="title-{proposal.pk}"[^>]*>Open the council meetings</a>', page)
    assert "checked" not in page
    assert page.count('name="proposals"') == 31


def test_bulk_assignment_assigns_the_rest_and_reports_the_refused_by_number(
    consultation, commissioner, second_commissioner, member_client
):
    first, second = ProposalFactory.create_batch(2, consultation=consultation)
    own = ProposalFactory(consultation=consultation, author=commissioner)
    answered = ProposalFactory(consultation=consultation)
    publish_response(answered, drafter=second_commissioner, approver=commissioner)
    withdrawn = ProposalFactory(consultation=consultation)
    proposal_transition(proposal=withdrawn, to_status=ProposalStatus.WITHDRAWN, actor=withdrawn.author)
    back = f"{QUEUE}?consultation={consultation.slug}"
    response = member_client.post(
        f"{QUEUE}assign/",
        {
            "proposals": [first.pk, own.pk, second.pk, answered.pk, withdrawn.pk],
            "assignee": second_commissioner.pk,
            "back": back,
        },
    )
    assert response["Location"] == back
    assigned = CommissionAssignment.objects.filter(assignee=second_commissioner)
    assert set(assigned.values_list("proposal", flat=True)) == {first.pk, second.pk}
    assert _messages(response) == [
        "2 proposals assigned to Commissioner Gulnara.",
        f"Proposal {own.pk} not assigned: You cannot answer your own proposal or your organisation's.",
        f"Proposal {answered.pk} not assigned: It is already answered.",
        f"Proposal {withdrawn.pk} not assigned: It is not awaiting an answer.",
    ]


def test_bulk_assignment_in_russian_counts_in_three_forms(consultation, second_commissioner, member_client):
    proposals = ProposalFactory.create_batch(5, consultation=consultation)
    response = member_client.post(
        "/ru/staff/commission/assign/",
        {"proposals": [p.pk for p in proposals], "assignee": second_commissioner.pk},
    )
    assert _messages(response) == ["5 предложений назначено: Commissioner Gulnara."]


def test_bulk_assignment_needs_a_selection_and_a_member(published, citizen, member_client):
    nothing = member_client.post(f"{QUEUE}assign/", {"assignee": citizen.pk})
    assert _messages(nothing) == ["Select at least one proposal."]
    not_a_member = member_client.post(
        f"{QUEUE}assign/", {"proposals": [published.pk], "assignee": citizen.pk}
    )
    assert _messages(not_a_member) == ["Choose a Commission member."]
    assert not CommissionAssignment.objects.exists()


def test_people_outside_the_commission_cannot_assign_from_the_queue(
    published, citizen, moderator, commissioner, client
):
    give_totp(moderator)
    for user in (citizen, moderator):
        client.force_login(user)
        assert client.post(f"{QUEUE}proposals/{published.pk}/assign/me/").status_code == 403
        response = client.post(f"{QUEUE}assign/", {"proposals": [published.pk], "assignee": commissioner.pk})
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.commission_assign_bulk(proposal_ids=[published.pk], assignee=commissioner, actor=citizen)
    assert not CommissionAssignment.objects.exists()


def test_a_member_without_the_second_factor_is_sent_to_set_it_up(published, commissioner, settings, client):
    settings.PORTAL_STAFF_MFA = "required"
    client.force_login(commissioner)
    for url, data in (
        (f"{QUEUE}proposals/{published.pk}/assign/me/", {}),
        (f"{QUEUE}assign/", {"proposals": [published.pk], "assignee": commissioner.pk}),
    ):
        response = client.post(url, data)
        assert response.status_code == 302 and "/2fa/totp/activate/" in response["Location"]
    assert not CommissionAssignment.objects.exists()


def test_a_row_taken_by_another_member_meanwhile_is_not_taken_from_them(
    published, commissioner, second_commissioner, member_client
):
    page = member_client.get(QUEUE).content.decode()
    take = re.search(rf'formaction="([^"]*/proposals/{published.pk}/assign/me/[^"]*)"', page).group(1)
    services.commission_assign(proposal=published, assignee=second_commissioner, actor=second_commissioner)
    response = member_client.post(take.replace("&amp;", "&"))
    assert _messages(response) == [
        "Commissioner Gulnara took this proposal meanwhile; it stays with them. Reassign it from its page if needed."
    ]
    assert CommissionAssignment.objects.get(proposal=published).assignee == second_commissioner
