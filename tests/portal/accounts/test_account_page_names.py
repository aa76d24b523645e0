"""A link to an account page and the title of the page it opens say the same words, in each language: allauth's
English titles were in Title Case and its own words ("Signup" behind "Sign up", "Email Addresses" behind
"Email addresses")."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _title(client, path) -> str:
    page = client.get(path).content.decode()
    return unescape(re.search(r"<title>\s*(.*?)\s*·", page, re.S).group(1)).strip()


def _link_text(page: str, path: str) -> str:
    return unescape(
        re.search(rf'<a[^>]*href="{re.escape(path)}"[^>]*>(.*?)</a>', page, re.S).group(1)
    ).strip()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_account_links_and_the_titles_of_their_pages_agree(citizen, language):
    client = Client()
    client.force_login(citizen)
    profile = client.get(f"/{language}/accounts/profile/").content.decode().split("<main", 1)[1]
    for name in ("account_email", "account_change_password", "mfa_index"):
        path = f"/{language}" + reverse(name)[3:]
        assert _link_text(profile, path) == _title(client, path), name
    anonymous = Client()
    home = anonymous.get(f"/{language}/").content.decode()
    for name in ("account_login", "account_signup"):
        path = f"/{language}" + reverse(name)[3:]
        assert _link_text(home, path) == _title(anonymous, path), name
