"""Scale-out: two web processes against one PostgreSQL and one Redis serve a citizen's
journey, each request going to the other process than the one before. Nothing lives in a process: the session
is in the database, the cache (rate limits, switches) in Redis, CSRF tokens are checked by any process that
shares SECRET_KEY.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from proposals.demo import seed_consultation
from proposals.models import Comment, Proposal
from tests.factories import UserFactory
from tests.proposals.factories import ProposalFactory
from tests.services import database_url_for_subprocesses, redis_url_or_skip
from tests.smtp_sink import free_port

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-test-password-9"


def _serve(env: dict, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1",
               "--log-level", "warning"]  # fmt: skip
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)


def _ready(port: int) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/livez", timeout=5).status_code == 200:
                return True
        except requests.RequestException:  # not listening yet, or still importing the project
            time.sleep(0.2)
    return False


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_two_web_processes_serve_one_citizen_journey():
    if connection.vendor != "postgresql":
        pytest.skip("the web processes share the test database only on PostgreSQL")
    redis_url = redis_url_or_skip()
    consultation = seed_consultation()
    published = ProposalFactory(consultation=consultation, title="Published earlier")
    citizen = UserFactory(email="walker@example.test", display_name="Walker")
    # The servers run with the production hashers (the test settings use MD5 for speed).
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    citizen.password = PBKDF2PasswordHasher().encode(PASSWORD, "scaleoutsalt")
    citizen.save()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "DATABASE_URL": database_url_for_subprocesses(),
        "REDIS_URL": redis_url,
        "SECRET_KEY": "shared-by-both-processes-0123456789-0123456789-0123456789",
        "EMAIL_URL": "consolemail://",
    }
    ports = [free_port(), free_port()]
    servers = [_serve(env, port) for port in ports]
    try:
        assert all(_ready(port) for port in ports), "a web process did not start"
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        session = requests.Session()
        turn = iter(range(10**6))

        def url(path):  # alternate between the two processes, like a round-robin load balancer
            return bases[next(turn) % 2] + path

        def post(path, html, data):
            data = {"csrfmiddlewaretoken": _csrf(html), **data}
            return session.post(url(path), data=data, headers={"Referer": bases[0] + path}, timeout=10)

        login = session.get(url("/en/accounts/login/"), timeout=10).text
        answer = post("/en/accounts/login/", login, {"login": citizen.email, "password": PASSWORD})
        errors = re.findall(r'class="[^"]*(?:error|errorlist)[^"]*"[^>]*>(.*?)<', answer.text)
        assert answer.status_code == 200 and "Sign out" in answer.text, (answer.url, errors)

        # The session made on one process is known to the other.
        write = session.get(url("/en/proposals/new/"), timeout=10)
        assert write.status_code == 200 and "Walker" in write.text
        saved = post(
            "/en/proposals/new/",
            write.text,
            {"title": "Councils approve budgets", "summary": "Local councils approve budgets.",
             "body": "Local councils, not akims, approve local budgets.", "language": "en"},
        )  # fmt: skip
        assert saved.status_code == 200
        draft = Proposal.objects.get(author=citizen)
        preview = session.get(url(f"/en/proposals/{draft.pk}/preview/"), timeout=10).text
        post(f"/en/proposals/{draft.pk}/submit/", preview, {})
        draft.refresh_from_db()
        assert draft.status != "draft"

        page = session.get(url(f"/en/proposals/{published.pk}/"), timeout=10).text
        post(f"/en/proposals/{published.pk}/comments/", page, {"body": "Agreed, from the other process."})
        assert Comment.objects.filter(author=citizen, proposal=published).exists()
        follow_page = session.get(url(f"/en/proposals/{published.pk}/"), timeout=10).text
        post(f"/en/proposals/{published.pk}/follow/", follow_page, {})
        assert published.follows.filter(user=citizen).exists()
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
