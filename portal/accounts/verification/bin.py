"""Kazakhstan's business identification number (BIN, БСН/БИН) of a legal entity: 12 digits.

YYMM of registration; the 5th digit is the kind of entity (4 a resident legal entity, 5 a non-resident, 6 a
joint venture of individual entrepreneurs); the 6th says whether it is the head organisation, a branch or a
representative office; digits 7–11 are a serial; the 12th is a check digit computed as the IIN's is. Parties
and NGOs are legal entities with a BIN in the state register, which staff look it up in before verifying.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .iin import iin_check_digit

_ASCII_TWELVE_DIGITS = re.compile(r"[0-9]{12}", re.ASCII)
_ENTITY_KINDS = "456"


def bin_is_valid(value: str) -> bool:
    if not _ASCII_TWELVE_DIGITS.fullmatch(value):
        return False
    if not 1 <= int(value[2:4]) <= 12 or value[4] not in _ENTITY_KINDS:
        return False
    return iin_check_digit(value[:11]) == int(value[11])


def bin_canonical(value: str) -> str:
    """12 ASCII digits, with the spaces people type removed; anything else is refused with its reason."""
    compact = "".join(value.split())
    if not _ASCII_TWELVE_DIGITS.fullmatch(compact):
        raise ValidationError(_("A BIN has exactly 12 digits 0-9."), code="bin_length")
    if not bin_is_valid(compact):
        raise ValidationError(_("This is not a valid BIN: check the digits."), code="bin_invalid")
    return compact
