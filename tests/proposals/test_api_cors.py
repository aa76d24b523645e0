"""Other sites' web pages may read the API, open data and calendars (CORS), but not write through the API, and
the site's own pages stay closed to them."""

import pytest

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db

ORIGIN = {"HTTP_ORIGIN": "https://newsroom.example"}


@pytest.mark.parametrize(
    "path",
    ["/api/v1/proposals", "/api/v1/proposals?colour=blue", "/open-data/proposals.json", "/hearings.ics"],
)
def test_a_public_read_may_be_read_by_any_site(client, consultation, path):
    response = client.get(path, **ORIGIN)
    assert response["Access-Control-Allow-Origin"] == "*"
    # Without this a page could not revalidate with the ETag the API gives, nor read how long to wait.
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Retry-After" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_a_conditional_read_from_another_site_is_preflighted_without_reaching_the_view(client):
    response = client.options(
        "/api/v1/proposals",
        **ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]


def test_writes_and_pages_are_not_opened_to_other_sites(client, consultation):
    proposal = ProposalFactory(consultation=consultation)
    preflight = client.options(
        f"/api/v1/proposals/{proposal.pk}/support",
        **ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert "Access-Control-Allow-Origin" not in preflight
    write = client.post(f"/api/v1/proposals/{proposal.pk}/support", **ORIGIN)
    assert "Access-Control-Allow-Origin" not in write
    assert "Access-Control-Allow-Origin" not in client.get("/en/", **ORIGIN)


def test_a_head_request_answers_like_the_get(client, consultation):
    """HTTP asks every GET to answer HEAD too; the CORS headers above name it."""
    proposal = ProposalFactory(consultation=consultation)
    for path in ("/api/v1/proposals", f"/api/v1/proposals/{proposal.pk}", "/api/v1/topics"):
        head, get = client.head(path, **ORIGIN), client.get(path)
        assert head.status_code == 200, path
        assert head["ETag"] == get["ETag"]
        assert head["Access-Control-Allow-Origin"] == "*"
    assert client.head("/api/v1/proposals/999999").status_code == 404
    assert client.head("/api/v1/proposals?colour=blue").status_code == 400
