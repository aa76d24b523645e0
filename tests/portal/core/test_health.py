from unittest import mock

import pytest
from django.db.utils import OperationalError

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
