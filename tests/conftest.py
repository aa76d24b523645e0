import contextlib
import os

import pytest
from django.core.cache import cache
from django.db import connection, connections
from pytest_django.plugin import blocking_manager_key

from portal.accounts import services as account_services
from portal.accounts import sessions, standing_memory
from portal.core import ratelimit, shared_pages
from portal.core.roles import Role
from proposals.selectors import reader_facts

from .factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls tests make around it
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Fixtures that make pytest-django run a test outside a transaction and empty every table afterwards.
_FLUSHING_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool(_FLUSHING_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(items):
    """Tests needing the shared services run on one parallel worker. Transactional tests roll back to the rows the migrations created (the privacy notice, the site, the role
    groups) instead of leaving empty tables behind, so that no test depends on running before them: random
    order, several workers and `--reuse-db` all see the same database."""
    for item in items:
        # Tests of real workers, web processes and drills share the Redis broker's queues and the machine's
        # ports and cores: with `--dist loadgroup`, one parallel worker runs them one after another.
        if item.get_closest_marker("services"):
            item.add_marker(pytest.mark.xdist_group("services"))
            # They share ports and cores, and wait on timings: such a test runs again (the report lists every
            # rerun, so a real failure stays visible). Their broker queues are their own (`queue_of_a_test`).
            item.add_marker(pytest.mark.flaky(reruns=2))
            item.fixturenames.insert(0, "_broker_queues_empty")
        if _flushes_the_database(item):
            marker = item.get_closest_marker("django_db")
            kwargs = {**(marker.kwargs if marker else {}), "transaction": True, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*(marker.args if marker else ()), **kwargs), append=False)
            item.fixturenames.append("_migration_rows_back_at_the_end")


# What the test databases were set up with, by alias: the rows the migrations created (serialized by
# Django for `serialized_rollback`) and the settings of a mirror (the `replica` alias reads the test database).
_SERIALIZED_ROWS: dict[str, str] = {}
_MIRROR_SETTINGS: dict[str, dict] = {}
_CONNECTIONS_SEEN: dict[int, object] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Remembers the test state Django keeps on the connection objects it set the databases up on, and closes
    every connection object of the test thread before the databases are dropped (after a browser test there
    are two sets, below, and Django closes only the one it hands out then)."""
    for alias in connections:
        connection = connections[alias]
        _CONNECTIONS_SEEN[id(connection)] = connection
        if hasattr(connection, "_test_serialized_contents"):
            _SERIALIZED_ROWS[alias] = connection._test_serialized_contents
        if connection.settings_dict["TEST"].get("MIRROR"):
            _MIRROR_SETTINGS[alias] = connection.settings_dict
    yield
    for connection in _CONNECTIONS_SEEN.values():
        connection.close()


def _test_state_on_the_current_connections() -> None:
    """Playwright's sync API marks an asyncio loop as running in the test thread from the first browser test
    on (the browser lives for the session). Django then keeps that thread's connections per context: the
    objects `connections` hands out are new ones, without the serialized rows (so the flush re-created the
    content types and the site under new keys, and nothing was put back) and, for the replica, without the
    mirror's settings (it pointed at the database named in DATABASE_URL). They get that state here."""
    if not _SERIALIZED_ROWS and not _MIRROR_SETTINGS:
        return  # no database set up (yet)
    for alias in connections:
        _CONNECTIONS_SEEN.setdefault(id(connections[alias]), connections[alias])
    for alias, contents in _SERIALIZED_ROWS.items():
        connection = connections[alias]
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = contents
    for alias, settings_dict in _MIRROR_SETTINGS.items():
        connection = connections[alias]
        if connection.settings_dict is not settings_dict:
            connection.close()
            connection.settings_dict = settings_dict


def _restore_migration_rows() -> None:
    _test_state_on_the_current_connections()
    for alias, contents in _SERIALIZED_ROWS.items():
        connections[alias].creation.deserialize_db_from_string(contents)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_fixture_setup(fixturedef, request):
    """Just before pytest-django sets a test's database up (Django puts the rows back there), not when the test's
    setup starts: session fixtures come first, and the one that starts Playwright (the `browser` of the browser
    tests) changes the connection objects of the test thread in between."""
    if fixturedef.argname == "_django_db_helper":
        _test_state_on_the_current_connections()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Django puts the serialized rows back when the next transactional test starts; put them back at once
    when a test in a transaction comes next (after the last test, the fixture below does it)."""
    _test_state_on_the_current_connections()  # the flush reads it
    result = yield
    if _flushes_the_database(item) and nextitem is not None and not _flushes_the_database(nextitem):
        with item.config.stash[blocking_manager_key].unblock():
            _restore_migration_rows()
    return result


@pytest.fixture(scope="session")
def _migration_rows_back_at_the_end(django_db_setup, django_db_blocker):
    """A database kept by `--reuse-db` ends with the migrations' rows, not emptied by the last flush."""
    yield
    with django_db_blocker.unblock():
        _restore_migration_rows()


