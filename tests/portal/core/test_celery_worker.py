"""The real path: a task travels through Redis to a Celery worker, and its effect is seen here."""

import pytest
from django.core import mail
from django.core.cache import cache

from portal.core.tasks import HEARTBEAT_KEY, record_worker_heartbeat
from portal.notifications.email import email_to_payload
from portal.notifications.tasks import send_email_message
from tests.conftest import wait_until

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_task_sent_through_redis_is_run_by_a_worker(real_worker):
    message = mail.EmailMessage("Сәлем", "Body", "portal@example.test", ["someone@example.test"])
    result = send_email_message.apply_async(args=[email_to_payload(message)])
    # The broker carried it: the worker (another thread, its own connection) ran it.
    result_state = wait_until(lambda: len(mail.outbox) == 1)
    assert result_state, "the worker did not deliver the message"
    assert mail.outbox[0].subject == "Сәлем"
    assert mail.outbox[0].to == ["someone@example.test"]
    assert result.id


@pytest.mark.django_db(transaction=True)
def test_periodic_heartbeat_runs_on_the_worker(real_worker):
    cache.delete(HEARTBEAT_KEY)
    # Sent again every few seconds, as beat sends it every minute: on the shared test broker a message can
    # go to a worker that an earlier test is still shutting down, which takes it and never runs it.
    for _attempt in range(6):
        record_worker_heartbeat.delay()
        if wait_until(lambda: cache.get(HEARTBEAT_KEY) is not None, timeout=5):
            break
    assert cache.get(HEARTBEAT_KEY) is not None
