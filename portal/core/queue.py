"""Enqueueing Celery tasks after commit without letting a broker outage break the request.

The row that a task would act on is already committed; if the broker cannot take the task, a periodic sweep
finds the row later (see CELERY_BEAT_SCHEDULE), so the request succeeds and nothing is lost.

Services name their tasks by string ("proposals.tasks.screen_proposal"): tasks call services, so a service
that imported its task module would close an import cycle.
"""

import logging
from importlib import import_module

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def task_named(name: str):
    """The task registered as `name` ("app.tasks.function"). Web processes import task modules only when
    a worker would (Celery's autodiscovery is lazy), so the module is imported here on first use."""
    if name not in current_app.tasks:
        import_module(name.rpartition(".")[0])
    return current_app.tasks[name]


def enqueue_on_commit(task, *args, on_failure=None, countdown=None) -> None:
    """Queues `task` (a task or its registered name) with `args` once the current transaction commits;
    `on_failure(*args)` runs instead when the broker cannot take it."""

    def send():
        resolved = task_named(task) if isinstance(task, str) else task
        try:
            resolved.apply_async(args=args, retry=False, countdown=countdown)
        except (BrokerError, RedisError, ConnectionError, OSError) as error:
            logger.warning(
                "broker unavailable, %s left for the sweep: %s", resolved.name, type(error).__name__
            )
            if on_failure is not None:
                on_failure(*args)

    transaction.on_commit(send)
