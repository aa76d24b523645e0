"""What the API's modules share: the patterns of parameters (what the database can be asked about), the shape
of a text in every language, and the shape of a page of a list.

PostgreSQL refuses strings with NUL characters, so parameters that reach a query must not carry them.
"""

from collections.abc import Callable, Iterable
from enum import StrEnum

from django.db.models import QuerySet
from ninja import Field, Schema

SLUG = r"^[-a-zA-Z0-9_]+$"
NO_NUL = r"^[^\x00]*$"
# Free text with something in it besides blanks, and no NUL character.
TEXT = r"^[^\x00]*[^\s\x00][^\x00]*$"
# The largest primary key a database column holds: a larger id in a path is refused with 422, not passed to
# the database, where it would overflow the integer type.
MAX_ID = 2**63 - 1
LANGUAGE_CODES = ("kk", "ru", "en")
PAGE_PARAMETERS = {"page", "page_size"}


def codes(name: str, choices: Iterable) -> type[StrEnum]:
    """The codes of a model's choices as an enum, which the OpenAPI document lists: a client generated from
    it knows every value a field can take."""
    return StrEnum(name, {choice.name: choice.value for choice in choices})


LanguageCode = StrEnum("LanguageCode", {code.upper(): code for code in LANGUAGE_CODES})


class Translated(Schema):
    """A text in each language of the portal."""

    kk: str
    ru: str
    en: str


def translated(obj, name: str) -> dict[str, str]:
    """`obj.<name>_kk`, `<name>_ru` and `<name>_en` as a `Translated`."""
    return {code: getattr(obj, f"{name}_{code}") for code in LANGUAGE_CODES}


class Page(Schema):
    """The query of a list that has no filters: every list takes these, so one client pages them all alike."""

    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


def page_of(queryset: QuerySet, *, page: int, page_size: int, out: Callable[[object], dict]) -> dict:
    """One page of `queryset` in the shape every list answers with: `{"count": N, "results": [...]}`."""
    start = (page - 1) * page_size
    return {"count": queryset.count(), "results": [out(row) for row in queryset[start : start + page_size]]}
