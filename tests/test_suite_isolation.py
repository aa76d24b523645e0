"""No test depends on the tests before it (docs/TESTING.md, "Random order"): the rows the migrations created
are there, under their keys, for every test, also once a browser test has started Playwright in the worker.

The cases run in a pytest of their own (tests/suite_isolation_cases.py), in a fixed order, on this run's test
database: random order cannot be pinned inside one run, and the failure needs a transactional test after
Playwright has started."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import connection

from tests.conftest import _SERIALIZED_ROWS

BASE_DIR = Path(__file__).resolve().parent.parent


def _url_whose_test_database_is_this_one() -> str:
    """pytest-django names the test database `test_<NAME>`; the inner run, with `--reuse-db`, takes this one."""
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER'] or 'postgres'}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME'].removeprefix('test_')}"
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_rows_survive_transactional_tests_after_playwright_has_started():
    if connection.vendor != "postgresql":
        pytest.skip("the cases reuse this run's PostgreSQL test database")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST_XDIST", "PYTEST_ADDOPTS"))  # the inner run is a plain one
    }
    env["DATABASE_URL"] = _url_whose_test_database_is_this_one()
    connection.close()  # the inner run empties the tables; nothing of ours stays open on them
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/suite_isolation_cases.py", "-o",
         "python_files=suite_isolation_cases.py", "-p", "no:randomly", "-p", "no:xdist", "--reuse-db",
         "-q", "-ra"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert "5 passed" in done.stdout, done.stdout[-3000:]
    # And after the inner run's last test, its session put the rows back.
    migrated = {
        row["pk"]
        for row in json.loads(_SERIALIZED_ROWS["default"])
        if row["model"] == "contenttypes.contenttype"
    }
    now = {row["pk"] for row in json.loads(serializers.serialize("json", ContentType.objects.all()))}
    assert now == migrated
