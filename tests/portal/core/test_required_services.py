"""With REQUIRE_SERVICES=1 a missing service fails the run instead of skipping (CI cannot go green by accident)."""

import os
import subprocess
import sys

from django.conf import settings


def _run_celery_test(**env_overrides):
    # Its own SQLite database: the parent run already holds the PostgreSQL test database.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": "sqlite://:memory:",
        **env_overrides,
    }
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "--nomigrations",
            "tests/portal/core/test_celery_worker.py::test_periodic_heartbeat_runs_on_the_worker",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_unreachable_redis_fails_the_suite_when_services_are_required():
    result = _run_celery_test(REDIS_URL="redis://127.0.0.1:1/0", REQUIRE_SERVICES="1")
    assert result.returncode == 1, result.stdout
    assert "skipped" not in result.stdout
    assert "1 error" in result.stdout or "1 failed" in result.stdout


def test_unreachable_redis_skips_with_a_reason_otherwise():
    result = _run_celery_test(REDIS_URL="redis://127.0.0.1:1/0", REQUIRE_SERVICES="0")
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
