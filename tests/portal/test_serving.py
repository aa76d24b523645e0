"""The production command (`gunicorn portal.wsgi` from the project directory) reads gunicorn.conf.py, and
every value there can be set from the environment (README, "Production")."""

import os
import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def _effective_config(**environment: str) -> dict[str, str]:
    inherited = {
        name: value for name, value in os.environ.items() if not name.startswith(("GUNICORN_", "WEB_"))
    }
    output = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "portal.wsgi"],
        cwd=BASE_DIR,
        env={**inherited, **environment},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return dict(re.findall(r"^(\w+)\s+= (.*)$", output, re.MULTILINE))


def test_the_production_command_uses_sync_workers_one_per_core():
    config = _effective_config()
    assert config["config"] == "./gunicorn.conf.py"
    assert config["worker_class"] == "sync"
    assert config["workers"] == str(os.cpu_count())


def test_the_serving_configuration_comes_from_the_environment():
    config = _effective_config(
        WEB_CONCURRENCY="3", GUNICORN_BIND="127.0.0.1:9001", GUNICORN_TIMEOUT="20", GUNICORN_BACKLOG="512"
    )
    assert config["workers"] == "3"
    assert config["bind"] == "['127.0.0.1:9001']"
    assert config["timeout"] == "20"
    assert config["backlog"] == "512"