@pytest.fixture(autouse=True)
def _default_language():
    """Requests activate their language in the thread; every test starts from English, the language the tests
    assert messages in (pages pick their own language from the URL, as in production)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


# SQLite locks the whole database for a writer: a second connection cannot read meanwhile (CI: PostgreSQL).
needs_concurrent_connections = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="needs a database that serves concurrent connections"
)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters, cached pages, kept personal parts, kept standings and kept proposal facts must not leak from one test
    into another (a rolled-back database gives the next test's people the ids of the last one's)."""
    cache.clear()
    shared_pages.forget_personal_parts()
    standing_memory.forget_all()
    sessions.forget_owners()
    reader_facts.forget_all()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _rate_limit_window_held_still(monkeypatch):
    """Every attempt of a test falls in one window of the fixed-window limiter, however slow the machine: a test
    that straddled a minute boundary on a busy CI machine let more than the limit through."""
    now = ratelimit.clock()
    monkeypatch.setattr(ratelimit, "clock", lambda: now)


@pytest.fixture(autouse=True)
def _fresh_privacy_notice_version():
    """The version in force is memoised per process; tests publish versions and flush tables."""
    from portal.accounts.privacy import forget_current_notice

    forget_current_notice()
    yield
    forget_current_notice()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor():
    """`Client.force_login` stands for a complete sign-in: a person with an authenticator has also passed it,
    as allauth's login would have demanded. Real sign-ins through the login page are left to allauth."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.signals import user_logged_in

    def record(sender, request, user, **kwargs):
        if request.path:  # a real request: allauth records what was passed
            return
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is not None:
            record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)

    user_logged_in.connect(record, dispatch_uid="tests-force-login-second-factor")
    yield
    user_logged_in.disconnect(dispatch_uid="tests-force-login-second-factor")


@pytest.fixture
def citizen(db):
    return UserFactory(display_name="Aigerim", email="aigerim@example.test")


@pytest.fixture
def other_citizen(db):
    return UserFactory(display_name="Timur", email="timur@example.test")


def _with_role(role: Role, **kwargs):
    user = UserFactory(**kwargs)
    account_services.user_grant_role(user=user, role=role, granted_by=None)
    return user


@pytest.fixture
def moderator(db):
    return _with_role(Role.MODERATOR, display_name="Moderator Dana", email="dana@example.test")


@pytest.fixture
def commissioner(db):
    return _with_role(Role.COMMISSION, display_name="Commissioner Erlan", email="erlan@example.test")


@pytest.fixture
def admin_user(db):
    return _with_role(Role.ADMIN, display_name="Admin Saule", email="saule@example.test")


@pytest.fixture
def auditor(db):
    return _with_role(Role.AUDITOR, display_name="Auditor Gulnara", email="gulnara@example.test")


def give_totp(user):
    """Sets up a TOTP authenticator for `user`; returns the secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def sign_in_staff(client, user):
    """Signs `user` in on `client` with a second factor set up, as staff pages require; returns the client."""
    give_totp(user)
    client.force_login(user)
    return client


def current_totp_code(secret: str) -> str:
    """The code of the current 30-second window, taken early enough in it to be submitted within it: allauth
    accepts only the current window, and a code read in its last seconds expired before the form was sent."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    left = 30 - time.time() % 30
    if left < 8:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def _broker_queues_empty():
    """A test of the shared services starts and leaves the test broker's queues empty (tests/services.py)."""
    from django.conf import settings

    from portal.core.redis_probe import redis_answers
    from tests.services import empty_the_broker_queues

    reachable = bool(settings.REDIS_URL) and redis_answers(settings.REDIS_URL)  # else the test skips itself
    if reachable:
        empty_the_broker_queues(settings.REDIS_URL)
    yield
    if reachable:
        empty_the_broker_queues(settings.REDIS_URL)


@pytest.fixture
def real_worker():
    """A Celery worker thread consuming from the Redis broker named by REDIS_URL (skips or fails without)."""
    with real_worker_for_test() as app:
        yield app


@contextlib.contextmanager
def real_worker_for_test():
    """The worker of `real_worker`. It and the test share a queue of their own (`queue_of_a_test`): a message
    of this test cannot go to a consumer that an earlier test left behind, and an earlier test's leftovers
    are not handed to this one."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app
    from tests.services import redis_url_or_skip

    redis_url = redis_url_or_skip()
    use_broker(app, redis_url, queue=queue_of_a_test("worker"))
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        use_broker(app, None)


def queue_of_a_test(purpose: str) -> str:
    """A broker queue for one test: named after the run's (so that the services tests' cleanup deletes what is
    left in it) and unique to the test."""
    import uuid

    from django.conf import settings

    return f"{settings.CELERY_TASK_DEFAULT_QUEUE}-{purpose}-{uuid.uuid4().hex[:8]}"


def use_broker(app, url, queue: str | None = None):
    """Points the Celery app at another broker (None: back to in-process tasks) and queue (None: the run's),
    dropping cached pools and the cached queue map, routes and producer."""
    from django.conf import settings

    if url is None:
        app.conf.update(task_always_eager=True, broker_url=settings.CELERY_BROKER_URL)
    else:
        app.conf.update(task_always_eager=False, broker_url=url)
    app.conf.task_default_queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
    app._pool = None
    app.__dict__.pop("amqp", None)  # a cached property: rebuilt from the configuration above when next read


def wait_until(predicate, timeout: float = 30.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def second_commissioner(db):
    return _with_role(Role.COMMISSION, display_name="Commissioner Gulnara", email="gulnara@example.test")
