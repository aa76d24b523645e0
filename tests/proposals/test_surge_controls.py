"""Surge controls: the admin's switches (submissions, supports, comments, search) with a banner, and
per-account and per-address submission limits that stop one address with many accounts but not ordinary
people."""

import pytest
from django.core.exceptions import PermissionDenied

from portal.core import permissions
from portal.core.models import SiteSwitches
from proposals.models import Proposal
from proposals.services.comment import comment_create
from proposals.services.proposal import (
    ProposalInput,
    SubmissionThrottled,
    proposal_draft_save,
    proposal_submit,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _draft(consultation, author, n=0):
    return proposal_draft_save(
        author=author,
        consultation=consultation,
        data=ProposalInput(title=f"Idea {n}", summary="Summary.", body=f"Text number {n}.", language="en"),
    )


def _switch(**flags):
    switches = SiteSwitches.objects.filter(pk=1).first() or SiteSwitches()
    for name, value in flags.items():
        setattr(switches, name, value)
    switches.save()


def test_paused_submissions_keep_the_draft_and_say_why(consultation, citizen, client):
    draft = _draft(consultation, citizen)
    _switch(submissions_paused=True, banner_en="Submissions pause for an hour after the draft's publication.")
    with pytest.raises(SubmissionThrottled, match="paused"):
        proposal_submit(proposal=draft, author=citizen)
    assert Proposal.objects.get(pk=draft.pk).status == "draft"
    client.force_login(citizen)
    response = client.post(f"/en/proposals/{draft.pk}/submit/", follow=True)
    html = response.content.decode()
    assert "Submissions are paused" in html and "Submissions pause for an hour" in html
    _switch(submissions_paused=False)
    assert proposal_submit(proposal=draft, author=citizen).status in (
        "published",
        "submitted",
        "in_moderation",
    )


def test_one_address_with_many_accounts_is_stopped_others_are_not(consultation, settings):
    settings.SUBMISSIONS_PER_ADDRESS_PER_HOUR = 5
    accounts = UserFactory.create_batch(7)
    outcomes = []
    for n, account in enumerate(accounts):
        try:
            proposal_submit(proposal=_draft(consultation, account, n), author=account, ip="198.51.100.7")
            outcomes.append("ok")
        except SubmissionThrottled:
            outcomes.append("throttled")
    assert outcomes == ["ok"] * 5 + ["throttled"] * 2
    neighbour = UserFactory()
    proposal_submit(proposal=_draft(consultation, neighbour, 99), author=neighbour, ip="198.51.100.8")


def test_one_account_is_limited_per_hour(consultation, citizen, settings):
    settings.SUBMISSIONS_PER_ACCOUNT_PER_HOUR = 3
    for n in range(3):
        proposal_submit(proposal=_draft(consultation, citizen, n), author=citizen, ip="203.0.113.1")
    with pytest.raises(SubmissionThrottled, match="Too many"):
        proposal_submit(proposal=_draft(consultation, citizen, 3), author=citizen, ip="203.0.113.1")


def test_the_api_answers_429_with_retry_after(consultation, citizen, client):
    from portal.accounts.tokens import api_token_create

    _, token = api_token_create(user=citizen, name="script")
    _switch(submissions_paused=True)
    response = client.post(
        "/api/v1/proposals",
        {"title": "T", "summary": "S", "body": "B", "language": "en"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )
    assert response.status_code == 429 and response["Retry-After"] == "600"
    assert "paused" in response.json()["detail"]


def test_paused_supports_comments_and_search(published, citizen, client, verify):
    verify(citizen)
    assert permissions.support_refusal(citizen, published) is None
    _switch(supports_paused=True, comments_paused=True, search_paused=True)
    assert "paused" in permissions.support_refusal(citizen, published)
    with pytest.raises(PermissionDenied):
        comment_create(author=citizen, proposal=published, body="Hello")
    page = client.get("/en/proposals/?q=nothing-matches-this").content.decode()
    assert "Search is paused" in page and published.title in page  # the unfiltered list instead
