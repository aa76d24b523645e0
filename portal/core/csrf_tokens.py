"""The CSRF token a shared page gives each reader: Django's masked token, with its mask drawn in one read of
the system's random source.

Django masks the secret anew for every response (so that a compressed page does not leak it, BREACH) and
draws the 32 characters of the mask one `secrets.choice` at a time: a third of what filling a shared page's
personal parts costs (portal/core/shared_pages.py). The token here has Django's form exactly (mask, then the
secret shifted by the mask, both in `CSRF_ALLOWED_CHARS`), so `CsrfViewMiddleware` checks it as its own.
"""

import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token

_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}
# Random bytes at or above this are drawn again: 256 is not a multiple of 62, and keeping them would make
# the first few characters likelier than the others.
_UNBIASED_BELOW = 256 - 256 % len(CSRF_ALLOWED_CHARS)


def masked_token(request) -> str:
    """What `django.middleware.csrf.get_token(request)` answers, and with the same effect on the response."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        return get_token(request)  # Django draws the secret and sets its cookie
    # As get_token does: the cookie is sent again, which renews its expiry.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_indices(CSRF_SECRET_LENGTH)
    chars = CSRF_ALLOWED_CHARS
    cipher = (chars[(_INDEX[char] + shift) % len(chars)] for char, shift in zip(secret, mask, strict=True))
    return "".join(chars[shift] for shift in mask) + "".join(cipher)


def _random_indices(count: int) -> list[int]:
    alphabet = len(CSRF_ALLOWED_CHARS)
    indices: list[int] = []
    while len(indices) < count:
        indices += [byte % alphabet for byte in os.urandom(count + 8) if byte < _UNBIASED_BELOW]
    return indices[:count]
