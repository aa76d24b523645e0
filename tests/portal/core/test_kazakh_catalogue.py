"""Every string of Django and allauth that a Kazakh page can show has a Kazakh translation: Django's own
Kazakh catalogue lacks many (password rules, form errors, the admin) and allauth ships none, so ours fill them
(locale/django, locale/allauth). A new Django or allauth version with new strings fails here until they are
translated."""

import json
import re
from pathlib import Path

import allauth
import django
import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from tests.conftest import give_totp

DJANGO = Path(django.__file__).parent
# catalogue → (folder, source files whose strings reach our pages; None: all of them). Django's core
# catalogue also holds language names, the DEBUG welcome page and static-file listings, which never do.
REACHABLE = {
    "django": (
        DJANGO / "conf" / "locale",
        (
            "core/validators.py",
            "core/paginator.py",
            "forms/",
            "db/models/",
            "utils/dates.py",
            "utils/text.py",
            "utils/timesince.py",
            "views/csrf.py",
        ),
    ),
    "django.contrib.admin": (DJANGO / "contrib" / "admin" / "locale", None),
    "django.contrib.auth": (DJANGO / "contrib" / "auth" / "locale", None),
    # allauth.account and allauth.mfa with TOTP and recovery codes (MFA_SUPPORTED_TYPES: no WebAuthn).
    "allauth": (
        Path(allauth.__file__).parent / "locale",
        ("account/", "mfa/", "templates/account/", "templates/mfa/", "templates/allauth/"),
    ),
}


def _reachable_msgids():
    for name, (folder, sources) in REACHABLE.items():
        # The English catalogue carries the source locations (allauth's Russian one, as allauth has no English).
        path = folder / ("ru" if name == "allauth" else "en") / "LC_MESSAGES" / "django.po"
        with path.open("rb") as handle:
            for message in read_po(handle):
                locations = [loc for loc, _line in message.locations if "webauthn" not in loc]
                if message.id and (sources is None or any(loc.startswith(sources) for loc in locations)):
                    yield name, message.context, message.id


def _kept_as_is() -> set[str]:
    """Strings our Kazakh catalogues deliberately keep unchanged (WebAuthn, IPv4, URL)."""
    kept = set()
    for root in settings.LOCALE_PATHS:
        path = Path(root) / "kk" / "LC_MESSAGES" / "django.po"
        if path.exists():
            with path.open("rb") as handle:
                kept |= {m.id for m in read_po(handle) if m.id and m.string == m.id}
    return kept


def _kazakh(context, msgid) -> str:
    if isinstance(msgid, tuple):
        if context:
            return translation.npgettext(context, msgid[0], msgid[1], 1)
        return translation.ngettext(msgid[0], msgid[1], 1)
    return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


def test_every_django_and_allauth_string_a_kazakh_page_can_show_is_translated():
    reachable = list(_reachable_msgids())
    assert len(reachable) > 400  # the walk found the catalogues (Django core, admin, auth; allauth)
    kept = _kept_as_is()
    with translation.override("kk"):
        missing = [
            (name, msgid)
            for name, context, msgid in reachable
            if _kazakh(context, msgid) == (msgid[0] if isinstance(msgid, tuple) else msgid)
            and msgid not in kept
        ]
    assert missing == []


@pytest.mark.parametrize(
    ("msgid", "kazakh"),
    [
        ("This password is too common.", "Бұл құпиясөз тым кең таралған."),
        ("Enter a valid email address.", "Дұрыс электрондық пошта мекенжайын енгізіңіз."),
        ("Change", "Өзгерту"),  # Django's own Kazakh says "Өзгетру"
        ("Django administration", "Django әкімшілігі"),  # and "Даңғо әкімшілігі"
        ("Recent actions", "Соңғы әрекеттер"),
        ("Change %s", "%s өзгерту"),  # Django's: "%s өзгету", the title of every change page
    ],
)
def test_kazakh_overrides_win_over_django_own_catalogue(msgid, kazakh):
    with translation.override("kk"):
        assert translation.gettext(msgid) == kazakh


def test_no_admin_string_keeps_django_own_kazakh_typos():
    typos = re.compile(r"өзгету|өзгетру|үщін|Даңғо", re.IGNORECASE)
    with (DJANGO / "contrib" / "admin" / "locale" / "kk" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        messages = [message for message in read_po(handle) if message.id]
    with translation.override("kk"):
        shown = [_kazakh(message.context, message.id) for message in messages]
    assert len(shown) > 150
    assert [text for text in shown if typos.search(text)] == []


ADMIN_JS = DJANGO / "contrib" / "admin" / "locale" / "en" / "LC_MESSAGES" / "djangojs.po"
JS_CATALOGUE = re.compile(r"const newcatalog = (\{.*?\});\n", re.DOTALL)
JS_FORMATS = re.compile(r"django\.formats = (\{.*?\});\n", re.DOTALL)


def _admin_javascript(client, user, language):
    user.is_staff = user.is_superuser = True  # the admin (and its catalogue view) is for superusers only
    user.save(update_fields=["is_staff", "is_superuser"])
    give_totp(user)
    client.force_login(user)
    response = client.get(f"/{language}/admin/jsi18n/")
    assert response.status_code == 200
    source = response.content.decode()
    return json.loads(JS_CATALOGUE.search(source).group(1)), json.loads(JS_FORMATS.search(source).group(1))


def test_the_admin_javascript_catalogue_is_kazakh_for_every_string(client, admin_user):
    """The calendar, clock and selector widgets of the Kazakh admin: Django's kk djangojs translates 18 of 76
    strings; ours (locale/django/kk/LC_MESSAGES/djangojs.po) all, served by the admin's JavaScriptCatalog."""
    catalogue, formats = _admin_javascript(client, admin_user, "kk")
    with ADMIN_JS.open("rb") as handle:
        messages = [message for message in read_po(handle) if message.id]
    assert len(messages) > 70
    untranslated = []
    for message in messages:
        singular = message.id[0] if isinstance(message.id, tuple) else message.id
        key = f"{message.context}\x04{singular}" if message.context else singular
        value = catalogue.get(key)
        values = value if isinstance(value, list) else [value]
        if not all(values) or any(
            text == singular or not re.search(r"[А-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІі0-9]", text) for text in values
        ):
            untranslated.append(key)
    assert untranslated == []
    assert catalogue["December"] == "Желтоқсан"
    assert catalogue["Monday"] == "Дүйсенбі"
    assert catalogue["one letter Monday\x04M"] == "Д"
    assert catalogue["6 p.m."] == "18:00"  # the 24-hour clock
    assert formats["FIRST_DAY_OF_WEEK"] == 1  # the calendar starts on Monday
    assert formats["DATE_INPUT_FORMATS"][0] == "%d.%m.%Y"


def test_the_russian_admin_javascript_catalogue_stays_django_own(client, admin_user):
    catalogue, _formats = _admin_javascript(client, admin_user, "ru")
    assert catalogue["December"] == "Декабрь"
