from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.accounts.verification.iin import iin_birth_date, iin_canonical, iin_check_digit, iin_is_valid

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


# Check digits worked by hand from the published rule, not from `iin_check_digit`: the first pass weighs the
# eleven digits 1…11; a remainder of 10 calls for the second pass with weights 3…11, 1, 2.
HAND_COMPUTED = [
    # first pass: 1+4+3+8+5+12+42+0+27+40+55 = 197 ≡ 10; second: 3+8+5+12+7+16+54+0+33+4+10 = 152 ≡ 9
    ("12121260345", 9),
    # first pass: 9+0+0+4+0+6+21+0+0+80+11 = 131 ≡ 10; second: 27+0+0+6+0+8+27+0+0+8+2 = 78 ≡ 1
    ("90010130081", 1),
    # first pass: 8+10+0+28+5+30+28+0+9+20+33 = 171 ≡ 6
    ("85071540123", 6),
    # first pass: 0+4+0+16+0+18+35+0+81+80+77 = 311 ≡ 3
    ("02040350987", 3),
    # first pass: 9+18+0+8+0+36+28+0+0+0+11 = 110 ≡ 0
    ("99020640001", 0),
    # first pass ≡ 10 (285); second: 21+28+0+48+14+8+27+90+99+2+4 = 341 ≡ 0
    ("77082139922", 0),
    # first pass ≡ 10 (296); second: 15+0+5+12+14+48+54+20+11+9+14 = 202 ≡ 4
    ("50122662197", 4),
    # first pass ≡ 10 (241); second: 12+12+0+6+14+48+54+90+55+0+4 = 295 ≡ 9
    ("43012669502", 9),
]
# Both passes leave 10 (first 274, second 274): no check digit makes a valid number.
NO_CHECK_DIGIT = "48022539326"


@pytest.mark.parametrize(("first_eleven", "check"), HAND_COMPUTED)
def test_the_check_digit_follows_the_published_rule_in_both_passes(first_eleven, check):
    assert iin_check_digit(first_eleven) == check
    assert iin_is_valid(first_eleven + str(check))
    assert not any(iin_is_valid(first_eleven + str(other)) for other in range(10) if other != check)


def test_a_number_whose_both_passes_leave_ten_is_never_valid():
    assert iin_check_digit(NO_CHECK_DIGIT) is None
    assert not any(iin_is_valid(NO_CHECK_DIGIT + str(digit)) for digit in range(10))


valid_prefixes = st.builds(
    lambda d, century, serial: f"{d:%y%m%d}{century}{serial:04d}",
    st.dates(min_value=date(1900, 1, 1), max_value=date(2029, 12, 31)),
    st.sampled_from("3456"),
    st.integers(0, 9999),
)


# Two shared cores can be slow to draw dates: a slow draw is not a failure of the rule.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(valid_prefixes, st.integers(1, 9))
def test_an_iin_with_its_check_digit_validates_and_any_other_check_digit_does_not(prefix, shift):
    check = iin_check_digit(prefix)
    if check is None:
        assert not any(iin_is_valid(prefix + str(digit)) for digit in range(10))
        return
    assert iin_is_valid(prefix + str(check))
    assert not iin_is_valid(prefix + str((check + shift) % 10))


@pytest.mark.parametrize(
    ("century_digit", "year"),
    [("1", 1805), ("2", 1805), ("3", 1905), ("4", 1905), ("5", 2005), ("6", 2005)],
)
def test_the_seventh_digit_gives_the_century_of_birth(century_digit, year):
    assert iin_birth_date(f"050307{century_digit}00000") == date(year, 3, 7)


def _iin_born_on(day: date) -> str:
    for serial in range(10000):
        prefix = f"{day:%y%m%d}{'5' if day.year >= 2000 else '3'}{serial:04d}"
        check = iin_check_digit(prefix)
        if check is not None:
            return prefix + str(check)
    raise AssertionError("no serial gives a check digit")


def test_an_iin_born_tomorrow_is_refused_with_the_reason_and_one_born_today_is_taken():
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        iin_canonical(_iin_born_on(today + timedelta(days=1)))
    assert refused.value.code == "iin_birth_in_future"
    assert iin_canonical(_iin_born_on(today)) == _iin_born_on(today)
