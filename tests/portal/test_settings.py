import os
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from portal.celery import app

BASE_DIR = settings.BASE_DIR


def test_time_zone_is_almaty_at_utc_plus_five():
    assert settings.TIME_ZONE == "Asia/Almaty"
    assert settings.USE_TZ is True
    # Kazakhstan moved to a single UTC+5 zone on 1 March 2024; older tzdata still says +6.
    assert datetime(2025, 6, 1, 12, tzinfo=ZoneInfo("Asia/Almaty")).utcoffset().total_seconds() == 5 * 3600


def test_celery_is_configured_for_reliability():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert conf.task_soft_time_limit < conf.task_time_limit < visibility
    assert conf.beat_schedule, "the beat schedule lives in settings"


def test_celery_tasks_are_django_tasks_with_delay_on_commit():
    from portal.notifications.tasks import send_email_message

    assert hasattr(send_email_message, "delay_on_commit")


def _settings_env(**extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(extra)
    return env


def test_production_settings_pass_deploy_check():
    env = _settings_env(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="a-production-secret-key-of-more-than-fifty-characters-with-variety-9Xq!",
        ALLOWED_HOSTS="qatysu.example.kz",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_ci"),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
        PORTAL_TRUSTED_PROXY_HOPS="1",  # behind nginx, as deploy/env.example
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = _settings_env(DJANGO_SETTINGS_MODULE="portal.settings.production", ALLOWED_HOSTS="x.kz")
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_staff_mfa_defaults_to_required():
    env = _settings_env(
        DJANGO_SETTINGS_MODULE="portal.settings.production", SECRET_KEY="k" * 60, ALLOWED_HOSTS="x.kz"
    )
    env.pop("PORTAL_STAFF_MFA", None)
    code = "from django.conf import settings; print(settings.PORTAL_STAFF_MFA)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "required", result.stderr


def _production_env(**extra):
    env = _settings_env(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="a-production-secret-key-of-more-than-fifty-characters-with-variety-9Xq!",
        ALLOWED_HOSTS="qatysu.example.kz,www.qatysu.example.kz",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_ci"),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
    )
    env.pop("SITE_URL", None)
    env.update(extra)
    return {key: value for key, value in env.items() if value is not None}


def test_the_web_server_refuses_to_start_in_production_on_sqlite_or_without_redis():
    """`manage.py serve` runs the checks before it starts granian: the operator reads which variable is
    missing at once, rather than a site that quietly writes to a file in the checkout."""
    env = _production_env(DATABASE_URL=None, REDIS_URL=None)
    result = subprocess.run(
        [sys.executable, "manage.py", "serve", "--print"], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "portal.E041" in result.stderr and "DATABASE_URL" in result.stderr
    assert "portal.E042" in result.stderr and "REDIS_URL" in result.stderr
    assert "Traceback" not in result.stderr
    started = subprocess.run(
        [sys.executable, "manage.py", "serve", "--print"], cwd=BASE_DIR, env=_production_env(),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    assert "granian" in started.stdout


def test_production_links_name_the_site_over_https_without_site_url():
    code = "from django.conf import settings as s; print(s.SITE_URL, s.ACCOUNT_DEFAULT_HTTP_PROTOCOL)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=BASE_DIR, env=_production_env(),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.stdout.split() == ["https://qatysu.example.kz", "https"], result.stderr


def test_production_mail_is_sent_from_the_sites_domain_without_default_from_email():
    """The development sender, no-reply@qatysu.local, names a domain without DNS: receiving servers refuse it."""
    code = "from django.conf import settings as s; print(s.DEFAULT_FROM_EMAIL, '|', s.SERVER_EMAIL)"
    env = _production_env(DEFAULT_FROM_EMAIL=None)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=BASE_DIR, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (
        result.stdout.strip() == "Qatysu <no-reply@qatysu.example.kz> | Qatysu <no-reply@qatysu.example.kz>"
    ), result.stderr
