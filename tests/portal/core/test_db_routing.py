"""Reads from a replica (portal/core/db_routing.py). The `replica` alias of the test settings is a second
connection to the test database, so committed rows (transactional tests) are seen through both; what each
request read is told apart by the queries each connection ran. A real streaming replica stopped, lagging
and restarted under load is the deployment drill's (bench/drills/deployment.py, tests/resilience/)."""

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse

from portal.core import db_routing
from proposals.demo import seed_consultation
from tests.factories import UserFactory
from tests.proposals.factories import ProposalFactory
from tests.smtp_sink import free_port

pytestmark = [
    # The embedded default (SQLite) has no replica alias; CI runs these on PostgreSQL.
    pytest.mark.skipif("replica" not in settings.DATABASES, reason="the replica alias needs PostgreSQL"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture(autouse=True)
def replica_routing(settings):
    if "replica" not in settings.DATABASES:
        pytest.skip("the replica alias needs PostgreSQL (DATABASE_URL)")
    settings.DATABASE_ROUTERS = [db_routing.ROUTER]
    settings.PAGE_CACHE_SECONDS = 0
    db_routing.health.forget()
    port = connections["replica"].settings_dict["PORT"]
    yield
    db_routing.health.forget()
    connections["replica"].close()
    connections["replica"].settings_dict["PORT"] = port


@pytest.fixture
def unused_port():
    return free_port()


@pytest.fixture
def published(db):
    consultation = seed_consultation()
    return ProposalFactory(consultation=consultation, status="published", title="Read from the replica")


def _queries(client, method: str, url: str, **kwargs):
    """(response, queries sent to the primary, queries sent to the replica, whether they succeeded or not).
    Counted by execute wrappers, which unlike CaptureQueriesContext do not open the connection."""
    counts = {"default": 0, "replica": 0}

    def counter(alias):
        def wrapper(execute, sql, params, many, context):
            counts[alias] += 1
            return execute(sql, params, many, context)

        return wrapper

    with (
        connections["default"].execute_wrapper(counter("default")),
        connections["replica"].execute_wrapper(counter("replica")),
    ):
        response = getattr(client, method)(url, **kwargs)
    return response, counts["default"], counts["replica"]


def test_anonymous_reader_of_a_proposal_page_reads_from_the_replica(client, published):
    response, on_primary, on_replica = _queries(
        client, "get", reverse("proposal_detail", kwargs={"pk": published.pk})
    )
    assert response.status_code == 200
    assert "Read from the replica" in response.content.decode()
    assert on_replica > 0
    assert on_primary == 0


def test_anonymous_api_reads_come_from_the_replica(client, published):
    response, on_primary, on_replica = _queries(client, "get", f"/api/v1/proposals/{published.pk}")
    assert response.status_code == 200
    assert response.json()["title"] == "Read from the replica"
    assert on_replica > 0 and on_primary == 0


def test_signed_in_reader_reads_from_the_primary(client, published):
    client.force_login(UserFactory())
    response, _on_primary, on_replica = _queries(
        client, "get", reverse("proposal_detail", kwargs={"pk": published.pk})
    )
    assert response.status_code == 200
    assert on_replica == 0


def test_api_client_with_a_token_reads_from_the_primary(client, published):
    response, _on_primary, on_replica = _queries(
        client, "get", "/api/v1/proposals", headers={"Authorization": "Bearer not-a-real-token"}
    )
    assert response.status_code == 200
    assert on_replica == 0


def test_someone_who_just_wrote_reads_from_the_primary(client, published, settings):
    # Any request that may write (here a failed sign-in, still anonymous) stamps the browser.
    response = client.post(reverse("account_login"), {"login": "nobody@example.test", "password": "x" * 12})
    stamp = response.cookies[db_routing.RECENT_WRITER_COOKIE]
    assert int(stamp["max-age"]) == settings.DATABASE_READ_YOUR_WRITES_SECONDS
    response, on_primary, on_replica = _queries(
        client, "get", reverse("proposal_detail", kwargs={"pk": published.pk})
    )
    assert response.status_code == 200
    assert on_replica == 0 and on_primary > 0


def test_staff_pages_read_from_the_primary(client, published):
    _response, _on_primary, on_replica = _queries(client, "get", "/en/moderation/")
    assert on_replica == 0


def test_a_replica_that_is_down_is_skipped_without_an_error(client, published, unused_port):
    connections["replica"].close()
    connections["replica"].settings_dict["PORT"] = unused_port
    response, on_primary, _on_replica = _queries(
        client, "get", reverse("proposal_detail", kwargs={"pk": published.pk})
    )
    assert response.status_code == 200
    assert "Read from the replica" in response.content.decode()
    assert on_primary > 0
    assert db_routing.health.usable() is False  # remembered: the next readers do not try it again


def test_a_replica_that_fails_mid_request_is_answered_from_the_primary(client, published, unused_port):
    db_routing.health._remember(True)  # the last look found it healthy; it went away since
    connections["replica"].close()
    connections["replica"].settings_dict["PORT"] = unused_port
    response, on_primary, _on_replica = _queries(client, "get", f"/api/v1/proposals/{published.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == published.pk
    assert on_primary > 0
    assert db_routing.health.usable() is False


def test_a_replica_lagging_past_the_limit_is_skipped(client, published, settings, monkeypatch):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 5
    monkeypatch.setattr(db_routing, "replica_lag_seconds", lambda: 5.5)
    response, on_primary, on_replica = _queries(
        client, "get", reverse("proposal_detail", kwargs={"pk": published.pk})
    )
    assert response.status_code == 200
    assert on_replica == 0 and on_primary > 0


def test_replica_lag_of_a_server_that_replays_everything_is_zero(published):
    # The test "replica" is the primary itself (not in recovery): nothing to replay, no lag.
    assert db_routing.replica_lag_seconds() == 0


def test_migrations_run_on_the_primary_only():
    router = db_routing.PrimaryReplicaRouter()
    assert router.allow_migrate("default", "proposals") is True
    assert router.allow_migrate("replica", "proposals") is False
