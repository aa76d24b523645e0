"""Surge controls: the admin's switches (submissions, supports, comments, search) with a banner, and
per-account and per-address submission limits that stop one address with many accounts but not ordinary
people."""

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied

from portal.accounts.tokens import api_token_create
from portal.core import switches
from portal.core.http import rate_limit_address
from portal.core.models import SiteSwitches
from proposals.models import Proposal
from proposals.permissions.proposal import support_refusal
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
    row = SiteSwitches.objects.filter(pk=1).first() or SiteSwitches()
    for name, value in flags.items():
        setattr(row, name, value)
    row.save()


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


def _submitted_by_new_accounts(consultation, addresses: list[str]) -> list[str]:
    """Each address submits one proposal through an account of its own: "ok" or "throttled" for each."""
    outcomes = []
    for n, address in enumerate(addresses):
        account = UserFactory()
        try:
            proposal_submit(proposal=_draft(consultation, account, n), author=account, ip=address)
            outcomes.append("ok")
        except SubmissionThrottled:
            outcomes.append("throttled")
    return outcomes


def test_one_address_with_many_accounts_is_stopped_others_are_not(consultation, settings):
    settings.SUBMISSIONS_PER_ADDRESS_PER_HOUR = 5
    outcomes = _submitted_by_new_accounts(consultation, ["198.51.100.7"] * 7 + ["198.51.100.8"])
    assert outcomes == ["ok"] * 5 + ["throttled"] * 2 + ["ok"]


def test_the_addresses_of_one_ipv6_network_count_as_one(consultation, settings):
    """An IPv6 customer is given a whole /64: each of its 2^64 addresses in turn used to count apart."""
    settings.SUBMISSIONS_PER_ADDRESS_PER_HOUR = 3
    addresses = [f"2001:db8:1:2::{n:x}" for n in range(1, 6)] + ["2001:db8:1:3::1"]
    assert _submitted_by_new_accounts(consultation, addresses) == ["ok"] * 3 + ["throttled"] * 2 + ["ok"]


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
        ("not an address", None),
        (None, None),
    ],
)
def test_what_a_per_address_limit_counts(address, counted_as):
    assert rate_limit_address(address) == counted_as


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
    assert support_refusal(citizen, published) is None
    _switch(supports_paused=True, comments_paused=True, search_paused=True)
    assert "paused" in support_refusal(citizen, published)
    with pytest.raises(PermissionDenied):
        comment_create(author=citizen, proposal=published, body="Hello")
    page = client.get("/en/proposals/?q=nothing-matches-this").content.decode()
    assert "Search is paused" in page and published.title in page  # the unfiltered list instead


def _api_submit(client, token, address, n, **headers):
    payload = {"title": f"Idea {n}", "summary": "Summary.", "body": f"Text number {n}.", "language": "en"}
    return client.post(
        "/api/v1/proposals",
        payload,
        content_type="application/json",
        REMOTE_ADDR=address,
        headers={"Authorization": f"Bearer {token}", **headers},
    )


def test_a_hundred_accounts_at_one_address_cannot_flood_the_api_and_a_neighbour_is_unaffected(
    consultation, client, settings
):
    from portal.accounts.tokens import api_token_create

    settings.SUBMISSIONS_PER_ADDRESS_PER_HOUR = 60  # the default, spelt out because the test counts it
    tokens = [api_token_create(user=account, name="farm")[1] for account in UserFactory.create_batch(100)]
    answers = [_api_submit(client, token, "198.51.100.7", n) for n, token in enumerate(tokens)]

    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == {201: 60, 429: 40}
    assert all(answer["Retry-After"] for answer in answers if answer.status_code == 429)
    assert Proposal.objects.exclude(status="draft").count() == 60  # the other 40 stay drafts
    _, neighbour = api_token_create(user=UserFactory(), name="own")
    assert _api_submit(client, neighbour, "198.51.100.8", 100).status_code == 201


