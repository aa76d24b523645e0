"""Dates and numbers as each language writes them, in the portal's zone (Asia/Almaty).

Month and day names come from CLDR through Babel; the patterns are ours because CLDR's Kazakh puts the year
first ("2026 ж. 2 желтоқсан") where Kazakh usage and the state standard write day-month-year with a 24-hour
clock. Machine-readable values (`iso_datetime`) never depend on the language.
"""

from datetime import date, datetime

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal as babel_format_decimal
from babel.numbers import format_percent as babel_format_percent
from django.utils import timezone
from django.utils.translation import get_language, gettext

# kind → pattern per language (CLDR pattern syntax).
PATTERNS = {
    "kk": {
        "date_long": "d MMMM y 'ж'.",
        "date_short": "dd.MM.y",
        "datetime_long": "d MMMM y 'ж'., HH:mm",
        "datetime_short": "dd.MM.y, HH:mm",
        "time": "HH:mm",
    },
    "ru": {
        "date_long": "d MMMM y 'г'.",
        "date_short": "dd.MM.y",
        "datetime_long": "d MMMM y 'г'., HH:mm",
        "datetime_short": "dd.MM.y, HH:mm",
        "time": "HH:mm",
    },
    "en": {
        "date_long": "d MMMM y",
        # The month by its short name: "07/12/2026" reads as 12 July to a reader used to US dates.
        "date_short": "d MMM y",
        "datetime_long": "d MMMM y, HH:mm",
        "datetime_short": "d MMM y, HH:mm",
        "time": "HH:mm",
    },
}
DEFAULT_LANGUAGE = "kk"


def _language(language: str | None) -> str:
    code = (language or get_language() or DEFAULT_LANGUAGE)[:2]
    return code if code in PATTERNS else DEFAULT_LANGUAGE


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_when(
    value: date | datetime | None, kind: str = "datetime_long", language: str | None = None
) -> str:
    """`value` in the language's `kind` of format; times carry the zone ("16:22 (Almaty time)")."""
    if value is None or value == "":
        return ""
    code = _language(language)
    pattern = PATTERNS[code][kind]
    value = _local(value)
    if kind.startswith("date") and not kind.startswith("datetime"):
        return babel_format_date(value, pattern, locale=code)
    text = babel_format_datetime(value, pattern, locale=code)
    if kind.startswith("datetime"):
        text = f"{text} ({gettext('Almaty time')})"
    return text


def format_number(value: float | None, language: str | None = None) -> str:
    """A count or measure for people, grouped and with the decimal sign of the language (CLDR): "100 000" and
    "32,5" in kk and ru, "100,000" and "32.5" in en."""
    if value is None or value == "":
        return ""
    return babel_format_decimal(value, locale=_language(language))


def format_percent(value: float | None, language: str | None = None) -> str:
    """A share given in percent (75.0) with one decimal, as the language writes it: "75,0%" in kk, "75,0 %"
    in ru (with a no-break space), "75.0%" in en."""
    if value is None or value == "":
        return ""
    code = _language(language)
    pattern = Locale.parse(code).percent_formats[None].pattern.replace("#,##0", "#,##0.0", 1)
    return babel_format_percent(value / 100, pattern, locale=code)


def iso_datetime(value: date | datetime | None) -> str:
    """ISO 8601 for `datetime` attributes and data: local zone offset, whole seconds, no microseconds."""
    if value is None or value == "":
        return ""
    value = _local(value)
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()
