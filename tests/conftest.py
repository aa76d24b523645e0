import os

import pytest
from django.core.cache import cache

from portal.accounts import services as account_services
from portal.core.permissions import Role

from .factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls tests make around it
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _default_language():
    """Requests activate their language in the thread; every test starts from English, the language the tests
    assert messages in (pages pick their own language from the URL, as in production)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters and cached pages must not leak from one test into another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_privacy_notice_version():
    """The version in force is memoised per process; tests publish versions and flush tables."""
    from portal.accounts.privacy import forget_current_notice

    forget_current_notice()
    yield
    forget_current_notice()


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


def give_totp(user):
    """Sets up a TOTP authenticator for `user`; returns the secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_totp_code(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def real_worker(settings):
    """A Celery worker thread consuming from the Redis broker named by REDIS_URL (skips or fails without)."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app
    from tests.services import redis_url_or_skip

    redis_url = redis_url_or_skip()
    use_broker(app, redis_url)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        use_broker(app, None)


def use_broker(app, url):
    """Points the Celery app at another broker (None: back to in-process tasks), dropping cached pools."""
    from django.conf import settings

    if url is None:
        app.conf.update(task_always_eager=True, broker_url=settings.CELERY_BROKER_URL)
    else:
        app.conf.update(task_always_eager=False, broker_url=url)
    app._pool = None
    app.amqp._producer_pool = None


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
