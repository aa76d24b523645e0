"""Personal data in a text: IINs with a valid check digit, Kazakhstan phones, emails, card numbers (Luhn).

Excerpts are masked: a moderator sees that an IIN is there, not the IIN.
"""

from __future__ import annotations

import re
import unicodedata

from portal.accounts.verification.iin import iin_is_valid

from .result import Finding, Reason, mask

_TWELVE_DIGITS = re.compile(r"(?<!\d)\d{12}(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+7|8)[\s(-]*7\d{2}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def detect_personal_data(text: str) -> list[Finding]:
    findings = []
    iin_spans = []
    for match in _TWELVE_DIGITS.finditer(text):
        if iin_is_valid(match.group()):
            iin_spans.append(match.span())
            findings.append(Finding(Reason.PERSONAL_DATA_IIN, mask(match.group()), 0.9, match.span()))
    for match in _PHONE.finditer(text):
        findings.append(
            Finding(Reason.PERSONAL_DATA_PHONE, mask(re.sub(r"\D", "", match.group())), 0.7, match.span())
        )
    for match in _EMAIL.finditer(text):
        findings.append(Finding(Reason.PERSONAL_DATA_EMAIL, mask(match.group()), 0.6, match.span()))
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        inside_iin = any(start <= match.start() < end for start, end in iin_spans)
        if 13 <= len(digits) <= 19 and _luhn(digits) and not inside_iin:
            findings.append(Finding(Reason.PERSONAL_DATA_CARD, mask(digits), 0.9, match.span()))
    return findings


def contains_personal_data(text: str) -> bool:
    """Whether a text staff are about to publish (a statement of reasons, an answer) holds personal data. A
    zero-width character between the digits of an IIN hides it from the patterns, not from the reader: format
    characters are left out first."""
    return bool(detect_personal_data("".join(char for char in text if unicodedata.category(char) != "Cf")))
