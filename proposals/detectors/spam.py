"""Spam signals: many links, shouting, the same few words over and over."""

from __future__ import annotations

import re

from .result import Finding, Reason

_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
MAX_LINKS = 3


def detect_spam(text: str) -> list[Finding]:
    findings = []
    links = _LINK.findall(text)
    if len(links) > MAX_LINKS:
        findings.append(Finding(Reason.SPAM_LINKS, f"{len(links)} links", 0.5))
    letters = [char for char in text if char.isalpha()]
    if len(letters) >= 40 and sum(char.isupper() for char in letters) / len(letters) > 0.7:
        findings.append(Finding(Reason.SPAM_SHOUTING, text[:20], 0.3))
    words = re.findall(r"\w+", text.casefold())
    if len(words) >= 30 and len(set(words)) / len(words) < 0.2:
        findings.append(Finding(Reason.SPAM_REPETITION, " ".join(words[:5]), 0.5))
    return findings
