"""Bursts: one account, one address or one text many times in a short window (a script, not a person).

Pure: the screening service counts recent submissions in the database and passes the counts here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .result import Finding, Reason


@dataclass(frozen=True)
class BurstLimits:
    window_minutes: int = 10
    per_account: int = 5
    per_address: int = 20
    per_text: int = 20


@dataclass(frozen=True)
class RecentCounts:
    """How many submissions in the window, including the one being screened."""

    account: int
    address: int
    text: int


def detect_bursts(counts: RecentCounts, limits: BurstLimits = BurstLimits()) -> list[Finding]:
    findings = []
    window = limits.window_minutes
    if counts.account > limits.per_account:
        findings.append(Finding(Reason.BURST_ACCOUNT, f"{counts.account} in {window} min", 0.5))
    if counts.address > limits.per_address:
        findings.append(Finding(Reason.BURST_ADDRESS, f"{counts.address} in {window} min", 0.5))
    if counts.text > limits.per_text:
        findings.append(Finding(Reason.BURST_TEXT, f"{counts.text} in {window} min", 0.4))
    return findings
