import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

pytestmark = pytest.mark.django_db

HOME_TITLES = {
    "kk": "Жоба бойынша пікіріңізді айтыңыз",
    "ru": "Выскажитесь о проекте",
    "en": "Have your say on the draft",
}


def test_root_sends_to_kazakh_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/kk/"


def test_root_follows_the_browser_preference(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    assert response["Location"] == "/ru/"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_home_page_is_served_in_each_language(client, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert HOME_TITLES[language] in content


def test_language_switcher_keeps_the_page_and_its_query(client):
    response = client.get("/ru/accounts/login/?next=/ru/accounts/profile/")
    content = response.content.decode()
    assert 'href="/kk/accounts/login/?next=%2Fru%2Faccounts%2Fprofile%2F"' in content
    assert 'href="/en/accounts/login/?next=%2Fru%2Faccounts%2Fprofile%2F"' in content


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_allauth_pages_are_translated(client, language):
    content = client.get(f"/{language}/accounts/login/").content.decode()
    assert "Forgot your password?" not in content
    assert "Sign In" not in content


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_string_of_our_catalogue_is_translated(language):
    """An untranslated or fuzzy entry fails the build: the UI must be whole in all three languages."""
    catalogues = [Path(path, language, "LC_MESSAGES", "django.po") for path in settings.LOCALE_PATHS]
    catalogues = [path for path in catalogues if path.exists()]
    assert catalogues
    for po_file in catalogues:
        result = subprocess.run(
            ["msgfmt", "--statistics", "--check", "-o", "/dev/null", str(po_file)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, (po_file, result.stderr)


@pytest.mark.parametrize(("language", "other_word"), [("kk", "алқылау"), ("ru", "бсужден")])
def test_a_consultation_has_one_name_in_each_language(language, other_word):
    """The menu said «Консультации» while page titles said «обсуждение» (in Kazakh «талқылау») for the same
    thing; the other word stays for a discussion under a proposal."""
    with Path(settings.BASE_DIR, "locale", language, "LC_MESSAGES", "django.po").open("rb") as po_file:
        catalogue = read_po(po_file)
    mixed = []
    for message in catalogue:
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        if "consultation" in source.lower() and any(other_word in text for text in translations):
            mixed.append(source)
    assert not mixed
