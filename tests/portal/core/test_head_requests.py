"""Crawlers, uptime monitors and feed readers ask with HEAD first: every public file answers it as GET does,
without a body."""

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_FILES = [
    "/sitemap.xml",
    "/sitemap-consultations.xml",
    "/robots.txt",
    "/.well-known/security.txt",
    "/healthz",
    "/healthz/workers",
    "/livez",
    "/hearings.ics",
    "/open-data/proposals.csv",
    "/open-data/proposals.json",
    "/open-data/datapackage.json",
    "/kk/feeds/answers.atom",
    "/ru/feeds/hearings.atom",
    "/en/feeds/implementation.atom",
]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("url", PUBLIC_FILES)
def test_head_answers_as_get_without_a_body(client, settings, url):
    settings.SECURITY_CONTACT = ["security@example.test"]
    get = client.get(url)
    head = client.head(url)
    # /healthz/workers answers 503 while no worker has run beat's heartbeat; HEAD says the same.
    assert get.status_code in (200, 503)
    assert head.status_code == get.status_code
    assert head["Content-Type"] == get["Content-Type"]
    assert _body(head) == b""
