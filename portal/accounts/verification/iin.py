"""Kazakhstan's individual identification number (IIN, ЖСН/ИИН): 12 digits.

YYMMDD birth date; the 7th digit gives century and sex (1–2: 1800s, 3–4: 1900s, 5–6: 2000s); digits 8–11
are a serial; the 12th is a check digit: the weighted sum of the first 11 digits with weights 1…11, mod 11;
if that is 10, again with weights 3…11, 1, 2; if still 10, the number is invalid.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


def iin_check_digit(first_eleven: str) -> int | None:
    digits = [int(char) for char in first_eleven]
    remainder = sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11
    if remainder == 10:
        weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    return None if remainder == 10 else remainder


def iin_birth_date(value: str) -> date | None:
    if len(value) != 12 or not value.isdigit() or value[6] not in _CENTURY:
        return None
    try:
        return date(_CENTURY[value[6]] + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return None


def iin_is_valid(value: str) -> bool:
    """True for a well-formed IIN: 12 digits, a real birth date, known century digit, right check digit."""
    if iin_birth_date(value) is None:
        return False
    return iin_check_digit(value[:11]) == int(value[11])


_ASCII_TWELVE_DIGITS = re.compile(r"[0-9]{12}", re.ASCII)


def iin_canonical(value: str) -> str:
    """The one spelling of an IIN the portal accepts: 12 ASCII digits, with the spaces people type removed.

    Every place that takes an IIN (forms, API, admin, commands, certificates, identity providers) goes
    through here, so one number has one fingerprint. `str.isdigit` would also accept fullwidth, Arabic-Indic
    and other Unicode digits, each of which would hash differently: anything but 0-9 is refused instead.
    """
    compact = "".join(value.split())
    if not compact.isascii() and any(char.isdigit() for char in compact):
        raise ValidationError(_("Type the IIN with the digits 0-9 only."), code="iin_not_ascii")
    if not _ASCII_TWELVE_DIGITS.fullmatch(compact):
        raise ValidationError(_("An IIN has exactly 12 digits."), code="iin_length")
    if not iin_is_valid(compact):
        raise ValidationError(_("This is not a valid IIN: check the digits."), code="iin_invalid")
    # Structurally sound, but nobody alive has it yet: a generated number, or a mistyped year.
    if iin_birth_date(compact) > timezone.localdate():
        raise ValidationError(
            _("An IIN begins with the birth date (YYMMDD), and this one is in the future: check the digits."),
            code="iin_birth_in_future",
        )
    return compact
