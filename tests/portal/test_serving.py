"""The production command (`python manage.py serve`, README "Production") runs granian with the configuration
chosen by measurement, every value of it settable from the environment."""

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.core.management import call_command

from tests.smtp_sink import free_port

BASE_DIR = Path(__file__).resolve().parents[2]


def _command(capsys) -> list[str]:
    call_command("serve", "--print")
    return shlex.split(capsys.readouterr().out)


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


@pytest.fixture
def clean_environment(monkeypatch):
    for name in ("WEB_CONCURRENCY", "WEB_THREADS", "HOST", "PORT", "WEB_BACKLOG", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_serves_wsgi_with_granian_one_process_per_core_and_few_threads(capsys, clean_environment):
    clean_environment.setattr("os.cpu_count", lambda: 2)
    command = _command(capsys)
    assert command[1:4] == ["-m", "granian", "--interface"] and _option(command, "--interface") == "wsgi"
    assert "portal.wsgi:application" in command
    assert _option(command, "--workers") == "2"
    # Each thread holds its own PostgreSQL connection: granian's default (hundreds) would exhaust the server.
    assert _option(command, "--blocking-threads") == "4"
    assert "--respawn-failed-workers" in command
    # Only the proxy on the same machine reaches it unless told otherwise: another host of a private network
    # could otherwise write its own X-Forwarded-For, which the portal trusts from private addresses.
    assert (_option(command, "--host"), _option(command, "--port")) == ("127.0.0.1", "8000")


def test_the_serving_configuration_comes_from_the_environment(capsys, clean_environment):
    for name, value in {"WEB_CONCURRENCY": "3", "WEB_THREADS": "2", "HOST": "0.0.0.0", "PORT": "9001",  # noqa: S104
                        "WEB_BACKLOG": "512", "LOG_LEVEL": "WARNING"}.items():  # fmt: skip
        clean_environment.setenv(name, value)
    command = _command(capsys)
    assert _option(command, "--workers") == "3"
    assert _option(command, "--blocking-threads") == "2"
    assert (_option(command, "--host"), _option(command, "--port")) == ("0.0.0.0", "9001")  # noqa: S104
    assert _option(command, "--backlog") == "512"
    assert _option(command, "--log-level") == "warning"


def test_the_production_command_serves_and_refuses_a_stale_request_at_once(tmp_path):
    """The whole path: granian started by `manage.py serve`, a request the proxy stamped 5 s ago, a 503."""
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",  # neither request below reads it
        "REDIS_URL": "",
        "WEB_CONCURRENCY": "1",
        "WEB_THREADS": "1",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve"], cwd=BASE_DIR, env=environment, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert requests.get(f"http://127.0.0.1:{port}/livez", timeout=5).status_code == 200
                break
            except requests.ConnectionError:  # still starting
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.2)
        stale = requests.get(
            f"http://127.0.0.1:{port}/en/proposals/",
            headers={"X-Request-Start": f"t={time.time() - 5:.3f}"},
            timeout=10,
        )
        assert stale.status_code == 503 and stale.headers["Retry-After"]
        assert "very busy" in stale.text
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
