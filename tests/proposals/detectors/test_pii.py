"""Personal data: IINs with a valid check digit, Kazakhstan phones, emails, cards passing Luhn — masked."""

import pytest

from proposals.detectors import Reason, detect_personal_data, screen_text

VALID_IIN = "900101300126"
WRONG_CHECK_DIGIT = "900101300127"


def reasons(text):
    return {finding.reason for finding in detect_personal_data(text)}


@pytest.mark.parametrize(
    "text",
    [
        f"Менің ЖСН-ім {VALID_IIN}, хабарласыңыз.",
        f"Мой ИИН {VALID_IIN}, звоните.",
        f"My IIN is {VALID_IIN}, call me.",
    ],
)
def test_a_valid_iin_is_found_in_every_language_and_masked(text):
    findings = detect_personal_data(text)
    assert [f.reason for f in findings] == [Reason.PERSONAL_DATA_IIN]
    assert VALID_IIN not in findings[0].excerpt and findings[0].excerpt == "90…26"


@pytest.mark.parametrize(
    "text",
    [
        f"Құжат нөмірі {WRONG_CHECK_DIGIT}",  # twelve digits, wrong check digit
        f"Номер заявки {WRONG_CHECK_DIGIT}",
        "Budget line 202612310000 of the plan",  # not a date of birth
    ],
)
def test_twelve_digits_that_are_not_an_iin_are_left_alone(text):
    assert Reason.PERSONAL_DATA_IIN not in reasons(text)


@pytest.mark.parametrize(
    "text",
    ["Телефоным: +7 701 123 45 67", "Звоните 8 (777) 123-45-67", "Call +77011234567 any time"],
)
def test_kazakhstan_phone_numbers(text):
    assert reasons(text) == {Reason.PERSONAL_DATA_PHONE}


@pytest.mark.parametrize(
    "text", ["Бап 7, 1995 жылғы", "Статья 123-45 кодекса", "In 2026 there were 170 seats"]
)
def test_numbers_that_are_not_phones(text):
    assert reasons(text) == set()


def test_emails_and_cards():
    assert reasons("Жазыңыз: aigerim.s@mail.kz") == {Reason.PERSONAL_DATA_EMAIL}
    assert reasons("Пишите: ivan@example.ru") == {Reason.PERSONAL_DATA_EMAIL}
    assert reasons("Card 4111 1111 1111 1111 for donations") == {Reason.PERSONAL_DATA_CARD}
    assert reasons("Карта 4111 1111 1111 1112") == set()  # fails Luhn


def test_an_iin_is_not_also_reported_as_a_card():
    assert reasons(f"ЖСН {VALID_IIN}") == {Reason.PERSONAL_DATA_IIN}


def test_screen_text_risk_combines_findings():
    result = screen_text(f"IIN {VALID_IIN}, phone +7 701 123 45 67")
    assert result.has_personal_data
    assert result.risk_score == round(1 - (1 - 0.9) * (1 - 0.7), 3)
    assert screen_text("Бюджет ашық болуы керек.").risk_score == 0.0


# Card numbers worked by hand with the published Luhn rule (every second digit from the right doubled, 9
# taken off a double above 9, the sum a multiple of 10).
@pytest.mark.parametrize(
    "number",
    [
        "4000 0000 0000 0093",  # doubled 9 → 18 → 9: 3 + 9 + 8 (the 4 doubled) = 20
        "4000 0000 0000 0000 006",  # nineteen digits, the longest a card has: 6 + 4 = 10
        "4000 0000 0000 6",  # thirteen digits, the shortest: 6 + 4 = 10
    ],
)
def test_card_numbers_valid_by_the_luhn_rule_are_found(number):
    assert [f.reason for f in detect_personal_data(f"My card {number}, please refund.")] == [
        Reason.PERSONAL_DATA_CARD
    ]


def test_a_number_failing_the_luhn_rule_is_not_a_card():
    assert detect_personal_data("Order 4000 0000 0000 0094 was sent.") == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Звоните +7 701\u200b123\u200b45\u200b67", Reason.PERSONAL_DATA_PHONE),  # zero-width spaces
        ("Звоните ＋７ ７０１ １２３ ４５ ６７", Reason.PERSONAL_DATA_PHONE),  # fullwidth digits
        ("Пишите ivan.petrov\u200b@mail.kz", Reason.PERSONAL_DATA_EMAIL),
        ("Пишите ivan\u00ad.petrov@mail\u00ad.kz", Reason.PERSONAL_DATA_EMAIL),  # soft hyphens
        (f"ЖСН: {VALID_IIN[:6]}\u2060{VALID_IIN[6:]}", Reason.PERSONAL_DATA_IIN),  # word joiner
    ],
)
def test_personal_data_split_by_invisible_characters_is_still_found(text, reason):
    assert reason in {finding.reason for finding in screen_text(text).findings}


@pytest.mark.parametrize(
    ("disguised", "reason"),
    [
        ("".join(chr(ord(digit) + 0xFEE0) for digit in VALID_IIN), Reason.PERSONAL_DATA_IIN),
        ("".join(chr(0x0660 + int(digit)) for digit in VALID_IIN), Reason.PERSONAL_DATA_IIN),
        ("\u200b".join(VALID_IIN), Reason.PERSONAL_DATA_IIN),
        ("+７ ７０１ １２３ ４５ ６７", Reason.PERSONAL_DATA_PHONE),
        ("aliya＠example.kz", Reason.PERSONAL_DATA_EMAIL),
    ],
)
def test_personal_data_in_other_forms_of_its_characters_is_found_where_it_stands(disguised, reason):
    """What a reader reads as an IIN, a phone or an address is one for screening too (and so never published),
    and its place is given in the text as written."""
    text = f"Менің деректерім: {disguised}. Рахмет."
    findings = detect_personal_data(text)
    assert [finding.reason for finding in findings] == [reason]
    start, end = findings[0].span
    assert text[start:end] == disguised
