"""Pre-screening of proposals and comments: pure detectors, no database.

One module per signal: `pii` (personal data), `abuse` (word lists), `spam`, `minhash` (near-duplicates, LSH),
`bursts`. `screen_text` runs the text detectors and combines their findings into a risk score; the
screening service (`proposals/services/screening.py`) adds what needs the database (near-duplicates,
bursts) and applies the moderation policy.
"""

from __future__ import annotations

import hashlib

from portal.core.lookalikes import plain_words, undisguised

from .abuse import detect_abuse
from .pii import detect_personal_data
from .result import PERSONAL_DATA, Finding, Reason, ScreeningResult, mask
from .spam import detect_spam

__all__ = [
    "PERSONAL_DATA",
    "Finding",
    "Reason",
    "ScreeningResult",
    "detect_abuse",
    "detect_personal_data",
    "detect_spam",
    "mask",
    "screen_text",
    "text_fingerprint",
]


def screen_text(text: str, *, language: str | None = None) -> ScreeningResult:
    """All text detectors on one text (the word lists of every language apply to every text), read as a
    person sees it: a phone number or an insult split by invisible characters is still found."""
    text = undisguised(text)
    return ScreeningResult(findings=detect_personal_data(text) + detect_abuse(text) + detect_spam(text))


def text_fingerprint(*parts: str) -> str:
    """Equal for texts that differ only in case, punctuation and spacing: the mark of a campaign copy."""
    return hashlib.sha256(" ".join(plain_words(*parts)).encode()).hexdigest()
