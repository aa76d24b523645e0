"""What a detector returns: findings with a reason and a weight, combined into one risk score."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Reason(StrEnum):
    PERSONAL_DATA_IIN = "personal_data_iin"
    PERSONAL_DATA_PHONE = "personal_data_phone"
    PERSONAL_DATA_EMAIL = "personal_data_email"
    PERSONAL_DATA_CARD = "personal_data_card"
    ABUSE = "abuse"
    SPAM_LINKS = "spam_links"
    SPAM_SHOUTING = "spam_shouting"
    SPAM_REPETITION = "spam_repetition"
    NEAR_DUPLICATE = "near_duplicate"
    BURST_ACCOUNT = "burst_account"
    BURST_ADDRESS = "burst_address"
    BURST_TEXT = "burst_text"


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
        """1 − ∏(1 − weight): independent signals add up without ever passing 1."""
        remaining = 1.0
        for finding in self.findings:
            remaining *= 1 - finding.weight
        return round(1 - remaining, 3)

    @property
    def has_personal_data(self) -> bool:
        return any(finding.reason in PERSONAL_DATA for finding in self.findings)


def mask(value: str) -> str:
    return value[:2] + "…" + value[-2:] if len(value) > 4 else "…"
