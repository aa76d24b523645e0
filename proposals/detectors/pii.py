"""Personal data in a text: IINs with a valid check digit, Kazakhstan phones, emails, card numbers (Luhn).

Excerpts are masked: a moderator sees that an IIN is there, not the IIN.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

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


def _folded(text: str) -> tuple[str, list[int]]:
    """The text as the patterns read it, with where each of its characters stands in `text`. Format characters
    (zero-width spaces and joiners) are left out; compatibility forms (fullwidth digits, `＠`, `＋`) and
    digits of other scripts (`٥`) read as their ASCII selves: they hide a number or an address from the
    patterns, not from a reader."""
    folded, positions = [], []
    for position, char in enumerate(text):
        if unicodedata.category(char) == "Cf":
            continue
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            char = str(digit)
        else:
            compatible = unicodedata.normalize("NFKC", char)
            char = compatible if len(compatible) == 1 else char
        folded.append(char)
        positions.append(position)
    return "".join(folded), positions


def detect_personal_data(text: str) -> list[Finding]:
    """What looks like personal data in `text`, each finding with its span in `text` itself."""
    folded, positions = _folded(text)
    return [
        replace(finding, span=(positions[finding.span[0]], positions[finding.span[1] - 1] + 1))
        for finding in _findings(folded)
    ]


def _findings(text: str) -> list[Finding]:
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
    """Whether a text staff are about to publish (a statement of reasons, an answer) holds personal data."""
    return bool(detect_personal_data(text))
