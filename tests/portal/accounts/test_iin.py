from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.accounts.verification.iin import iin_birth_date, iin_check_digit, iin_is_valid

# By hand: 9·1+0·2+0·3+1·4+0·5+1·6+3·7+0·8+0·9+1·10+2·11 = 72 = 6·11 + 6 → check digit 6.
HAND_CHECKED = "900101300126"


def test_hand_checked_iin_is_valid_and_gives_its_birth_date():
    assert iin_is_valid(HAND_CHECKED)
    assert iin_birth_date(HAND_CHECKED) == date(1990, 1, 1)


@pytest.mark.parametrize(
    "value",
    [
        "900101300127",
        "901301300126",
        "900132300126",
        "900101900126",
        "90010130012",
        "9001013001266",
        "90010130012a",
    ],
)
def test_malformed_iins_are_invalid(value):
    assert not iin_is_valid(value)


valid_prefixes = st.builds(
    lambda d, century, serial: f"{d:%y%m%d}{century}{serial:04d}",
    st.dates(min_value=date(1900, 1, 1), max_value=date(2029, 12, 31)),
    st.sampled_from("3456"),
    st.integers(0, 9999),
)


@given(valid_prefixes, st.integers(1, 9))
def test_an_iin_with_its_check_digit_validates_and_any_other_check_digit_does_not(prefix, shift):
    check = iin_check_digit(prefix)
    if check is None:
        assert not any(iin_is_valid(prefix + str(digit)) for digit in range(10))
        return
    assert iin_is_valid(prefix + str(check))
    assert not iin_is_valid(prefix + str((check + shift) % 10))
