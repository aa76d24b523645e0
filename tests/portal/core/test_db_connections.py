"""Django's health check of a persistent connection (`SELECT 1` before a request's first query) is skipped for
a connection that served a request without error less than a second ago, and runs as before after longer
idleness (portal/core/postgresql/base.py, the ENGINE of every PostgreSQL database)."""

import psycopg
import pytest
from django.core.signals import request_finished, request_started
from django.db import connection

from portal.core.postgresql import base

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="persistent connections with health checks: PostgreSQL"
    ),
]


@pytest.fixture
def checks(monkeypatch):
    """Counts Django's health checks of the default connection, which sat idle for a while before the test."""
    connection.ensure_connection()
    monkeypatch.setattr(connection, "health_check_done", False)
    monkeypatch.setattr(connection, "served_at", None)
    # Not closed for its age (CONN_MAX_AGE) during the test: a new connection is not checked either.
    monkeypatch.setattr(connection, "close_at", None)
    monkeypatch.setattr(connection, "health_check_enabled", True)
    made = []
    usable = connection.is_usable

    def counted():
        made.append(1)
        return usable()

    monkeypatch.setattr(connection, "is_usable", counted)
    return made


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(base, "clock", lambda: now[0])
    return now


def _request(clock, idle_seconds: float) -> None:
    """A request after `idle_seconds` without one, with a query, as Django's handler signals it."""
    clock[0] += idle_seconds
    request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
    request_finished.send(sender=None)


def test_the_settings_use_the_backend():
    assert connection.settings_dict["ENGINE"] == "portal.core.postgresql"
    assert connection.vendor == "postgresql"


def test_a_connection_that_served_a_request_a_moment_ago_is_not_checked(checks, clock):
    _request(clock, idle_seconds=5)  # the first one is checked: nothing is known of the connection
    _request(clock, idle_seconds=0.2)
    _request(clock, idle_seconds=0.5)
    assert checks == [1]


def test_a_connection_idle_for_longer_is_checked_before_its_first_query(checks, clock):
    _request(clock, idle_seconds=5)
    _request(clock, idle_seconds=base.RECENT_SECONDS + 0.5)
    assert checks == [1, 1]


def test_a_request_without_queries_proves_nothing(checks, clock):
    _request(clock, idle_seconds=5)
    request_started.send(sender=None)
    request_finished.send(sender=None)
    clock[0] += 0.7
    _request(clock, idle_seconds=0.7)  # 1.4 s since the connection last ran a statement
    assert checks == [1, 1]


def test_a_connection_dropped_while_idle_is_replaced_before_the_first_query(checks, clock):
    _request(clock, idle_seconds=5)
    dropped = connection.connection
    # The server's side of a drop (a restart, an idle timeout of a proxy), from another session.
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [dropped.info.backend_pid])
    _request(clock, idle_seconds=base.RECENT_SECONDS + 5)
    assert connection.connection is not dropped
    assert checks == [1, 1]
