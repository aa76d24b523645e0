"""The real path: a task travels through Redis to a Celery worker, and its effect is seen here."""

import threading

import pytest
import redis
from django.core import mail
from django.core.cache import cache

from portal.core.tasks import HEARTBEAT_KEY, record_worker_heartbeat
from portal.notifications.email import email_to_payload
from portal.notifications.tasks import send_email_message
from tests.conftest import real_worker_for_test, wait_until
from tests.services import redis_url_or_skip

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
    record_worker_heartbeat.delay()  # what beat sends every minute
    assert wait_until(lambda: cache.get(HEARTBEAT_KEY) is not None)


@pytest.mark.django_db(transaction=True)
def test_a_consumer_left_behind_takes_nothing_of_a_later_test(settings):
    """What made these tests fail now and then: an earlier worker's connection, still blocked in BRPOP on the
    queue the run shared, was handed the next test's message first (Redis serves the longest waiting).
    Each test's worker now has a queue of its own (`queue_of_a_test`)."""
    redis_url = redis_url_or_skip()
    shared_queue = settings.CELERY_TASK_DEFAULT_QUEUE
    stray = redis.Redis.from_url(redis_url, socket_timeout=120, client_name="stray-consumer")
    taken = []

    def wait_for_a_message():
        try:
            taken.append(stray.brpop([shared_queue], timeout=90))
        except redis.RedisError as error:
            taken.append(error)

    waiting = threading.Thread(target=wait_for_a_message)
    waiting.start()
    try:
        assert wait_until(lambda: _stray_is_waiting(redis_url), timeout=10)
        with real_worker_for_test() as app:
            cache.delete(HEARTBEAT_KEY)
            record_worker_heartbeat.delay()
            assert wait_until(lambda: cache.get(HEARTBEAT_KEY) is not None)
            assert app.conf.task_default_queue != shared_queue
    finally:
        # What the stray takes first, once the test is over, says whether it took anything before.
        releasing = redis.Redis.from_url(redis_url)
        releasing.lpush(shared_queue, b"released")
        releasing.close()
        waiting.join()
        stray.close()
    assert taken == [(shared_queue.encode(), b"released")], "the stray consumer took a message of this test"


def _stray_is_waiting(redis_url: str) -> bool:
    client = redis.Redis.from_url(redis_url)
    try:
        return any(
            entry.get("name") == "stray-consumer" and entry.get("cmd") == "brpop"
            for entry in client.client_list()
        )
    finally:
        client.close()
