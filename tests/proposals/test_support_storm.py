"""A support storm through HTTP: 4,000 attempts by 1,000 people on one proposal, sent 32 at a time to a real
gunicorn with a real Celery worker, leave one support row per person, a counter equal to the rows once the
pending changes of the hot proposal are folded, and no 5xx answer.

The same contention (32 connections at once, four attempts per person) at a fifth of the full storm's size,
which took 17 minutes of CI; the full 20,000 attempts by 5,000 people is `bench/support_storm.py`."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from bench import http_attempts
from portal.accounts.models import ApiToken, IdentityVerification, User
from portal.accounts.tokens import TOKEN_PREFIX, _hash
from proposals.models import Proposal, Support, SupportTally
from proposals.selectors.proposal import supports_by_level
from tests.conftest import queue_of_a_test
from tests.proposals.factories import ConsultationFactory, ProposalFactory
from tests.services import database_url_for_subprocesses, redis_url_or_skip
from tests.smtp_sink import free_port

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
BASE_DIR = Path(__file__).resolve().parents[2]
PEOPLE, ATTEMPTS = 1_000, 4_000


def _people_with_tokens(count: int) -> list[str]:
    people = User.objects.bulk_create(
        User(email=f"p{n}@storm.test", display_name=f"P {n}") for n in range(count)
    )
    IdentityVerification.objects.bulk_create(
        IdentityVerification(user=person, method="staff", identity_hash=f"storm-{person.pk}")
        for person in people
    )
    tokens = [f"{TOKEN_PREFIX}storm{person.pk:08d}{'x' * 20}" for person in people]
    ApiToken.objects.bulk_create(
        ApiToken(user=person, name="storm", token_hash=_hash(token), prefix=token[:10])
        for person, token in zip(people, tokens, strict=True)
    )
    return tokens


def _start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(port: int) -> None:
    attempt = [http_attempts.Attempt("GET", "/livez")]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if http_attempts.run("127.0.0.1", port, attempt, connections=1, timeout=2)[0].status == 200:
            return
        time.sleep(0.3)
    raise AssertionError("the web process did not start")


def test_a_storm_of_supports_counts_each_person_once():
    if connection.vendor != "postgresql":
        pytest.skip("the web processes share the test database only on PostgreSQL")
    redis_url = redis_url_or_skip()
    proposal = ProposalFactory(consultation=ConsultationFactory())
    tokens = _people_with_tokens(PEOPLE)
    rng = random.Random(10)
    who = list(range(PEOPLE)) + [rng.randrange(PEOPLE) for _ in range(ATTEMPTS - PEOPLE)]
    rng.shuffle(who)
    path = f"/api/v1/proposals/{proposal.pk}/support"
    attempts = [http_attempts.Attempt("POST", path, (("Authorization", f"Bearer {tokens[n]}"),)) for n in who]

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "DATABASE_URL": database_url_for_subprocesses(),
        "REDIS_URL": redis_url,
        "SECRET_KEY": "storm-test-secret-0123456789-0123456789-0123456789-0123456789",
        "LOG_LEVEL": "WARNING",
        # Its folds go to a queue of its own, which a later test's worker does not share.
        "CELERY_TASK_DEFAULT_QUEUE": queue_of_a_test("storm"),
    }
    port = free_port()
    web = _start([sys.executable, "-m", "gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "3",
                  "--log-level", "warning"], env)  # fmt: skip
    worker = _start([sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo",
                     "--loglevel", "WARNING", "--without-gossip", "--without-mingle"], env)  # fmt: skip
    try:
        _wait_for(port)
        outcomes = http_attempts.run("127.0.0.1", port, attempts, connections=32, timeout=60)
        deadline = time.monotonic() + 60  # the worker folds pending changes a second after they appear
        while SupportTally.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        for process in (web, worker):
            os.killpg(process.pid, signal.SIGTERM)
        for process in (web, worker):
            process.wait(timeout=30)

    statuses = http_attempts.summary(outcomes, 1)["statuses"]
    assert statuses == {200: ATTEMPTS}, statuses
    rows = Support.objects.filter(proposal=proposal).count()
    assert rows == len(set(who)) == PEOPLE
    assert not SupportTally.objects.exists(), "pending changes were never folded"
    assert Proposal.objects.get(pk=proposal.pk).supports_count == rows
    # Every storm supporter was verified by staff: the count by level is the same exact number.
    assert supports_by_level(proposal.pk).counts == {
        "signature": 0,
        "national_sign_in": 0,
        "self_declared": 0,
        "staff": rows,
    }
