"""Issue 10's fault drills in a quick mode: the same scripts as `make drills` (bench/drills/), with fewer
people, shorter outages and a compressed sweep clock, so that every run of the suite proves each criterion.

Each drill creates and drops a PostgreSQL database of its own (named after the test run's, with `_drill_`)
and runs its own `redis-server` on a free port; it stops every process it started, also when it fails or
is interrupted. Its verdict is the last line it prints (`DRILL-RESULT {json}`).
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import postgres_database_url_or_skip, redis_server_or_skip

pytestmark = [pytest.mark.services, pytest.mark.django_db]
DRILLS = Path(__file__).resolve().parents[2] / "bench" / "drills"
# A screening missed by the broker is picked up after five seconds instead of fifteen: a shorter drill.
QUICK = {"DRILL_SWEEP_SECONDS": "1", "DRILL_UNSCREENED_AFTER_SECONDS": "5"}


def run_drill(script: str, *arguments: str, timeout: float = 150) -> dict:
    """Runs one drill to its verdict; on a timeout it is told to stop (SIGTERM stops what it started)."""
    redis_server_or_skip()
    database_url = postgres_database_url_or_skip(f"drill_{Path(script).stem.split('_')[-1]}")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    command = [sys.executable, str(DRILLS / script), "--database-url", database_url, *arguments]
    drill = subprocess.Popen(
        command, env={**env, **QUICK}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output, _ = drill.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        drill.send_signal(signal.SIGTERM)
        try:
            output, _ = drill.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            drill.kill()
            output, _ = drill.communicate()
        pytest.fail(f"{script} did not finish in {timeout} s:\n{output[-4000:]}")
    verdicts = [line for line in output.splitlines() if line.startswith("DRILL-RESULT ")]
    assert verdicts, f"{script} gave no verdict:\n{output[-4000:]}"
    result = json.loads(verdicts[-1].removeprefix("DRILL-RESULT "))
    failed = [criterion for criterion, passed in result["checks"] if not passed]
    assert drill.returncode == 0 and result["passed"], f"failed: {failed}\n{output[-4000:]}"
    return result


def test_a_worker_killed_mid_digest_sends_every_digest_once():
    result = run_drill("worker_killed_digests.py", "--people", "200")
    assert result["figures"]["deliveries pending or claimed by the dead worker"] > 0


def test_a_worker_killed_mid_screening_screens_every_proposal_once():
    run_drill("worker_killed_screening.py", "--proposals", "60")


def test_submissions_during_a_redis_outage_are_kept_and_screened():
    run_drill("redis_outage_submissions.py", "--outage", "3", "--before", "2", "--after", "2")


def test_terminated_postgres_connections_lose_no_acknowledged_write():
    run_drill("postgres_connections_killed.py", "--duration", "6", "--interval", "1")


def test_temporary_smtp_failures_deliver_every_message_once_and_suppress_nobody():
    run_drill("smtp_temporary_failures.py", "--people", "30", "--outage", "3", "--retry-backoff", "2")
