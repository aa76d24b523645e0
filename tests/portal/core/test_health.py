from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db.utils import OperationalError
from django.utils import timezone

from portal.core.tasks import HEARTBEAT_KEY, record_worker_heartbeat
from tests.services import redis_url_or_skip


@pytest.mark.django_db
def test_healthz_is_ok_with_database_and_broker_up(client, settings):
    settings.REDIS_URL = redis_url_or_skip()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_names_the_broker_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["broker"] == "error"
    assert body["database"] == "ok"
    assert body["failing"] == ["broker"]


@pytest.mark.django_db
def test_healthz_reports_broker_disabled_without_redis(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "disabled"


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_fails(client, settings):
    settings.REDIS_URL = ""
    with mock.patch("portal.core.views.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]


@pytest.mark.django_db
def test_healthz_is_never_cached_and_needs_no_language_prefix(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


# --- workers: beat's heartbeat, for a monitor --------------------------------------------------------------


@pytest.fixture
def with_broker(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"  # only whether one is configured matters here
    yield
    cache.delete(HEARTBEAT_KEY)


def test_workers_are_ok_while_the_heartbeat_is_fresh(client, with_broker):
    record_worker_heartbeat()
    response = client.get("/healthz/workers")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["workers"] == "ok"
    assert response.json()["last_seen"] == cache.get(HEARTBEAT_KEY)


@pytest.mark.django_db
@pytest.mark.parametrize("minutes_ago", [4, None], ids=["stale heartbeat", "no heartbeat"])
def test_workers_that_stopped_make_the_monitor_fail_but_not_the_load_balancer(
    client, with_broker, minutes_ago
):
    if minutes_ago is None:
        cache.delete(HEARTBEAT_KEY)
    else:
        cache.set(HEARTBEAT_KEY, (timezone.now() - timedelta(minutes=minutes_ago)).isoformat(), timeout=None)
    response = client.get("/healthz/workers")
    assert response.status_code == 503
    assert response.json()["status"] == "error" and response.json()["workers"] == "stale"
    with mock.patch("portal.core.views.health.check_broker", return_value="ok"):
        assert client.get("/healthz").status_code == 200


def test_workers_are_disabled_without_a_broker(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz/workers")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "workers": "disabled", "last_seen": None}
