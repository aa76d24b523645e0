"""Pre-screening of proposals and comments: pure detectors, no database.

`screen_text` runs every text detector and combines their findings into a risk score (1 − ∏(1 − weight)).
Excerpts of personal data are masked: a moderator sees that an IIN is there, not the IIN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from portal.accounts.verification.iin import iin_is_valid


class Reason(StrEnum):
    PERSONAL_DATA_IIN = "personal_data_iin"
    PERSONAL_DATA_PHONE = "personal_data_phone"
    PERSONAL_DATA_EMAIL = "personal_data_email"
    PERSONAL_DATA_CARD = "personal_data_card"
    SPAM_LINKS = "spam_links"
    SPAM_SHOUTING = "spam_shouting"
    SPAM_REPETITION = "spam_repetition"


PERSONAL_DATA = {
    Reason.PERSONAL_DATA_IIN,
    Reason.PERSONAL_DATA_PHONE,
    Reason.PERSONAL_DATA_EMAIL,
    Reason.PERSONAL_DATA_CARD,
}


@dataclass(frozen=True)
class Finding:
    reason: Reason
    excerpt: str
    weight: float
    span: tuple[int, int] | None = None


@dataclass
class ScreeningResult:
    findings: list[Finding] = field(default_factory=list)

    @property
    def reasons(self) -> list[Reason]:
        return sorted({finding.reason for finding in self.findings})

    @property
    def risk_score(self) -> float:
        remaining = 1.0
        for finding in self.findings:
            remaining *= 1 - finding.weight
        return round(1 - remaining, 3)

    @property
    def has_personal_data(self) -> bool:
        return any(finding.reason in PERSONAL_DATA for finding in self.findings)


def mask(value: str) -> str:
    return value[:2] + "…" + value[-2:] if len(value) > 4 else "…"


_TWELVE_DIGITS = re.compile(r"(?<!\d)\d{12}(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+7|8)[\s(-]*7\d{2}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


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


def detect_spam(text: str) -> list[Finding]:
    findings = []
    links = _LINK.findall(text)
    if len(links) > 3:
        findings.append(Finding(Reason.SPAM_LINKS, f"{len(links)} links", 0.5))
    letters = [char for char in text if char.isalpha()]
    if len(letters) >= 40 and sum(char.isupper() for char in letters) / len(letters) > 0.7:
        findings.append(Finding(Reason.SPAM_SHOUTING, text[:20], 0.3))
    words = re.findall(r"\w+", text.casefold())
    if len(words) >= 30 and len(set(words)) / len(words) < 0.2:
        findings.append(Finding(Reason.SPAM_REPETITION, " ".join(words[:5]), 0.5))
    return findings


def screen_text(text: str, *, language: str | None = None) -> ScreeningResult:
    """All text detectors on one text. `language` is accepted for detectors that depend on it."""
    return ScreeningResult(findings=detect_personal_data(text) + detect_spam(text))


def text_fingerprint(*parts: str) -> str:
    """Equal for texts that differ only in case, punctuation and spacing: the mark of a campaign copy."""
    import hashlib

    normalised = " ".join(re.sub(r"[\W_]+", " ", " ".join(parts).casefold()).split())
    return hashlib.sha256(normalised.encode()).hexdigest()
