"""allauth's Russian catalogue is used as it is except where it breaks the portal's Russian: the Latin word
«E-mail» next to «адрес электронной почты», «аккаунт» beside «учётная запись», a polite «Ваш» capitalised in
the middle of a sentence, the app called three ways («приложение-аутентификатор» is the one), and two
fields of the authenticator form both called «Код аутентификатора»."""

import re

from django.utils import translation

from tests.portal.core.test_kazakh_catalogue import _kazakh, _reachable_msgids


def _russian_allauth_strings():
    with translation.override("ru"):
        for name, context, msgid in _reachable_msgids():
            if name == "allauth":
                # Placeholders such as {email} and %(email)s are code, not words.
                yield msgid, re.sub(r"\{\w+\}|%\(\w+\)s", "", _kazakh(context, msgid))


def test_allauth_russian_strings_use_the_portals_terms():
    strays = [
        (msgid, text)
        for msgid, text in _russian_allauth_strings()
        if re.search(r"(?i)\be-?mail\b|аккаунт|приложени\w* аутентификатор|секрет ключ", text)
        or re.search(r"[^.!?\s]\s+(Ваш|Вам|Вас)", text)
    ]
    assert strays == []


def test_the_authenticator_secret_and_the_code_have_different_russian_labels():
    with translation.override("ru"):
        assert translation.gettext("Authenticator secret") != translation.gettext("Authenticator code")


def test_the_russian_email_page_has_no_latin_button(client, citizen):
    client.force_login(citizen)
    page = client.get("/ru/accounts/email/").content.decode()
    assert "E-mail" not in page
