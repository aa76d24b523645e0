"""Access to the real services (Redis, Chromium, axe-core) that some tests need.

Without a service a test skips with the reason; with REQUIRE_SERVICES=1 (CI) it fails instead, so that
a missing service can never turn a CI run green.
"""

import os
import shutil
from pathlib import Path

import pytest
import redis
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
AXE_PATH = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def missing(reason: str):
    """Skip, or fail when REQUIRE_SERVICES=1."""
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def redis_url_or_skip() -> str:
    url = settings.REDIS_URL
    if not url:
        missing("REDIS_URL is not set")
    from portal.core.redis_probe import redis_answers

    if not redis_answers(url):
        missing("Redis at REDIS_URL is unreachable")
    return url


def empty_the_broker_queues(url: str) -> int:
    """Deletes every message waiting on the test broker, and those a stopped worker held unacknowledged.

    A test with a real worker must start from an empty queue: the support storm leaves folds and the sweep
    leaves notifications behind, and a backlog of another test's messages delays (or, once Redis redelivers
    the unacknowledged ones, doubles) what this test waits for. Only the queues' keys go: the cache keys of
    the parallel workers share the database."""
    client = redis.Redis.from_url(url)
    try:
        _disconnect_stray_consumers(client)
        names = [
            *client.scan_iter(match=f"{settings.CELERY_TASK_DEFAULT_QUEUE}*", _type="list"),
            *client.scan_iter(match="unacked*"),
        ]
        return client.delete(*names) if names else 0
    finally:
        client.close()


def _disconnect_stray_consumers(client: redis.Redis) -> None:
    """Between tests no worker of ours runs, so a connection still waiting in a blocking pop on this database
    is a consumer left behind (a stopped in-process worker's channel, the worker of an interrupted run):
    Redis would hand it the next message, which nobody then reads. It is disconnected."""
    database = client.connection_pool.connection_kwargs.get("db", 0)
    for entry in client.client_list():
        if entry.get("cmd") in {"brpop", "blpop", "bzpopmin"} and int(entry.get("db", -1)) == database:
            client.client_kill_filter(_id=entry["id"])


def chromium_path_or_skip() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not (Path(path).exists() or shutil.which(path)):
        missing(f"Chromium not found at {path}")
    return path


def java_or_skip() -> str:
    """The Java runtime of the Nu HTML checker (Debian's default-jre-headless)."""
    java = shutil.which("java")
    if java is None:
        missing("no Java runtime for the Nu HTML checker (apt-get install default-jre-headless)")
    return java


def axe_source_or_skip() -> str:
    if not AXE_PATH.exists():
        missing("axe-core is not installed (run `npm ci`)")
    return AXE_PATH.read_text()


def lighthouse_or_skip() -> list[str]:
    """The command that runs tests/browser/lighthouse_audit.mjs with Node.js and the pinned Lighthouse."""
    node = shutil.which("node")
    if node is None:
        missing("Node.js is not installed (Lighthouse runs on it)")
    if not (BASE_DIR / "node_modules" / "lighthouse" / "package.json").exists():
        missing("Lighthouse is not installed (run `npm ci`)")
    return [node, str(BASE_DIR / "tests" / "browser" / "lighthouse_audit.mjs")]


def database_url_for_subprocesses() -> str:
    """The URL of the test database, for processes a test starts (workers, web servers) to share it."""
    from django.db import connection

    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def redis_server_or_skip() -> str:
    """The `redis-server` program, for tests that run (and stop) a Redis of their own."""
    path = shutil.which("redis-server")
    if path is None:
        missing("redis-server is not installed")
    return path


def postgres_database_url_or_skip(suffix: str) -> str:
    """The URL of a database named after the test run's (`<name>_<suffix>`), on the same PostgreSQL server,
    for a process that creates and drops a database of its own."""
    from django.db import connection

    if connection.vendor != "postgresql":
        missing("DATABASE_URL is not a PostgreSQL database")
    settings = connection.settings_dict
    name = settings["NAME"].removeprefix("test_")
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER'] or 'postgres'}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{name}_{suffix}"
    )
