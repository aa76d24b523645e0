"""A Russian long date ends with «г.», and that full stop also ends a sentence: «… 14 декабря 2026 г..» is a
typo a sentence-final date must not make."""

from datetime import date

import pytest
from django.utils import translation

from portal.core.formats import format_when

SENTENCES_ENDING_IN_A_DATE = [
    ("Your account will be deleted on %(date)s. Log in before then to keep it.", "date"),
    ("Your identity was verified on %(date)s.", "date"),
    ("This update corrects the one of %(day)s.", "day"),
]


@pytest.mark.parametrize(("msgid", "name"), SENTENCES_ENDING_IN_A_DATE)
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_long_date_at_the_end_of_a_sentence_has_one_full_stop(msgid, name, language):
    with translation.override(language):
        text = translation.gettext(msgid) % {name: format_when(date(2026, 12, 14), "date_long")}
    assert ".." not in text and text.endswith(".")
