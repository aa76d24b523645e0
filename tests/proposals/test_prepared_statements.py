"""The hand-written statements of every signed-in request and of a support are prepared once per connection
on PostgreSQL (portal.core.rows.prepared_cursor): planning them cost more than running them."""

import pytest
from django.db import connection
from django.test import Client

from portal.accounts import standing_memory
from portal.accounts.backends import _viewer_sql
from portal.core.rows import prepared_cursor

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"),
]


def _executions_of(sql: str) -> int:
    """How often this connection's prepared statement for `sql` ran (0 when it was never prepared)."""
    wanted = " ".join(sql.split())[:80]
    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return sum(
            count for statement, count in cursor.fetchall() if " ".join(statement.split())[:80] == wanted
        )


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _viewer_statement() -> str:
    # psycopg sends the statement with `$1`-style placeholders: compare the text before the first one.
    return _viewer_sql().split("%(")[0]


def test_the_signed_in_persons_query_is_prepared_and_then_only_executed(citizen, published):
    client = _signed_in(citizen)
    client.get(f"/en/proposals/{published.pk}/")
    before = _executions_of(_viewer_statement())
    for _ in range(3):
        # Each time read from the database, not from what the process kept of the reader (standing_memory).
        standing_memory.forget_all()
        assert client.get(f"/en/proposals/{published.pk}/").status_code == 200
    assert _executions_of(_viewer_statement()) == before + 3


def test_behind_a_pooler_that_cannot_keep_statements_nothing_is_prepared(citizen, published):
    client = _signed_in(citizen)
    client.get("/en/proposals/")
    before = _executions_of(_viewer_statement())
    psycopg_connection = connection.connection
    psycopg_connection.prepare_threshold = None  # what settings set for DATABASE_POOLER=pgbouncer
    try:
        assert client.get("/en/proposals/").status_code == 200
        with prepared_cursor() as cursor:
            cursor.execute("SELECT %(one)s::int", {"one": 1})
            assert cursor.fetchone() == (1,)
    finally:
        psycopg_connection.prepare_threshold = 0
    assert _executions_of(_viewer_statement()) == before


def test_a_prepared_statement_returns_what_the_ordinary_cursor_does(citizen):
    with prepared_cursor() as cursor:
        cursor.execute("SELECT id, email FROM accounts_user WHERE id = %(pk)s", {"pk": citizen.pk})
        assert cursor.fetchone() == (citizen.pk, citizen.email)
