import pytest

from proposals.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Азаматтардың құқықтарын кеңейту қажет", "kk"),
        ("Необходимо расширить права граждан", "ru"),
        ("Citizens' rights must be widened", "en"),
        ("", "kk"),
        ("12345", "kk"),
    ],
)
def test_detects_the_language_of_the_text(text, language):
    assert detect_language(text) == language
