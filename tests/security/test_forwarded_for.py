"""X-Forwarded-For is read only from the proxies in front: a connection that reached the web process around
them (a firewall left open, a port published by mistake) wrote whatever address it liked, and every login,
sign-up or reset limit started afresh with each one."""

import pytest
from django.test import Client, RequestFactory

from portal.core.http import client_ip

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("peer", "forwarded", "seen"),
    [
        ("127.0.0.1", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # nginx on the machine
        ("10.0.0.2", "203.0.113.9", "203.0.113.9"),  # a load balancer on the private network
        ("", "203.0.113.9", "203.0.113.9"),  # nginx through a Unix socket
        ("198.51.100.20", "203.0.113.9", "198.51.100.20"),  # straight from the internet: its claim is ignored
        ("::ffff:198.51.100.20", "203.0.113.9", "::ffff:198.51.100.20"),
    ],
)
def test_only_a_proxy_is_asked_who_the_client_is(settings, peer, forwarded, seen):
    settings.PORTAL_TRUSTED_PROXY_HOPS = 1
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == seen


def test_failed_logins_straight_to_the_web_process_are_limited_whatever_they_forward(settings):
    settings.PORTAL_TRUSTED_PROXY_HOPS = 1
    refused = None
    for attempt in range(12):  # a new account name each time: the limit per address is what is tried
        attacker = Client(REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
        refused = attacker.post(
            "/en/accounts/login/", {"login": f"x{attempt}@example.test", "password": "no"}
        )
    assert "Too many failed login attempts" in refused.content.decode()
