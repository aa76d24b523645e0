"""A real SMTP server, a real Celery worker on Redis, 500 people with events. The
worker is killed (SIGKILL, the whole process group) in the middle of the daily digest and started again; every
person receives exactly one digest holding exactly their events.

"Exactly one" is counted by Message-ID, which is fixed per delivery: the one moment a crash can cost a copy is
between the SMTP server accepting a message and the database commit right after it, and a copy sent again then
carries the same Message-ID, which mail clients show once. The raw number of such copies is bounded by the
worker's concurrency and asserted too.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from portal.accounts.models import User
from portal.celery import app
from portal.notifications.models import DigestDelivery, Notification
from tests.conftest import queue_of_a_test, use_broker, wait_until
from tests.services import database_url_for_subprocesses, redis_url_or_skip
from tests.smtp_sink import SmtpSink, start_sink

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
BASE_DIR = Path(__file__).resolve().parents[3]
PEOPLE = 500
CONCURRENCY = 2


class SlowSink(SmtpSink):
    """Takes a few milliseconds per message, like a real relay, so the kill lands mid-run."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd)
        import asyncio

        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


def _start_worker(env: dict) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "prefork", "-c", str(CONCURRENCY),
               "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]  # fmt: skip
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)


def _kill(worker: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def _seed_people() -> list[User]:
    users = User.objects.bulk_create(
        User(email=f"person{n}@digest.test", display_name=f"Person {n}", preferred_language="en")
        for n in range(PEOPLE)
    )
    yesterday = timezone.now() - timedelta(days=1)
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            category="proposals",
            kind="proposal.status_changed",
            params={"title": f"Event {user.pk}-{n}", "status": "answered"},
            url="/en/proposals/1/",
            created_at=yesterday,
        )
        for user in users
        for n in range(2)
    )
    return users


def test_killing_the_worker_mid_digest_loses_nothing_and_doubles_nothing():
    if connection.vendor != "postgresql":
        pytest.skip("the worker process shares the test database only on PostgreSQL")
    redis_url = redis_url_or_skip()
    users = _seed_people()
    Notification.objects.update(created_at=timezone.now() - timedelta(days=1))

    sink = SlowSink()
    controller, port = start_sink(sink)
    queue = queue_of_a_test("digest")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url_for_subprocesses(),
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # Claims of the killed worker count as stale after two seconds, not the production ten minutes.
        "DIGEST_CLAIM_STALE_SECONDS": "2",
    }
    use_broker(app, redis_url, queue=queue)
    workers = []
    try:
        workers.append(_start_worker(env))
        from portal.notifications.tasks import plan_digests, resume_digests

        plan_digests.delay("daily")
        assert wait_until(lambda: sink.count() >= 60, timeout=60), "the digest never started"
        _kill(workers[0])
        at_kill = sink.count()
        assert at_kill < PEOPLE, "the run finished before the kill; the drill proved nothing"
        pending = DigestDelivery.objects.filter(status__in=["pending", "sending"]).count()
        assert pending > 0

        workers.append(_start_worker(env))
        time.sleep(2.5)  # the dead worker's claims grow stale
        resume_digests.delay()  # what beat does every five minutes
        done = wait_until(
            lambda: (
                not DigestDelivery.objects.filter(status="pending").exists()
                and len({r.message_id for r in sink.received}) >= PEOPLE
            ),
            timeout=120,
        )
        assert done, f"{DigestDelivery.objects.filter(status='pending').count()} digests left pending"
    finally:
        for worker in workers:
            _kill(worker)
        controller.stop()
        use_broker(app, None)

    assert DigestDelivery.objects.filter(status="sent").count() == PEOPLE
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    for user in users:
        received = sink.for_address(user.email)
        assert len({item.message_id for item in received}) == 1, user.email
        text = received[0].text()
        assert set(re.findall(r"Event (\d+)-(\d)", text)) == {(str(user.pk), "0"), (str(user.pk), "1")}
    copies = len(sink.received) - PEOPLE
    print(f"killed after {at_kill} of {PEOPLE} digests, {pending} pending; {copies} sent again")
    assert copies <= CONCURRENCY, f"{copies} copies sent again after the kill"
