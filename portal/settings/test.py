"""Tests: `make test`. Uses DATABASE_URL and REDIS_URL when set, like production would."""

import os

from portal.core.redis_probe import redis_answers

from .base import *  # noqa: F401,F403
from .base import CACHES, DATABASES, REDIS_URL, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-that-is-long-enough-for-checks-0123456789"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PORTAL_STAFF_MFA = env("PORTAL_STAFF_MFA", default="required")
# Unit tests run tasks in-process; the Celery integration test switches to the real broker itself.
CELERY_TASK_ALWAYS_EAGER = True
# A queue of this test run's own on the broker (named once, in the first process, and inherited by the
# parallel workers and the processes tests start): another run on the same Redis database, or the worker of
# an interrupted run, neither takes this run's tasks nor hands it its own.
CELERY_TASK_DEFAULT_QUEUE = os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", f"portal-test-{os.getpid()}")


if REDIS_URL and env("REQUIRE_SERVICES", default="0") != "1" and not redis_answers(REDIS_URL):
    # A developer's REDIS_URL points nowhere: keep the cache local so that only the tests that need Redis
    # are affected (they skip with the reason). Under REQUIRE_SERVICES=1 everything fails loudly instead.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    # Separate the test run's keys from anything else on the same Redis database, and each parallel worker's
    # (pytest-xdist names them gw0, gw1, ...) from the others', so that one's `cache.clear()` spares the rest.
    CACHES["default"]["KEY_PREFIX"] = "-".join(
        filter(None, ["portal-test", env("PYTEST_XDIST_WORKER", default="")])
    )
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# As a deployment has it, so /.well-known/security.txt answers (tests of the unset case override it).
SECURITY_CONTACT = ["security@qatysu.test"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The replica's tests (tests/portal/core/test_db_routing.py) read through a second connection to the test
# database and turn the router on themselves; every other test reads from the primary alone.
if DATABASES["default"]["ENGINE"] == "portal.core.postgresql":
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = []
