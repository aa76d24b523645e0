"""`Idempotency-Key` on POST /api/v1/proposals and POST /api/v1/proposals/{id}/support (portal/core/
idempotency.py): a retry with the same key and token within 24 hours answers the first result and writes
nothing again, also when the retry arrives while the first request is still running."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from portal.accounts.tokens import api_token_create
from portal.core.idempotency import REPLAYED_HEADER
from portal.core.models import IdempotencyRecord
from portal.core.tasks import purge_idempotency_records
from proposals.models import Proposal, Support
from proposals.services import proposal as proposal_services
from tests.conftest import wait_until

pytestmark = pytest.mark.django_db
PAYLOAD = {
    "title": "Hearings before budgets",
    "summary": "A hearing first.",
    "body": "Text.",
    "language": "en",
}


@pytest.fixture
def token(citizen):
    return api_token_create(user=citizen, name="test")[1]


def _post(client, path, token, key, payload=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_IDEMPOTENCY_KEY": key}
    return client.post(path, payload or {}, content_type="application/json", **headers)


def test_a_retried_submission_answers_the_first_result_and_stores_one_proposal(client, consultation, token):
    first = _post(client, "/api/v1/proposals", token, "retry-1", PAYLOAD)
    again = _post(client, "/api/v1/proposals", token, "retry-1", PAYLOAD)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again[REPLAYED_HEADER] == "true"
    assert REPLAYED_HEADER not in first
    assert Proposal.objects.count() == 1


def test_a_new_key_submits_again(client, consultation, token):
    _post(client, "/api/v1/proposals", token, "key-a", PAYLOAD)
    second = _post(client, "/api/v1/proposals", token, "key-b", PAYLOAD)
    assert second.status_code == 201
    assert Proposal.objects.count() == 2


def test_the_same_key_from_another_token_is_another_request(
    client, consultation, token, citizen, other_citizen
):
    other_token = api_token_create(user=other_citizen, name="test")[1]
    _post(client, "/api/v1/proposals", token, "shared-key", PAYLOAD)
    other = _post(client, "/api/v1/proposals", other_token, "shared-key", PAYLOAD)
    assert other.status_code == 201
    assert REPLAYED_HEADER not in other
    assert sorted(Proposal.objects.values_list("author", flat=True)) == sorted([citizen.pk, other_citizen.pk])


def test_the_same_key_with_a_different_request_is_refused(client, consultation, token):
    _post(client, "/api/v1/proposals", token, "reused", PAYLOAD)
    response = _post(client, "/api/v1/proposals", token, "reused", {**PAYLOAD, "title": "Something else"})
    assert response.status_code == 422
    assert "different request" in response.json()["detail"]
    assert Proposal.objects.count() == 1


def test_a_malformed_key_is_refused_before_anything_is_written(client, consultation, token):
    response = _post(client, "/api/v1/proposals", token, "has spaces", PAYLOAD)
    assert response.status_code == 422
    assert not Proposal.objects.exists()


def test_a_retried_support_answers_the_first_count_and_writes_nothing(
    client, published, citizen, token, verify
):
    verify(citizen)
    path = f"/api/v1/proposals/{published.pk}/support"
    first = _post(client, path, token, "support-1")
    assert first.json() == {"supported": True, "supports_count": 1}
    client.delete(path, HTTP_AUTHORIZATION=f"Bearer {token}")
    again = _post(client, path, token, "support-1")
    assert again.status_code == 200
    assert again.json() == {"supported": True, "supports_count": 1}
    assert again[REPLAYED_HEADER] == "true"
    assert not Support.objects.filter(proposal=published).exists()


def test_a_refused_write_keeps_no_answer_so_the_key_can_be_used_again(
    client, published, citizen, token, verify
):
    path = f"/api/v1/proposals/{published.pk}/support"
    assert _post(client, path, token, "after-verifying").status_code == 403
    verify(citizen)
    response = _post(client, path, token, "after-verifying")
    assert response.status_code == 200
    assert REPLAYED_HEADER not in response
    assert Support.objects.filter(proposal=published, user=citizen).exists()


def test_a_key_older_than_24_hours_is_forgotten(client, consultation, token):
    _post(client, "/api/v1/proposals", token, "yesterday", PAYLOAD)
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    response = _post(client, "/api/v1/proposals", token, "yesterday", PAYLOAD)
    assert response.status_code == 201
    assert REPLAYED_HEADER not in response
    assert Proposal.objects.count() == 2


def test_the_hourly_sweep_deletes_only_expired_answers(client, consultation, token):
    _post(client, "/api/v1/proposals", token, "old", PAYLOAD)
    _post(client, "/api/v1/proposals", token, "new", {**PAYLOAD, "title": "Another"})
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert purge_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_a_retry_arriving_while_the_first_request_runs_waits_and_gets_its_answer(
    consultation, token, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("waiting on an uncommitted unique key is PostgreSQL's behaviour")
    entered, release = threading.Event(), threading.Event()
    submit = proposal_services.proposal_submit

    def slow_first_submit(**kwargs):
        if not entered.is_set():
            entered.set()
            release.wait(20)
        return submit(**kwargs)

    monkeypatch.setattr(proposal_services, "proposal_submit", slow_first_submit)
    answers = {}

    def send(name):
        try:
            answers[name] = _post(Client(), "/api/v1/proposals", token, "lost-answer", PAYLOAD)
        finally:
            connections.close_all()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert entered.wait(20)
    retry = threading.Thread(target=send, args=("retry",))
    retry.start()
    with connections["default"].cursor() as cursor:

        def retry_waits_for_the_key():
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            return cursor.fetchone()[0] > 0

        assert wait_until(retry_waits_for_the_key, timeout=20)
    release.set()
    first.join(30)
    retry.join(30)
    assert answers["first"].status_code == answers["retry"].status_code == 201
    assert answers["retry"].json()["id"] == answers["first"].json()["id"]
    assert answers["retry"][REPLAYED_HEADER] == "true"
    assert Proposal.objects.count() == 1


def test_a_support_with_a_key_costs_a_bounded_number_of_queries(
    client, published, citizen, token, verify, django_assert_max_num_queries
):
    """Seven statements more than without a key: the transaction around both (a savepoint inside the test's
    own), a delete of an expired row, the insert in its savepoint, and the answer's update."""
    verify(citizen)
    path = f"/api/v1/proposals/{published.pk}/support"
    _post(client, path, token, "warm-up")  # the token's last use recorded
    with django_assert_max_num_queries(16):  # with the check of erased accounts' kept fingerprints
        response = _post(client, path, token, "counted")
    assert response.status_code == 200
    # A replay runs nothing of the view: the claim that fails in its savepoint and the stored answer's read.
    with django_assert_max_num_queries(8):
        replay = _post(client, path, token, "counted")
    assert replay[REPLAYED_HEADER] == "true"


def test_the_openapi_document_declares_the_header_on_the_writes_that_take_it(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/proposals", "/api/v1/proposals/{proposal_id}/support"):
        headers = [p for p in paths[path]["post"]["parameters"] if p["in"] == "header"]
        assert [h["name"] for h in headers] == ["Idempotency-Key"], path
    # The other parameters are still there.
    assert "proposal_id" in {
        p["name"] for p in paths["/api/v1/proposals/{proposal_id}/support"]["post"]["parameters"]
    }
