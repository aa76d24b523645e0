"""Folding of look-alike spellings (the screening detectors, the reserved words of public names): case,
Latin/Cyrillic look-alikes, Kazakh letters, repeats.

People dodge word filters by writing "идиoт" with a Latin o, "fuсk" with a Cyrillic с, "3" for "з", or
"дебиииил". Every token is folded two ways (towards Cyrillic and towards Latin), Kazakh-specific letters
are folded to their Russian base letters (texts are often typed without them), and runs of one letter
shrink to one. Word lists are folded the same way, so a list entry matches all of its disguises.
"""

from __future__ import annotations

import re
import unicodedata

_TO_CYRILLIC = str.maketrans(
    {
        "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "o": "о", "p": "р",
        "t": "т", "x": "х", "y": "у", "u": "и", "i": "і", "3": "з", "0": "о", "4": "ч", "6": "б",
        "@": "а", "α": "а", "ε": "е", "ι": "і", "κ": "к", "ο": "о", "ρ": "р", "τ": "т", "χ": "х",
    }
)  # fmt: skip
_TO_LATIN = str.maketrans(
    {
        "а": "a", "в": "b", "с": "c", "е": "e", "ё": "e", "н": "h", "к": "k", "м": "m", "о": "o",
        "р": "p", "т": "t", "х": "x", "у": "y", "і": "i", "ѕ": "s", "0": "o", "1": "i", "3": "e",
        "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "α": "a", "ε": "e", "ι": "i", "κ": "k",
        "ο": "o", "ρ": "p", "τ": "t", "χ": "x",
    }
)  # fmt: skip
# Kazakh letters and their Russian base letters, as in text typed on a Russian keyboard.
_KAZAKH_BASE = str.maketrans(
    {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и", "ё": "е"}
)
# Letters of other scripts drawn like Latin ones, as they read after case folding: Greek capitals (their lower
# case is what `casefold` leaves: "Κ" is "κ"), Latin small capitals, a few Armenian letters and Cherokee
# capitals (which `casefold` keeps). "Κommission"
# with a Greek Kappa or "ᴄᴏᴍᴍɪssɪᴏɴ" read as "commission" to anyone looking at a name.
_OTHER_SCRIPTS = str.maketrans(
    {
        "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k", "μ": "m", "ν": "n", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "y", "χ": "x", "ϲ": "c", "ϳ": "j",
        "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j",
        "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u",
        "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
        "օ": "o", "ս": "u", "ո": "n", "հ": "h", "զ": "q",
        "Ꭺ": "a", "Ᏼ": "b", "Ꮯ": "c", "Ꭰ": "d", "Ꭼ": "e", "Ꮐ": "g", "Ꮋ": "h", "Ꭵ": "i", "Ꭻ": "j", "Ꮶ": "k",
        "Ꮮ": "l", "Ꮇ": "m", "Ꮲ": "p", "Ꮢ": "r", "Ꮪ": "s", "Ꭲ": "t", "Ꮩ": "v", "Ꮃ": "w", "Ꮓ": "z",
    }
)  # fmt: skip
_TOKEN = re.compile(r"(?:[^\W_]|[@$])+")
_REPEATS = re.compile(r"(.)\1+")
# What a reader does not see, or sees only as a mark on a letter: combining marks (accents: "Admínistrator",
# "и́диот") and format characters (zero-width space and joiners, word joiner, soft hyphen), which split a
# word or a number for a filter while the reader still sees it whole.
_UNSEEN = frozenset({"Mn", "Me", "Cf"})


def undisguised(text: str) -> str:
    """`text` as a filter should read it: compatibility forms flattened (NFKD: fullwidth and mathematical
    letters and digits), then accents and invisible characters dropped. "+7 701\u200b123 45 67" is a phone
    number again and "ид\u00adиот" one word."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if unicodedata.category(char) not in _UNSEEN)


def tokens(text: str) -> list[str]:
    """Lower-cased tokens of the undisguised text, letters of other scripts that look Latin read as Latin,
    digits kept; "_" separates words as a space does."""
    return _TOKEN.findall(undisguised(text).casefold().translate(_OTHER_SCRIPTS))


def seen_words(text: str) -> list[str]:
    """The words a reader sees: `tokens`, with letters spelled apart ("M o d e r a t o r", "и.д.и.о.т",
    "i_d_i_o_t") read as one word."""
    words, letters = [], ""
    for token in tokens(text):
        if len(token) == 1:
            letters += token
            continue
        words.extend(filter(None, (letters, token)))
        letters = ""
    return [*words, letters] if letters else words


def _squeeze(token: str) -> str:
    return _REPEATS.sub(r"\1", token)


def cyrillic_form(token: str) -> str:
    return _squeeze(kazakh_form(token).translate(_KAZAKH_BASE))


def kazakh_form(token: str) -> str:
    """The token as a Cyrillic word with its Kazakh letters kept: "өл" stays apart from "ол"."""
    return _squeeze(token.translate(_TO_CYRILLIC))


def latin_form(token: str) -> str:
    return _squeeze(token.translate(_TO_LATIN))


def forms(token: str) -> set[str]:
    """The token as a Cyrillic word (Kazakh letters folded, and kept) and as a Latin word, undisguised."""
    return {cyrillic_form(token), kazakh_form(token), latin_form(token)}


def plain_words(*parts: str) -> list[str]:
    """Words for comparing texts (campaign copies, near-duplicates): case, punctuation and spacing dropped."""
    return re.sub(r"[\W_]+", " ", " ".join(parts).casefold()).split()
