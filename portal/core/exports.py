"""The parts of a person's "download my data" archive that list the rows of one model. Each part is a table
of columns, so that every app's parts read alike and write the same JSON."""

from collections.abc import Callable


def iso(value) -> str | None:
    """A date or a time in ISO 8601, as stored; None when there is none."""
    return value.isoformat() if value is not None else None


def at(field: str) -> Callable:
    """A column with the date or time `field` of the row, in ISO 8601."""
    return lambda row: iso(getattr(row, field))


def rows_export(rows: Callable, columns: dict) -> Callable[[object], list[dict]]:
    """The export of the rows `rows(user)` selects, in id order, one object a row with the keys of `columns`:
    each column is the name of an attribute of the row, or a function of the row."""

    def export(user) -> list[dict]:
        return [
            {
                name: column(row) if callable(column) else getattr(row, column)
                for name, column in columns.items()
            }
            for row in rows(user).order_by("pk")
        ]

    return export
