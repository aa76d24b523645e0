"""The embedded default is whole: without Redis the periodic jobs still run in-process, and links
follow the port `make run` serves on."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from portal.celery import app
from portal.core.management.commands import run_portal
from portal.core.schedule import InProcessSchedule
from proposals.models import Support, SupportTally
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def _public_count(client, proposal) -> int:
    cache.clear()  # the count as a reader sees it once the shared page cache has expired
    return client.get(f"/api/v1/proposals/{proposal.pk}").json()["supports_count"]


def test_a_withdrawn_support_leaves_the_public_count_when_the_schedule_runs(client, citizen):
    proposal = ProposalFactory(supports_count=1)
    support = Support.objects.create(user=citizen, proposal=proposal)
    # What a withdrawal leaves when the counter row was busy and the one queued fold had already run:
    # the row is gone, the change waits as a tally for the next fold.
    support.delete()
    SupportTally.objects.create(proposal=proposal, delta=-1)
    assert _public_count(client, proposal) == 1
    schedule = InProcessSchedule(
        app=app,
        schedule=settings.CELERY_BEAT_SCHEDULE,
        started_at=timezone.now() - timedelta(minutes=1),
    )
    ran, wait = schedule.tick()
    assert "fold-support-tallies" in ran
    assert _public_count(client, proposal) == 0
    assert 0 < wait <= 60
    # Not due again at once: a tick right after runs nothing that just ran.
    again, _wait = schedule.tick()
    assert "fold-support-tallies" not in again


def test_every_beat_entry_names_a_registered_task():
    schedule = InProcessSchedule(app=app, schedule=settings.CELERY_BEAT_SCHEDULE)
    assert {entry.task for entry in schedule.entries.values()} <= set(app.tasks)


def test_run_portal_runs_the_schedule_when_redis_is_absent(monkeypatch):
    started = []

    class FakeProcess:
        def __init__(self, command, **kwargs):
            started.append(command)

        def poll(self):
            return 0

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(run_portal, "redis_answers", lambda url: False)
    monkeypatch.setattr(run_portal.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(run_portal.signal, "signal", lambda *args: None)
    run_portal.Command().handle(port="8201", host="127.0.0.1")
    assert [sys.executable, "manage.py", "run_schedule"] in started


def test_run_portal_gives_its_port_to_the_server_and_the_worker(monkeypatch):
    """Run with --port only, the server and the worker built SITE_URL on port 8000: every link in an email,
    a calendar file or a feed led where nothing answered."""
    environments = []

    class FakeProcess:
        def __init__(self, command, **kwargs):
            environments.append(kwargs["env"])

        def poll(self):
            return 0

        def wait(self, timeout=None):
            return 0

    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.setattr(run_portal, "redis_answers", lambda url: True)
    monkeypatch.setattr(run_portal.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(run_portal.signal, "signal", lambda *args: None)
    run_portal.Command().handle(port="8201", host="127.0.0.1")
    assert len(environments) == 3
    assert all(env["PORT"] == "8201" for env in environments)


def test_site_url_follows_port_without_site_url():
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    env.update(PORT="8201", DJANGO_SETTINGS_MODULE="portal.settings")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "http://127.0.0.1:8201"
