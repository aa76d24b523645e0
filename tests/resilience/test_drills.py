"""The fault drills in a quick mode: the same scripts as `make drills` (bench/drills/), with fewer
people, shorter outages and a compressed sweep clock, so that every run of the suite proves each criterion.

Each drill creates and drops a PostgreSQL database of its own (named after the test run's, with `_drill_`)
and runs its own `redis-server` on a free port; it stops every process it started, also when it fails or
is interrupted. Its verdict is the last line it prints (`DRILL-RESULT {json}`).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import missing, postgres_database_url_or_skip, redis_server_or_skip

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


def test_the_deployment_serves_through_nginx_and_survives_replica_pooler_and_proxy_faults():
    """bench/drills/deployment.py --quick: nginx, granian, worker and beat from deploy/, PgBouncer, a primary
    and a streaming replica of its own. Each fault (replica lagging, replica down, PgBouncer restarted,
    nginx reloaded) is a criterion of its own: no 5xx to readers, every write stored exactly once."""
    for program in ("nginx", "pgbouncer"):
        if shutil.which(program) is None and not Path(f"/usr/sbin/{program}").exists():
            missing(f"{program} is not installed (.ci/run installs it)")
    if not Path("/usr/lib/postgresql/15/bin/pg_basebackup").exists():
        missing("PostgreSQL 15 server binaries are not installed (postgresql-15)")
    result = run_deployment_drill()
    checks = dict(result["checks"])
    for fault in ("replica lagging", "replica down", "PgBouncer restarted", "nginx reloaded"):
        assert checks[f"{fault}: no reader got a 5xx or no answer"]
    assert checks["anonymous reads go to the replica, none to the primary"]
    assert checks["nginx refused the excess with 503"]


def run_deployment_drill(timeout: float = 300) -> dict:
    """Like run_drill, for the drill that makes its own clusters (it needs only the machine's PostgreSQL
    for the migrated template, which DRILLS_POSTGRES names)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        missing("DATABASE_URL is not a PostgreSQL database")
    settings = connection.settings_dict
    server = f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    command = [sys.executable, str(DRILLS / "deployment.py"), "--quick"]
    drill = subprocess.Popen(
        command, env={**env, "DRILLS_POSTGRES": server}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        output, _ = drill.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        drill.send_signal(signal.SIGTERM)
        try:
            output, _ = drill.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            drill.kill()
            output, _ = drill.communicate()
        pytest.fail(f"deployment.py did not finish in {timeout} s:\n{output[-4000:]}")
    verdicts = [line for line in output.splitlines() if line.startswith("DRILL-RESULT ")]
    assert verdicts, f"deployment.py gave no verdict:\n{output[-4000:]}"
    result = json.loads(verdicts[-1].removeprefix("DRILL-RESULT "))
    failed = [criterion for criterion, passed in result["checks"] if not passed]
    assert drill.returncode == 0 and result["passed"], f"failed: {failed}\n{output[-4000:]}"
    return result
