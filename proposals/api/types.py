"""Patterns shared by the API's parameters: what the database can be asked about.

PostgreSQL refuses strings with NUL characters, so parameters that reach a query must not carry them.
"""

SLUG = r"^[-a-zA-Z0-9_]+$"
NO_NUL = r"^[^\x00]*$"
# Free text with something in it besides blanks, and no NUL character.
TEXT = r"^[^\x00]*[^\s\x00][^\x00]*$"
# The largest primary key a database column holds: a larger id in a path is refused with 422, not passed to
# the database, where it would overflow the integer type.
MAX_ID = 2**63 - 1
