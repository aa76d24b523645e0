"""The contract's API: /api/v1/proposals (read, write with tokens), errors as JSON, never a 500."""

import pytest

from portal.accounts.tokens import api_token_create
from proposals.models import Proposal

from .factories import ProposalFactory, TopicFactory, close_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(citizen):
    return api_token_create(user=citizen, name="test")[1]


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_list_is_paginated_and_public_only(client, consultation):
    ProposalFactory.create_batch(3, consultation=consultation)
    ProposalFactory(consultation=consultation, status="draft", title="Secret draft")
    body = client.get("/api/v1/proposals?page_size=2").json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert all(item["status"] == "published" for item in body["results"])
    page2 = client.get("/api/v1/proposals?page_size=2&page=2").json()
    assert len(page2["results"]) == 1


def test_list_filters_and_ordering(client, consultation):
    topic = TopicFactory(slug="courts")
    ProposalFactory(consultation=consultation, title="Judges", topic=topic, supports_count=1)
    ProposalFactory(consultation=consultation, title="Budgets", supports_count=9)
    assert [p["title"] for p in client.get("/api/v1/proposals?topic=courts").json()["results"]] == ["Judges"]
    ordered = client.get("/api/v1/proposals?ordering=-supports").json()["results"]
    assert [p["title"] for p in ordered] == ["Budgets", "Judges"]
    assert client.get("/api/v1/proposals?q=judges").json()["count"] == 1


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("page_size=101", 422),
        ("page=0", 422),
        ("page=abc", 422),
        ("ordering=DROP%20TABLE", 422),
        ("status=draft", 422),
        ("colour=blue", 400),
        ("q=" + "x" * 300, 422),
    ],
)
def test_bad_parameters_get_a_json_error_never_500(client, query, status):
    response = client.get(f"/api/v1/proposals?{query}")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_detail_has_counts_status_articles_and_response(client, consultation, draft_article):
    proposal = ProposalFactory(consultation=consultation, supports_count=4)
    proposal.articles.add(draft_article)
    body = client.get(f"/api/v1/proposals/{proposal.pk}").json()
    assert body["supports_count"] == 4
    assert body["status"] == "published"
    assert body["articles"][0]["key"] == "local-budgets"
    assert body["response"] is None
    assert "email" not in str(body)


def test_drafts_are_not_in_the_api(client, consultation):
    draft = ProposalFactory(consultation=consultation, status="draft")
    assert client.get(f"/api/v1/proposals/{draft.pk}").status_code == 404


def test_create_needs_a_token(client, consultation):
    response = client.post("/api/v1/proposals", {}, content_type="application/json")
    assert response.status_code == 401
    response = client.post("/api/v1/proposals", {}, content_type="application/json", **_auth("qat_wrong"))
    assert response.status_code == 401


