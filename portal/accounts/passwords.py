"""The one form a password is hashed and checked in, whichever way it was typed."""

import unicodedata


def password_normalised(raw: str) -> str:
    """`raw` in Unicode NFKC, as NIST SP 800-63B asks of passwords before hashing.

    Keyboards send the same letter as different code points: "й" or "ё" composed or as a letter and a
    combining mark, Latin-script Kazakh "ä", "ö", "ü", "ş" either way, Latin letters and digits full-width
    from an East Asian input method, a no-break space for a space. Hashed as typed, a password set from one
    keyboard did not open the account from another. Sign-up, login, a password change and a reset all go
    through `User.set_password` and `User.check_password`, which call this.
    """
    return unicodedata.normalize("NFKC", raw)
