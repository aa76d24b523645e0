"""People's text as the portal keeps it (`plain_text`, applied to every form by `NormalisedInputMixin` and to
every API input schema by `NormalisedSchema`), and case-insensitive matching on every database.

SQLite's LOWER and LIKE fold ASCII letters only, so "Права" never matched "права". A Python `casefold` is
registered on each SQLite connection under `CASEFOLD_FUNCTION` (Unicode-aware, deterministic), and
`Casefold` calls it; on PostgreSQL `Casefold` is LOWER, which folds Cyrillic in UTF-8 databases.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import Func, TextField
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import field_validator
from slugify import slugify

CASEFOLD_FUNCTION = "portal_casefold"


def _casefold(value):
    return value.casefold() if isinstance(value, str) else value


def register_casefold(sender, connection, **kwargs) -> None:
    """`connection_created` receiver (connected in CoreConfig.ready)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(CASEFOLD_FUNCTION, 1, _casefold, deterministic=True)


class Casefold(Func):
    function = "LOWER"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function=CASEFOLD_FUNCTION, **extra_context)


# Line breaks and tabs are text; every other control character (C0, DEL, C1) is not, and is a parse error
# in HTML (the Nu checker found them on pages showing stored proposals). Private-use, surrogate and unassigned
# code points (noncharacters among them) and the bidi embeddings, overrides and isolates can disguise text.
_KEPT_CONTROLS = {"\n", "\t"}
_REMOVED_CATEGORIES = frozenset({"Cc", "Co", "Cs", "Cn"})
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters that draw nothing: the Hangul fillers, the blank Braille pattern, the Mongolian vowel separator.
# With the format characters (zero-width space and joiners, marks, tags) they make text that looks blank
# but passes a check for white space: a title of them showed as an empty heading.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
# Combining marks kept in a row on one letter. After NFC, Kazakh, Russian and English need none, Vietnamese
# one, a keycap emoji two, the scripts with most (Devanagari, Hebrew with points) three or four; a stack of
# dozens ("Zalgo" text) draws over the lines above and below it, over others' comments and staff badges.
MAX_COMBINING_RUN = 4
_COMBINING = frozenset({"Mn", "Me"})


def plain_text(value: str) -> str:
    """`value` in NFC with Windows and old Mac line ends as "\n", without the characters above; "" when
    what is left shows nothing but has more than white space in it, so that it is refused or left out as
    an empty value would be. Zero-width characters inside visible text stay (emoji and some scripts join
    letters with them)."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = "".join(char for char in value if char in _KEPT_CONTROLS or not _unwanted(char))
    value = _combining_runs_capped(value)
    if value.strip() and all(_shows_nothing(char) for char in value):
        return ""
    return value


def _combining_runs_capped(value: str) -> str:
    kept, run = [], 0
    for char in value:
        run = run + 1 if unicodedata.category(char) in _COMBINING else 0
        if run <= MAX_COMBINING_RUN:
            kept.append(char)
    return "".join(kept)


def _shows_nothing(char: str) -> bool:
    return char.isspace() or char in _BLANK_LETTERS or unicodedata.category(char) == "Cf"


def shown_length(text: str) -> int:
    """How many characters of `text` a reader sees, for the minimum lengths of reasons (a moderator's
    statement, an appeal's grounds, an account block's reason): zero-width and other format characters and
    blank letters draw nothing, so "x" followed by nineteen zero-width spaces is one character of reasons,
    not twenty; a run of white space counts as one."""
    visible = "".join(char for char in text if char.isspace() or not _shows_nothing(char))
    return len(" ".join(visible.split()))


def _unwanted(char: str) -> bool:
    return unicodedata.category(char) in _REMOVED_CATEGORIES or char in _BIDI_CONTROLS


# What XML 1.0 forbids: C0 controls other than tab and line ends, U+FFFE, U+FFFF and lone surrogates.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 does not allow, for every XML file the portal writes (the
    feeds, sitemap.xml, the Akoma Ntoso export): a text stored before `plain_text` existed, or by an import,
    may hold one, and one such character makes the whole file unreadable to every consumer (lxml and
    Django's XML writer refuse to write it at all)."""
    return _NOT_IN_XML.sub("", value)


def reject_line_breaks(value) -> None:
    """Single-line fields (titles, names): a line break would end an email header or a heading."""
    if isinstance(value, str) and ("\n" in value or "\u2028" in value or "\u2029" in value):
        raise ValidationError(_("This field must be a single line."), code="line_break")


def _normalised(value):
    if type(value) is str:  # enums are str subclasses and stay what they are
        return plain_text(value)
    if isinstance(value, list):
        return [_normalised(item) for item in value]
    return value


class NormalisedSchema(Schema):
    """The base of every API input schema: each text value is normalised once it has passed the schema's own
    constraints (so that what the OpenAPI document promises to refuse, e.g. NUL, is refused, not repaired)."""

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value):
        normalised = _normalised(value)
        if type(value) is str and value.strip() and not normalised:
            raise ValueError("The text shows nothing: it has only invisible characters.")
        return normalised


# The letters of Kazakh that Russian lacks, as the Latin alphabet of 2021 writes them without diacritics:
# python-slugify's tables drop them ("Әділет" became "dilet"); Russian letters it transliterates itself.
_KAZAKH_LATIN = [
    [cyrillic, latin]
    for pair in ("әa", "ғg", "қq", "ңn", "өo", "ұu", "үu", "һh", "іi")
    for cyrillic, latin in ((pair[0], pair[1]), (pair[0].upper(), pair[1].upper()))
]


def latin_slug(text: str, *, max_length: int) -> str:
    """A web address's part for a name in Kazakh, Russian or English: "Қазақстан заңгерлер одағы" →
    "qazaqstan-zangerler-odagy" (empty for a name with no letters or digits)."""
    return slugify(text, replacements=_KAZAKH_LATIN, max_length=max_length, word_boundary=True)
