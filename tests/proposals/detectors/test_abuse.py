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
        # Characters a reader does not see, accents, Greek and fullwidth letters, letters spelled apart
        "Ты иди\u200bот",  # zero-width space
        "Ты иди\u00adот",  # soft hyphen
        "Ты иди\u200dот",  # zero-width joiner
        "Ты иди\u2060от",  # word joiner
        "Ты и\u0301диот",  # a stress mark on "и"
        "You ιdιοt",  # Greek iota and omicron
        "Ты ｉｄｉｏｔ",
        "Ты и д и о т",
        "Ты и.д.и.о.т",
        "You i_d_i_o_t",
        "Өл!",
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
        # Short Kazakh entries folded to Russian letters would be common words: "өл" 'die' is not "ол" 'he,
        # she, it', "боқ" is not Russian "бок" 'side'
        "Ол заңды мәслихат бекітеді, ол жария болуы керек.",
        "Они стояли бок о бок.",
        "Я и ты в суде.",
    ],
)
def test_ordinary_text_is_not_flagged(text):
    assert detect_abuse(text) == []