def test_create_submits_and_publishes_a_clean_proposal(
    client, consultation, draft_article, token, citizen, django_capture_on_commit_callbacks
):
    payload = {
        "title": "Hearings before budgets",
        "summary": "A hearing first.",
        "body": "Text.",
        "language": "en",
        "articles": ["local-budgets"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/proposals", payload, content_type="application/json", **_auth(token))
    assert response.status_code == 201, response.content
    proposal = Proposal.objects.get()
    assert proposal.author == citizen
    assert proposal.status == "published"
    assert response.json()["articles"][0]["key"] == "local-budgets"


def test_create_cut_off_at_submission_leaves_no_draft_behind(client, consultation, token, monkeypatch):
    """The PostgreSQL drill (issue 10): a connection lost between saving and submitting wrote a draft."""
    from django.db import OperationalError

    def connection_lost(**kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("proposals.services.proposal.proposal_submit", connection_lost)
    payload = {"title": "Cut off", "summary": "s", "body": "b", "language": "en"}
    response = client.post("/api/v1/proposals", payload, content_type="application/json", **_auth(token))
    assert response.status_code == 503
    assert not Proposal.objects.exists()


def test_create_reports_invalid_input_as_422(client, consultation, token):
    payload = {"title": "x" * 151, "summary": "s", "body": "b", "language": "de"}
    response = client.post("/api/v1/proposals", payload, content_type="application/json", **_auth(token))
    assert response.status_code == 422
    assert not Proposal.objects.exists()


def test_create_is_refused_when_intake_is_closed(client, consultation, token):
    close_intake(consultation)
    payload = {"title": "Late", "summary": "s", "body": "b", "language": "en"}
    response = client.post(
        "/api/v1/proposals",
        payload,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **_auth(token),
    )
    assert response.status_code == 422
    assert "Proposal intake closed on" in str(response.json())


def test_support_twice_answers_200_and_counts_once(client, published, citizen, token, verify):
    verify(citizen)
    for _attempt in range(2):
        response = client.post(f"/api/v1/proposals/{published.pk}/support", **_auth(token))
        assert response.status_code == 200
        assert response.json() == {"supported": True, "supports_count": 1}
    response = client.delete(f"/api/v1/proposals/{published.pk}/support", **_auth(token))
    assert response.json() == {"supported": False, "supports_count": 0}


def test_unverified_token_owner_cannot_support(client, published, token):
    response = client.post(f"/api/v1/proposals/{published.pk}/support", **_auth(token))
    assert response.status_code == 403
    assert "Verify" in response.json()["detail"] or response.json()["detail"]


def test_a_blocked_token_owner_cannot_support(client, published, citizen, moderator, token, verify):
    from portal.accounts.services import account_block

    verify(citizen)
    account_block(user=citizen, blocked_by=moderator, days=3, reason="Flooding the comments.")
    response = client.post(
        f"/api/v1/proposals/{published.pk}/support", HTTP_ACCEPT_LANGUAGE="en", **_auth(token)
    )
    assert response.status_code == 403
    assert "blocked" in response.json()["detail"]
    assert not published.supports.exists()


def test_a_support_through_the_api_costs_a_bounded_number_of_queries(
    client, published, citizen, token, verify, django_assert_max_num_queries
):
    """The hottest write of a surge: token, standing and proposal are read in few statements."""
    verify(citizen)
    client.post(f"/api/v1/proposals/{published.pk}/support", **_auth(token))  # last use recorded
    with django_assert_max_num_queries(8):  # 5 queries and the savepoint around the insert
        response = client.post(f"/api/v1/proposals/{published.pk}/support", **_auth(token))
    assert response.json() == {"supported": True, "supports_count": 1}


def test_openapi_document_is_served(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "Qatysu API"
    assert "/api/v1/proposals" in document["paths"]
    assert "/api/v1/proposals/{proposal_id}/support" in document["paths"]


def test_api_and_open_data_answer_304_when_nothing_changed(client, published):
    first = client.get("/api/v1/proposals")
    etag = first["ETag"]
    assert client.get("/api/v1/proposals", headers={"If-None-Match": etag}).status_code == 304
    published.title = "Changed title"
    published.save()
    assert client.get("/api/v1/proposals", headers={"If-None-Match": etag}).status_code == 200
    assert "ETag" not in client.get("/en/proposals/")  # HTML pages carry a CSRF token: no ETag


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/proposals?article=a%00b",
        "/api/v1/proposals?q=%00",
        "/api/v1/consultations/a%00b",
        "/api/v1/x",
    ],
)
def test_malformed_parameters_and_unknown_paths_answer_json_not_a_server_error(client, url):
    response = client.get(url)
    assert response.status_code in (404, 422)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/proposals/89604743834013810688",
        "/api/v1/hearings/89604743834013810688",
        "/api/v1/documents/89604743834013810688",
        "/api/v1/documents/89604743834013810688/versions",
        "/api/v1/documents/89604743834013810688/articles/art-1",
        "/api/v1/documents/89604743834013810688/diff?from=1&to=2",
    ],
)
def test_an_id_beyond_the_database_integer_is_refused_not_passed_on(client, path):
    """Found by the schema fuzzer: an id past 2**63 overflowed the database driver and answered 500."""
    response = client.get(path)
    assert response.status_code == 422
    assert response.json()["detail"]
