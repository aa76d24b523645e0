"""A Celery worker logs through the portal's handlers: personal data redacted, one JSON object per line in
production (docs/PRIVACY.md, "Logs"). Celery replaces the root logger's handlers unless told not to. And a
worker checks the settings given in the environment before it starts, as `manage.py serve` does."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]

# Starts a real worker (in-memory broker, solo pool); once it is ready, a task module's logger writes a line
# with an email, an IIN and a phone number, and the worker is stopped.
WORKER = """
import logging, os, signal
from celery.signals import worker_ready
from portal.celery import app
app.conf.broker_url = "memory://"  # whatever REDIS_URL says: this worker only starts and stops

@worker_ready.connect
def probe(**kwargs):
    logging.getLogger("proposals.tasks").warning("probe mail aigerim@example.kz iin 900101300123 +7 701 123 45 67")
    os.kill(os.getpid(), signal.SIGTERM)

app.worker_main(["worker", "-P", "solo", "-n", "probe@%h", "-l", "INFO", "--without-mingle", "--without-gossip"])
"""


def _worker_output(**environment) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REDIS_URL"))}
    env.update(PYTHONPATH=str(BASE_DIR), **environment)
    done = subprocess.run(
        [sys.executable, "-c", WORKER], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    return done.stdout + done.stderr


def test_a_worker_redacts_personal_data_in_its_log_lines():
    output = _worker_output(DJANGO_SETTINGS_MODULE="portal.settings")
    assert "probe mail" in output, output[-3000:]
    assert "aigerim@example.kz" not in output
    assert "900101300123" not in output
    assert "701 123 45 67" not in output
    assert "probe mail [email] iin [iin] [phone]" in output


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "k" * 60,
    "ALLOWED_HOSTS": "qatysu.example.kz",
    # Neither is reached: the worker's broker is in memory and nothing queries the database.
    "DATABASE_URL": "postgres://qatysu@127.0.0.1:9/never-opened",
    "REDIS_URL": "redis://127.0.0.1:9/0",
}


def test_a_production_worker_logs_one_json_object_per_line():
    output = _worker_output(**PRODUCTION)
    line = next(line for line in output.splitlines() if "probe mail" in line)
    record = json.loads(line)
    assert record["level"] == "WARNING" and record["logger"] == "proposals.tasks"
    # UTC with its offset, as nginx's access log: the process's own time zone is Asia/Almaty.
    assert datetime.fromisoformat(record["time"]).utcoffset() == timedelta(0)
    assert "aigerim@example.kz" not in line and "900101300123" not in line


def test_a_production_worker_on_sqlite_refuses_to_start_and_says_why():
    output = _worker_output(**{**PRODUCTION, "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3"})
    assert "probe mail" not in output
    assert "portal.E041" in output and "DATABASE_URL" in output
