"""Valid IINs for tests: distinct numbers that pass the structure and check-digit rules."""

import itertools
from datetime import date, timedelta

from portal.accounts.verification.iin import iin_check_digit

_serials = itertools.count(1)


def make_iin(seed: int | None = None) -> str:
    """A valid IIN; the same seed gives the same number, no seed gives a new one each call."""
    n = next(_serials) if seed is None else seed
    birth = date(1950, 1, 1) + timedelta(days=n % 20000)
    # A number whose check digit is "10" twice is invalid; the other century digit of the same century moves
    # the first weighted sum by 7 (mod 11), so one of the two is always valid and numbers stay distinct.
    for century_and_sex in "34" if birth.year < 2000 else "56":
        first_eleven = f"{birth:%y%m%d}{century_and_sex}{n // 20000 % 10000:04d}"
        check = iin_check_digit(first_eleven)
        if check is not None:
            return f"{first_eleven}{check}"
    raise AssertionError(f"no valid IIN for seed {n}")
