"""Release steps run `manage.py migrate`/`collectstatic` by hand: with the units' environment file linked as
`.env` beside manage.py (docs/DEPLOYMENT.md), they use the production settings and database it names, not
the development defaults (SQLite in the checkout, no static manifest)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

ENV_FILE = """# as deploy/env.example
DJANGO_SETTINGS_MODULE=portal.settings.production
SECRET_KEY=a-production-secret-key-of-more-than-fifty-characters-with-variety-9Xq
ALLOWED_HOSTS=qatysu.example.kz
DATABASE_URL=postgres://qatysu:secret@127.0.0.1:9/qatysu
REDIS_URL=redis://127.0.0.1:9/0
DEFAULT_FROM_EMAIL=Qatysu <no-reply@qatysu.example.kz>
"""

PRINT = (
    "from django.conf import settings as s; "
    "print(s.SETTINGS_MODULE, s.DATABASES['default']['NAME'], s.DEFAULT_FROM_EMAIL, s.STORAGES['staticfiles']['BACKEND'])"
)


def _run(directory: Path, **extra) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "DEFAULT_FROM_EMAIL"):
        env.pop(name, None)
    env.update(PYTHONPATH=str(BASE_DIR), **extra)
    return subprocess.run(
        [sys.executable, str(directory / "manage.py"), "shell", "-c", PRINT], cwd=directory, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_manage_py_takes_the_settings_module_from_the_env_file_beside_it(tmp_path):
    shutil.copy(BASE_DIR / "manage.py", tmp_path / "manage.py")
    (tmp_path / "environment").write_text(ENV_FILE)
    (tmp_path / ".env").symlink_to(tmp_path / "environment")
    result = _run(tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    printed = result.stdout.strip().splitlines()[-1]
    assert printed.split()[:2] == ["portal.settings.production", "qatysu"]
    assert "Qatysu <no-reply@qatysu.example.kz>" in printed
    assert "CompressedManifestStaticFilesStorage" in printed


def test_the_environment_still_wins_over_the_env_file(tmp_path):
    shutil.copy(BASE_DIR / "manage.py", tmp_path / "manage.py")
    (tmp_path / ".env").write_text(ENV_FILE)
    result = _run(tmp_path, DJANGO_SETTINGS_MODULE="portal.settings.dev")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1].split()[0] == "portal.settings.dev"
