"""The streamed open-data files are long to make (their version reads aggregates over every row, their body every
row), so one address may ask for them only so often: a script downloading them in a loop would hold the database
and the web workers everyone else is served by. A mirror that revalidates is served 304 within its own limit."""

from unittest import mock

import pytest

from proposals.selectors import open_data_versions

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db


def _get(client, name, address="198.51.100.7", **headers):
    answer = client.get(f"/open-data/{name}", headers=headers, REMOTE_ADDR=address)
    if answer.streaming:
        b"".join(answer.streaming_content)
    return answer


@pytest.fixture
def proposal(consultation):
    return ProposalFactory(consultation=consultation, status="published")


@pytest.mark.parametrize(
    "name", ["proposals.csv", "proposals.json", "commitments.csv", "commitment-updates.json"]
)
def test_whole_downloads_beyond_the_hourly_limit_are_refused_with_429_and_retry_after(
    client, settings, proposal, name
):
    settings.OPEN_DATA_DOWNLOADS_PER_ADDRESS_PER_HOUR = 2
    assert [_get(client, name).status_code for _ in range(2)] == [200, 200]

    refused = _get(client, name)
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    assert "Too many requests" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 3600
    # Another address is counted on its own.
    assert _get(client, name, address="203.0.113.9").status_code == 200


def test_a_mirror_that_sends_the_etag_back_is_still_answered_304_after_its_downloads(
    client, settings, proposal
):
    settings.OPEN_DATA_DOWNLOADS_PER_ADDRESS_PER_HOUR = 1
    first = _get(client, "proposals.csv")
    assert first.status_code == 200
    assert _get(client, "proposals.csv").status_code == 429
    # A revalidation reads no row: it does not count as a download.
    assert _get(client, "proposals.csv", **{"If-None-Match": first["ETag"]}).status_code == 304


def test_requests_beyond_their_limit_are_refused_before_the_version_is_read(client, settings, proposal):
    settings.OPEN_DATA_REQUESTS_PER_ADDRESS_PER_HOUR = 3
    first = _get(client, "proposals.csv")
    etag = first["ETag"]
    assert [_get(client, "proposals.csv", **{"If-None-Match": etag}).status_code for _ in range(2)] == [
        304,
        304,
    ]

    with mock.patch.object(open_data_versions, "proposals_version") as version:
        refused = _get(client, "proposals.csv", **{"If-None-Match": etag})
    assert refused.status_code == 429
    version.assert_not_called()


def test_the_short_files_are_not_paced(client, settings, consultation):
    settings.OPEN_DATA_REQUESTS_PER_ADDRESS_PER_HOUR = 1
    settings.OPEN_DATA_DOWNLOADS_PER_ADDRESS_PER_HOUR = 1
    # The moderation figures are a few rows, sent whole and answered 304 from their body's hash.
    assert {_get(client, "moderation.csv").status_code for _ in range(3)} == {200}


def test_behind_the_proxy_each_reader_is_counted_by_their_own_address(client, settings, proposal):
    settings.OPEN_DATA_DOWNLOADS_PER_ADDRESS_PER_HOUR = 1
    settings.PORTAL_TRUSTED_PROXY_HOPS = 1
    for reader in ("192.0.2.10", "192.0.2.11"):
        answer = _get(client, "proposals.json", address="127.0.0.1", **{"X-Forwarded-For": reader})
        assert answer.status_code == 200
    again = _get(client, "proposals.json", address="127.0.0.1", **{"X-Forwarded-For": "192.0.2.10"})
    assert again.status_code == 429
