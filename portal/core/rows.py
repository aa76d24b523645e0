"""Model instances from rows of hand-written SQL, for the few hottest reads.

A support through the API reads the token's owner and the proposal before its write. Built with the ORM,
composing and compiling those two queries cost more CPU than the rest of the request together
(bench/support_cpu.py, cProfile); their SQL is written once instead, and the rows become ordinary model
instances here, with Django's own conversions from database values (JSON, for instance).

On PostgreSQL they run as prepared statements (`prepared_cursor`): planning them cost PostgreSQL more than
running them (the signed-in person's query: 0.18 ms of planning, 0.04 ms of execution), on every request.
"""

import functools
from contextlib import contextmanager

from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import DEFERRED


@contextmanager
def prepared_cursor(using: str = "default"):
    """A cursor whose statements PostgreSQL plans once per connection and then only executes.

    Django binds parameters on the client (the query travels as text with its values, and is planned each
    time); this cursor binds them on the server, and the connection prepares every statement such a cursor
    runs (`prepare_threshold` 0 in settings). Only these few hand-written statements, each with a fixed
    text, run on it, so the statements kept per connection stay few. Where the connection does not prepare
    (SQLite, or behind PgBouncer in transaction mode, where a statement prepared on one server session is
    unknown to the next) it is Django's ordinary cursor; so it is while Django logs queries (DEBUG, or a test
    counting them), because the log reads a statement's text back from a client-binding cursor."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if _prepares(connection):
            cursor.cursor.close()
            cursor.cursor = ServerBindingCursor(connection.connection)
        yield cursor


def _prepares(connection) -> bool:
    return (
        connection.vendor == "postgresql"
        and connection.connection.prepare_threshold is not None
        and not connection.queries_logged
    )


def select_list(model, alias: str, field_names: list[str]) -> str:
    """`alias.column, …` for the fields, in the order `instance_from_row` expects them."""
    quote = connections["default"].ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in _fields(model, field_names))


def instance_from_row(model, field_names, values, *, using: str = "default"):
    """The instance a queryset would build from these columns (in `select_list` order); others deferred."""
    connection = connections[using]
    attnames, readers, places = _readers(model, tuple(field_names), connection.vendor, using)
    converted = list(values)
    if len(converted) != len(attnames):
        raise ValueError(f"{len(attnames)} columns expected, {len(converted)} read")
    for index, column, converters in readers:
        value = converted[index]
        for converter in converters:
            value = converter(value, column, connection)
        converted[index] = value
    # Every field's value or DEFERRED, in the model's order: given fewer values, `from_db` works that out
    # itself, with a membership test of each field in the names (a proposal's 26: 0.01 ms a row).
    if places is not None:
        converted = [DEFERRED if place is None else converted[place] for place in places]
    return model.from_db(using, attnames, converted)


@functools.cache
def _readers(model, field_names: tuple[str, ...], vendor: str, using: str):
    """The attribute names, and for each column that needs them, the conversions the ORM's compiler would
    apply: the backend's (SQLite's aware datetimes and booleans, for instance), then the field's own (JSON).
    Worked out once per process: looking them up for each value cost more than the query it read (the
    signed-in person's 16 columns on every request)."""
    connection = connections[using]
    fields = _fields(model, list(field_names))
    readers = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            readers.append((index, column, tuple(converters)))
    position = {field.attname: index for index, field in enumerate(fields)}
    places = tuple(position.get(field.attname) for field in model._meta.concrete_fields)
    complete = len(fields) == len(model._meta.concrete_fields)
    return [field.attname for field in fields], tuple(readers), None if complete else places


def _fields(model, field_names: list[str]) -> list:
    """The concrete fields named, in the model's order (the order `Model.from_db` reads values in)."""
    wanted = {model._meta.get_field(name).attname for name in field_names}
    return [field for field in model._meta.concrete_fields if field.attname in wanted]