def test_a_forged_forwarded_for_header_does_not_escape_the_address_limit(consultation, client, settings):
    from portal.accounts.tokens import api_token_create

    settings.SUBMISSIONS_PER_ADDRESS_PER_HOUR = 3
    settings.PORTAL_TRUSTED_PROXY_HOPS = 0  # no proxy: X-Forwarded-For is whatever the client wrote
    tokens = [api_token_create(user=account, name="farm")[1] for account in UserFactory.create_batch(5)]
    statuses = [
        _api_submit(client, token, "198.51.100.7", n, **{"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n, token in enumerate(tokens)
    ]
    assert statuses == [201, 201, 201, 429, 429]


def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_saw(consultation, client, settings):
    from portal.accounts.tokens import api_token_create

    settings.SUBMISSIONS_PER_ADDRESS_PER_HOUR = 2
    settings.PORTAL_TRUSTED_PROXY_HOPS = 1
    tokens = [api_token_create(user=account, name="farm")[1] for account in UserFactory.create_batch(4)]
    # All through the same load balancer (10.0.0.2); the proxy appended the real client address.
    statuses = [
        _api_submit(client, token, "10.0.0.2", n, **{"X-Forwarded-For": client_address}).status_code
        for n, (token, client_address) in enumerate(
            zip(tokens, ["192.0.2.1", "192.0.2.1", "192.0.2.1", "192.0.2.2"], strict=True)
        )
    ]
    assert statuses == [201, 201, 429, 201]


def test_the_web_form_refuses_a_submission_over_the_account_limit_and_keeps_the_draft(
    consultation, citizen, client, settings
):
    settings.SUBMISSIONS_PER_ACCOUNT_PER_HOUR = 1
    first, second = _draft(consultation, citizen, 1), _draft(consultation, citizen, 2)
    client.force_login(citizen)
    client.post(f"/en/proposals/{first.pk}/submit/")
    response = client.post(f"/en/proposals/{second.pk}/submit/", follow=True)
    assert "Too many proposals were submitted" in response.content.decode()
    assert Proposal.objects.get(pk=first.pk).status != "draft"
    assert Proposal.objects.get(pk=second.pk).status == "draft"


def test_switches_saved_on_the_staff_page_apply_at_once_with_the_banner_in_each_language(
    client, admin_user, citizen, settings
):
    settings.PORTAL_STAFF_MFA = "optional"  # the second-factor gate has its own tests
    assert switches.current().submissions_paused is False  # now cached for a few seconds
    client.force_login(admin_user)
    response = client.post(
        "/en/staff/switches/",
        {"submissions_paused": "on", "banner_kk": "Қабылдау тоқтатылды", "banner_ru": "Приём приостановлен",
         "banner_en": "Intake paused"},
    )  # fmt: skip
    assert response.status_code == 302, response.content[:500]
    assert switches.current().submissions_paused is True  # not the stale cached copy
    client.force_login(citizen)
    assert "Приём приостановлен" in client.get("/ru/").content.decode()
    assert "Қабылдау тоқтатылды" in client.get("/kk/").content.decode()
    assert "Intake paused" in client.get("/en/").content.decode()


def test_a_request_reads_the_switches_once_and_the_next_request_sees_a_change(
    published, citizen, client, monkeypatch
):
    """A proposal page and a support read the switches with the proposal, in the same query: no read of the
    shared cache, and a switch saved between two requests applies to the second. A search reads them from
    the cache once, however often the request asks."""
    from portal.core.models import SWITCHES_CACHE_KEY

    reads = []
    shared_cache = switches.cache

    class CountingCache:
        def get(self, key, *args):
            reads.append(key)
            return shared_cache.get(key, *args)

        def __getattr__(self, name):
            return getattr(shared_cache, name)

    monkeypatch.setattr(switches, "cache", CountingCache())
    client.force_login(citizen)
    assert client.get(f"/en/proposals/{published.pk}/").status_code == 200
    assert reads.count(SWITCHES_CACHE_KEY) == 0
    _switch(supports_paused=True)
    response = client.get(f"/en/proposals/{published.pk}/")
    assert "Supports are paused" in response.content.decode()
    assert reads.count(SWITCHES_CACHE_KEY) == 0
    _switch(supports_paused=False, search_paused=True)
    response = client.get("/en/proposals/?q=budget")
    assert "Search is paused" in response.content.decode()
    assert reads.count(SWITCHES_CACHE_KEY) == 1
    # Outside a request (a task, the shell) every call reads them again.
    switches.current()
    switches.current()
    assert reads.count(SWITCHES_CACHE_KEY) == 3


def test_a_request_that_ends_unusually_leaves_no_switches_behind(published, citizen, client, monkeypatch):
    """A view that raises, or a streamed file nobody reads to its end, ends its request without the usual
    signal: the thread's next work outside a request (a task, the shell) still reads the switches as they
    are now, each time."""

    def failing(*args, **kwargs):
        switches.current()
        raise RuntimeError("a bug in a view")

    monkeypatch.setattr("proposals.views.home.consultation_groups", failing)
    with pytest.raises(RuntimeError):
        client.get("/en/")
    client.get("/open-data/proposals.csv")  # streamed; never read
    assert switches.current().supports_paused is False
    _switch(supports_paused=True)
    assert switches.current().supports_paused is True


def _start_draft(client, n, **extra):
    payload = {"title": f"Idea {n}", "summary": "Summary.", "body": f"Text number {n}.", "language": "en"}
    return client.post("/en/proposals/new/", payload, **extra)


def test_new_drafts_are_paced_per_account_and_per_address_on_the_form(
    consultation, citizen, client, settings
):
    """Drafts are never submitted and each carries five files of 10 MB: a script starting draft after draft
    from one account, or from many accounts behind one address, filled the disk without meeting a limit."""
    settings.DRAFTS_PER_ACCOUNT_PER_HOUR = 3
    settings.DRAFTS_PER_ADDRESS_PER_HOUR = 5
    client.force_login(citizen)
    assert [_start_draft(client, n).status_code for n in range(4)] == [302, 302, 302, 200]
    refused = _start_draft(client, 5)
    assert "Too many new drafts" in refused.content.decode()
    assert Proposal.objects.filter(author=citizen).count() == 3
    # Fresh accounts behind the same address: two more drafts fit under its limit of five.
    outcomes = []
    for n in range(3):
        other = UserFactory()
        client.force_login(other)
        outcomes.append(_start_draft(client, n).status_code)
    assert outcomes == [302, 302, 200]
    client.force_login(UserFactory())
    assert _start_draft(client, 9, REMOTE_ADDR="198.51.100.8").status_code == 302


def test_paused_supports_answer_the_api_429_with_retry_after(published, client, verify):
    """A pause passes, as a throttle does: a program told 429 waits and tries again, where 403 says never."""
    supporter = UserFactory()
    verify(supporter)
    token = api_token_create(user=supporter, name="test")[1]
    _switch(supports_paused=True)
    refused = client.post(f"/api/v1/proposals/{published.pk}/support", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert refused.json()["detail"] == support_refusal(supporter, published)
    _switch(supports_paused=False)
    taken = client.post(f"/api/v1/proposals/{published.pk}/support", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert taken.status_code == 200 and taken.json()["supported"] is True


def test_paused_search_answers_the_api_503_with_retry_after_and_the_list_still_answers(published, client):
    _switch(search_paused=True)
    paused = client.get("/api/v1/proposals?q=budget")
    assert paused.status_code == 503 and paused["Retry-After"] == "60"
    assert paused.json()["detail"]
    assert client.get("/api/v1/proposals").json()["count"] == 1
    _switch(search_paused=False)
    assert client.get("/api/v1/proposals?q=budget").status_code == 200
