"""Kazakhstan's individual identification number (IIN, ЖСН/ИИН): 12 digits.

YYMMDD birth date; the 7th digit gives century and sex (1–2: 1800s, 3–4: 1900s, 5–6: 2000s); digits 8–11
are a serial; the 12th is a check digit: the weighted sum of the first 11 digits with weights 1…11, mod 11;
if that is 10, again with weights 3…11, 1, 2; if still 10, the number is invalid.
"""

from datetime import date

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
