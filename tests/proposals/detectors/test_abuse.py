"""Abusive language from the kk/ru/en word lists, through case, look-alike letters and repeated letters."""

import pytest

from proposals.detectors import Reason, detect_abuse


@pytest.mark.parametrize(
    "text",
    [
        # Kazakh, with and without the Kazakh letters, and a phrase
        "Бұл заңды жазған ақымақ",
        "Сен акымаксын",
        "Иттің баласы екенсің",
        # Russian: plain, Latin look-alikes (o, e), repeated letters, upper case
        "Автор этой статьи идиот",
        "Ты идиoт",  # Latin "o"
        "Депутаты дeбилы",  # Latin "e"
        "ДЕБИИИИЛЫ",
        # English: plain, Cyrillic look-alikes, repeated letters, a phrase
        "The minister is an idiot",
        "what a fuсking mess",  # Cyrillic "с"
        "iDIOOOOT",
        "Just kill yourself",
    ],
)
def test_abuse_is_found_through_disguises(text):
    findings = detect_abuse(text)
    assert findings and {f.reason for f in findings} == {Reason.ABUSE}
    assert all(f.excerpt.endswith("…") and len(f.excerpt) == 2 for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "Жергілікті бюджетті мәслихат бекітеді.",
        "Ақылды шешім қабылдау керек.",  # shares letters with "ақымақ" but is "clever"
        "Местный бюджет утверждает маслихат.",
        "Студенты, слушатели и преподаватели",
        "The budget of the city is approved by the council.",
        "Scunthorpe is not a word on the list; neither is class or assessment.",
    ],
)
def test_ordinary_text_is_not_flagged(text):
    assert detect_abuse(text) == []
