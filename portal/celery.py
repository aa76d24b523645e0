"""The Celery application. Every setting lives in Django settings under the CELERY_ namespace."""

import logging.config
import os

from celery import Celery
from celery.signals import beat_init, setup_logging, worker_init
from django.conf import settings
from django.core import checks

from portal.core.checks import SETTINGS_TAG

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Services queue tasks through `portal.core.queue.enqueue_on_commit`, after the commit: a worker never picks
# up a task for a row that is not committed yet (or never will be), and a broker outage leaves the row for a
# periodic sweep instead of failing the request.
app.autodiscover_tasks()


@setup_logging.connect
def use_the_portals_logging(**kwargs):
    """Workers and beat log through settings.LOGGING, as the web processes do. Without a receiver here,
    Celery replaces the root logger's handlers with its own: the redaction of personal data and secrets
    (portal.core.logging) and production's one-JSON-object-per-line format would be gone from every task's
    log lines."""
    logging.config.dictConfig(settings.LOGGING)


@worker_init.connect
@beat_init.connect
def refuse_to_start_misconfigured(**kwargs):
    """Workers and beat check the settings given in the environment, as `manage.py serve` does (Django's
    checks): a worker on SQLite or with a mistyped setting stops at once, saying which variable is wrong."""
    serious = [message for message in checks.run_checks(tags=[SETTINGS_TAG]) if message.is_serious()]
    if serious:
        raise SystemExit("\n".join(["The settings are wrong:", *map(str, serious)]))
