"""Abusive or hateful language from maintained word lists (kk, ru, en), robust to common disguises.

The lists live in `wordlists/<language>.txt`, one entry a line: `word` matches that word, `stem*` any word
starting with the stem, and an entry of several words matches them in a row. Every list is checked against
every text: people mix Kazakh, Russian and English in one sentence. Matching happens on folded forms (see
`portal.core.lookalikes.forms`), so the lists need each word once, in plain spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from portal.core.lookalikes import cyrillic_form, forms, kazakh_form, latin_form, seen_words, tokens

from .result import Finding, Reason

WORDLISTS = Path(__file__).with_name("wordlists")
LANGUAGES = ("kk", "ru", "en")
MIN_STEM = 3


@dataclass(frozen=True)
class WordList:
    words: frozenset[str]
    stems: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]


# A short word with Kazakh letters is matched only with them: folded to their Russian base letters it is
# another, common word ("өл" 'die' would be "ол" 'he, she, it', in nearly every Kazakh text; "боқ" would be
# Russian "бок" 'side').
SHORT_KAZAKH_WORD = 3


def _fold_entry(word: str, *, stem: bool = False) -> set[str]:
    if word.isascii():
        return {cyrillic_form(word), latin_form(word)}
    if not stem and len(word) <= SHORT_KAZAKH_WORD and kazakh_form(word) != cyrillic_form(word):
        return {kazakh_form(word)}
    return {cyrillic_form(word)}


@cache
def wordlist() -> WordList:
    words, stems, phrases = set(), set(), []
    for language in LANGUAGES:
        for line in (WORDLISTS / f"{language}.txt").read_text(encoding="utf-8").splitlines():
            entry = line.split("#", 1)[0].strip().casefold()
            if not entry:
                continue
            parts = tokens(entry.replace("*", ""))
            if len(parts) > 1:
                phrases.append(tuple(cyrillic_form(part) for part in parts))
            elif entry.endswith("*") and len(parts[0]) >= MIN_STEM:
                stems.update(_fold_entry(parts[0], stem=True))
            else:
                words.update(_fold_entry(parts[0]))
    return WordList(frozenset(words), frozenset(stems), tuple(phrases))


@lru_cache(maxsize=200_000)
def _is_abusive(token: str) -> bool:
    """Memoised per token: a language has far fewer distinct words than a day has texts."""
    return _matches(token, wordlist())


def _matches(token: str, lists: WordList) -> bool:
    for form in forms(token):
        if form in lists.words:
            return True
        if any(form[:length] in lists.stems for length in range(MIN_STEM, len(form) + 1)):
            return True
    return False


def detect_abuse(text: str) -> list[Finding]:
    """One finding per abusive word or phrase found; the excerpt shows the first letter only."""
    lists = wordlist()
    findings = []
    words = seen_words(text)
    for token in words:
        if _is_abusive(token):
            findings.append(Finding(Reason.ABUSE, token[:1] + "…", 0.6))
    folded = [cyrillic_form(token) for token in words]
    for phrase in lists.phrases:
        size = len(phrase)
        if any(tuple(folded[i : i + size]) == phrase for i in range(len(folded) - size + 1)):
            findings.append(Finding(Reason.ABUSE, phrase[0][:1] + "…", 0.6))
    return findings[:10]


def is_abusive(text: str) -> bool:
    """Whether `text` has a word or phrase of the lists (a public name, for the accounts app)."""
    return bool(detect_abuse(text))
