"""The deployment drill's HTTP clients: sessions that trust the drill's own certificate only, and the readers
and writers that keep the site under load while its parts fail (see bench/drills/deployment.py)."""

from __future__ import annotations

import threading
import time
import uuid

import harness


class CERTIFICATE:  # noqa: N801 (a namespace: the test certificate's path once nginx has it)
    path: str | None = None


def trust(session):
    """Clients trust the drill's certificate only (the environment's CA bundle would override it), and, as
    browsers do, send a GET again once when a kept-alive connection was closed under it (nginx closes its
    idle connections when it reloads); a POST is never sent twice by the client itself."""
    from requests.adapters import HTTPAdapter
    from urllib3.util import Retry

    session.verify = CERTIFICATE.path
    session.trust_env = False
    retry = Retry(
        total=1, connect=1, read=1, status=0, allowed_methods={"GET", "HEAD"}, raise_on_status=False
    )
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


# What nginx's own refusal pages carry near their start (deploy/nginx/qatysu.conf, `$qatysu_busy_page`); the
# portal's own 503 page is titled "503 · Qatysu".
REFUSAL_MARK = "</style><title>Qatysu</title><p"
# nginx lets this many requests be in flight for the whole site; the web processes (2 × 4 threads) serve 8.
SITE_CONNECTIONS = 16


def listening(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def status_of(url: str, **kwargs) -> int:
    import requests

    try:
        return trust(requests.Session()).get(url, timeout=5, **kwargs).status_code
    except requests.RequestException:
        return 0


def make_reader(base_url: str, published_id: int):
    paths = ["/en/proposals/", f"/en/proposals/{published_id}/", f"/api/v1/proposals/{published_id}",
             "/api/v1/proposals?ordering=-supports"]  # fmt: skip

    def read(session, rng) -> harness.Answer:
        trust(session)
        return harness.request(session, "read", "GET", base_url + rng.choice(paths))

    return read


def make_writer(base_url: str, people: list, keys: list):
    # Writers have sessions of their own: a write stamps its browser to read from the primary for a while
    # (read-your-writes), and the readers of the drill are people who did not write.
    sessions = threading.local()

    def write(_reader_session, rng) -> harness.Answer:
        if not hasattr(sessions, "session"):
            import requests

            sessions.session = trust(requests.Session())
        session = sessions.session
        person = rng.choice(people)
        key = str(uuid.uuid4())
        text = f"A proposal written during the deployment drill, key {key}."
        payload = {"title": f"Drill {key[:12]}", "summary": text, "body": text, "language": "en"}
        headers = {"Authorization": f"Bearer {person.plain_token}", "Idempotency-Key": key}
        for _attempt in range(30):
            answer = harness.request(session, "submit", "POST", f"{base_url}/api/v1/proposals", detail=key,
                                     json=payload, headers=headers)  # fmt: skip
            if answer.status == 201:
                keys.append(key)
                return answer
            time.sleep(0.3)
        return answer

    return write
