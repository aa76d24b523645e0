"""Model instances from rows of hand-written SQL, for the few hottest reads.

A support through the API reads the token's owner and the proposal before its write. Built with the ORM,
composing and compiling those two queries cost more CPU than the rest of the request together
(bench/support_cpu.py, cProfile); their SQL is written once instead, and the rows become ordinary model
instances here, with Django's own conversions from database values (JSON, for instance).
"""

from django.db import connections


def select_list(model, alias: str, field_names: list[str]) -> str:
    """`alias.column, …` for the fields, in the order `instance_from_row` expects them."""
    quote = connections["default"].ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in _fields(model, field_names))


def instance_from_row(model, field_names: list[str], values, *, using: str = "default"):
    """The instance a queryset would build from these columns (in `select_list` order); others deferred."""
    connection = connections[using]
    fields = _fields(model, field_names)
    converted = [
        _converted(connection, model, field, value) for field, value in zip(fields, values, strict=True)
    ]
    return model.from_db(using, [field.attname for field in fields], converted)


def _converted(connection, model, field, value):
    """The value as the ORM's compiler would hand it over: the backend's conversions (SQLite's aware
    datetimes and booleans, for instance), then the field's own (JSON)."""
    column = field.get_col(model._meta.db_table)
    for converter in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
        value = converter(value, column, connection)
    return value


def _fields(model, field_names: list[str]) -> list:
    """The concrete fields named, in the model's order (the order `Model.from_db` reads values in)."""
    wanted = {model._meta.get_field(name).attname for name in field_names}
    return [field for field in model._meta.concrete_fields if field.attname in wanted]
