"""A request whose database connection is lost answers 503 with Retry-After, not a 500 (the drill)."""

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def _connection_lost(*args, **kwargs):
    raise OperationalError("terminating connection due to administrator command")


def test_an_api_request_answers_503_with_retry_after(client, monkeypatch):
    monkeypatch.setattr("proposals.api.proposals._public_proposal", _connection_lost)
    response = client.get("/api/v1/proposals/1", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "try again" in response.json()["detail"]
    kazakh = client.get("/api/v1/proposals/1", HTTP_ACCEPT_LANGUAGE="kk")  # the default language
    assert "қайталап көріңіз" in kazakh.json()["detail"]


def test_a_page_answers_503_in_the_readers_language(client, monkeypatch):
    monkeypatch.setattr("proposals.views.home.consultation_groups", _connection_lost)
    response = client.get("/en/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "try again" in response.content.decode()


def test_other_errors_are_not_disguised_as_503(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("proposals.views.home.consultation_groups", broken)
    with pytest.raises(ValueError, match="a bug"):
        client.get("/en/")
