"""Enqueueing Celery tasks after commit without letting a broker outage break the request.

The row that a task would act on is already committed; if the broker cannot take the task, a periodic sweep
finds the row later (see CELERY_BEAT_SCHEDULE), so the request succeeds and nothing is lost.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, on_failure=None, countdown=None) -> None:
    def send():
        try:
            task.apply_async(args=args, retry=False, countdown=countdown)
        except (BrokerError, RedisError, ConnectionError, OSError) as error:
            logger.warning("broker unavailable, %s left for the sweep: %s", task.name, type(error).__name__)
            if on_failure is not None:
                on_failure(*args)

    transaction.on_commit(send)
