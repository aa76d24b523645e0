"""Guessing the language of a text among Kazakh, Russian and English, from its letters: for `lang` on what
people write (a comment, a reason, a note) where no language was recorded, and for a draft's first guess."""

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def detect_language(text: str, default: str = "kk") -> str:
    """Kazakh-specific letters mean Kazakh; otherwise Cyrillic means Russian and Latin means English.

    Crude on purpose: the author sees the guess and corrects it.
    """
    cyrillic = latin = kazakh = 0
    for char in text:
        if char in KAZAKH_LETTERS:
            kazakh += 1
        elif "\u0400" <= char <= "\u04ff":
            cyrillic += 1
        elif char.isascii() and char.isalpha():
            latin += 1
    if kazakh and kazakh * 50 >= cyrillic:
        return "kk"
    if cyrillic or latin:
        return "ru" if cyrillic >= latin else "en"
    return default
