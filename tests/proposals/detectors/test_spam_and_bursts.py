"""Spam signals and bursts."""

from proposals.detectors import Reason, detect_spam, screen_text
from proposals.detectors.bursts import BurstLimits, RecentCounts, detect_bursts
from proposals.detectors.result import ScreeningResult


def test_links_shouting_and_repetition_in_each_language():
    links = " ".join(f"https://shop{i}.example" for i in range(4))
    assert {f.reason for f in detect_spam(f"Сатып алыңыз {links}")} == {Reason.SPAM_LINKS}
    assert {
        f.reason for f in detect_spam("ПОКУПАЙТЕ СЕЙЧАС ЛУЧШИЕ ТОВАРЫ ПО САМЫМ НИЗКИМ ЦЕНАМ В ГОРОДЕ")
    } == {Reason.SPAM_SHOUTING}
    assert {f.reason for f in detect_spam("buy now " * 20)} == {Reason.SPAM_REPETITION}


def test_ordinary_text_with_two_links_is_not_spam():
    text = "Мәтін https://adilet.zan.kz және https://egov.kz сілтемелеріне сүйенеді. Reasoned argument here."
    assert detect_spam(text) == []


def test_bursts_past_each_limit():
    limits = BurstLimits(window_minutes=10, per_account=5, per_address=20, per_text=20)
    assert detect_bursts(RecentCounts(account=5, address=20, text=20), limits) == []
    found = {f.reason for f in detect_bursts(RecentCounts(account=6, address=21, text=21), limits)}
    assert found == {Reason.BURST_ACCOUNT, Reason.BURST_ADDRESS, Reason.BURST_TEXT}


def test_a_long_text_in_varied_words_is_not_repetition():
    text = (
        "Every district should publish its budget each month, with the contracts it signs, the names of the "
        "firms that win them, the amounts paid and the dates, so that residents can compare plans with what "
        "was built and ask questions at the public hearings before the next year begins."
    )
    assert len(text.split()) >= 30
    assert detect_spam(text) == []


def test_shouting_is_more_than_seven_letters_in_ten_in_capitals():
    exactly_seventy_percent = "A" * 28 + "b" * 12
    assert detect_spam(exactly_seventy_percent) == []
    assert [f.reason for f in detect_spam("A" * 29 + "b" * 11)] == [Reason.SPAM_SHOUTING]


def test_every_finding_weighs_between_zero_and_one_so_the_risk_never_passes_one():
    """The risk is 1 − ∏(1 − weight): that stays within 0…1 only while every weight does."""
    links = " ".join(f"https://shop{i}.example" for i in range(4))
    text = (
        f"WRITE TO ME AT ME@EXAMPLE.TEST OR CALL +7 701 234 56 78, IIN 900101300126, CARD 4000 0000 0000 0093 "
        f"{links} " + "BUY NOW " * 80
    )
    limits = BurstLimits(window_minutes=10, per_account=5, per_address=20, per_text=20)
    findings = screen_text(text).findings + detect_bursts(
        RecentCounts(account=6, address=21, text=21), limits
    )
    assert {f.reason for f in findings} >= {
        Reason.PERSONAL_DATA_EMAIL,
        Reason.PERSONAL_DATA_PHONE,
        Reason.PERSONAL_DATA_IIN,
        Reason.PERSONAL_DATA_CARD,
        Reason.SPAM_LINKS,
        Reason.SPAM_SHOUTING,
        Reason.SPAM_REPETITION,
        Reason.BURST_ACCOUNT,
        Reason.BURST_ADDRESS,
        Reason.BURST_TEXT,
    }
    assert all(0 < f.weight <= 1 for f in findings), [(f.reason, f.weight) for f in findings]
    assert 0 <= ScreeningResult(findings=findings).risk_score <= 1
