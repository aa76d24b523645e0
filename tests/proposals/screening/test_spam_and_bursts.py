"""Spam signals and bursts."""

from proposals.screening import Reason, detect_spam
from proposals.screening.bursts import BurstLimits, RecentCounts, detect_bursts


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
