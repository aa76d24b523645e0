"""Load shedding (portal/core/load_shedding.py): a request that waited past its queue budget behind the proxy
gets a quick 503 with Retry-After in the reader's language; every other request is served as before."""

import time

import pytest

from portal.core.load_shedding import request_start
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def _stamp(seconds_ago: float) -> str:
    """What nginx sends with `proxy_set_header X-Request-Start "t=${msec}";`."""
    return f"t={time.time() - seconds_ago:.3f}"


@pytest.fixture(autouse=True)
def _budget(settings):
    settings.PORTAL_QUEUE_BUDGET_MS = 2000
    settings.PORTAL_SHED_RETRY_AFTER_SECONDS = 10


def test_a_request_over_its_queue_budget_gets_503_with_retry_after(client, django_assert_num_queries):
    with django_assert_num_queries(0):  # refused before sessions, users or switches are read
        response = client.get("/en/proposals/", headers={"X-Request-Start": _stamp(5)})
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"  # a page cache or CDN must not keep the refusal
    assert "The portal is very busy right now" in response.content.decode()
    assert "Content-Security-Policy" in response.headers and response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/ru/proposals/", "Портал сейчас перегружен"),
        ("/kk/proposals/", "Портал қазір қатты жүктелген"),
        ("/en/proposals/", "The portal is very busy right now"),
    ],
)
def test_the_refusal_speaks_the_language_of_the_page(client, path, expected):
    response = client.get(path, headers={"X-Request-Start": _stamp(5)})
    html = response.content.decode()
    assert response.status_code == 503 and expected in html
    assert f'<html lang="{path[1:3]}">' in html and response["Content-Language"] == path[1:3]


def test_the_api_refusal_is_json_in_the_accepted_language(client):
    response = client.get(
        "/api/v1/proposals", headers={"X-Request-Start": _stamp(5), "Accept-Language": "ru"}
    )
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "Портал сейчас перегружен" in response.json()["detail"]


def test_a_request_within_the_budget_is_served(client):
    published = ProposalFactory(title="Served while the queue is short")
    response = client.get(f"/en/proposals/{published.pk}/", headers={"X-Request-Start": _stamp(0.2)})
    assert response.status_code == 200 and published.title in response.content.decode()


def test_without_the_proxy_stamp_nothing_is_refused(client, settings):
    settings.PORTAL_QUEUE_BUDGET_MS = 1  # even the tightest budget needs a stamp to compare with
    assert client.get("/en/proposals/").status_code == 200


def test_health_probes_are_never_refused(client):
    assert client.get("/livez", headers={"X-Request-Start": _stamp(60)}).status_code == 200


def test_a_zero_budget_turns_shedding_off(client, settings):
    settings.PORTAL_QUEUE_BUDGET_MS = 0
    assert client.get("/en/proposals/", headers={"X-Request-Start": _stamp(60)}).status_code == 200


def test_a_stamp_from_the_future_is_a_clock_fault_not_a_queue(client):
    assert client.get("/en/proposals/", headers={"X-Request-Start": _stamp(-30)}).status_code == 200


def test_the_header_name_is_configurable(client, settings):
    settings.PORTAL_REQUEST_START_HEADER = "X-Queue-Start"
    assert client.get("/en/proposals/", headers={"X-Queue-Start": _stamp(5)}).status_code == 503
    assert client.get("/en/proposals/", headers={"X-Request-Start": _stamp(5)}).status_code == 200


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("t=1700000000.123", 1700000000.123),  # nginx ${msec}
        ("1700000000123", 1700000000.123),  # milliseconds
        ("t=1700000000123456", 1700000000.123456),  # microseconds (HAProxy, Heroku)
        ("t=", None),
        ("yesterday", None),
        ("t=-5", None),
    ],
)
def test_request_start_reads_the_formats_proxies_send(value, seconds):
    assert request_start(value) == (pytest.approx(seconds) if seconds is not None else None)


def test_each_refusal_is_logged_once_as_a_warning_not_as_a_server_error(client, caplog):
    with caplog.at_level("WARNING"):
        client.get("/en/proposals/", headers={"X-Request-Start": _stamp(5)})
    records = [(record.name, record.levelname) for record in caplog.records]
    assert records == [("portal.core.load_shedding", "WARNING")]
