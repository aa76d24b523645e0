"""/.well-known/security.txt (RFC 9116): where a security researcher reports a hole, in what languages, until
when the file holds, and its canonical address; absent (404) rather than without a contact."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.core.checks import security_contact_set

pytestmark = pytest.mark.django_db


def _fields(client) -> dict[str, list[str]]:
    answer = client.get("/.well-known/security.txt")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/plain; charset=utf-8"
    fields: dict[str, list[str]] = {}
    for line in answer.content.decode().splitlines():
        name, value = line.split(": ", 1)
        fields.setdefault(name, []).append(value)
    return fields


def test_security_txt_names_contact_languages_expiry_and_canonical_address(client, settings):
    settings.SITE_URL = "https://qatysu.example.kz"
    settings.SECURITY_CONTACT = ["security@qatysu.example.kz", "https://qatysu.example.kz/security"]
    settings.SECURITY_POLICY_URL = "https://example.org/qatysu/SECURITY.md"
    fields = _fields(client)
    assert fields["Contact"] == ["mailto:security@qatysu.example.kz", "https://qatysu.example.kz/security"]
    assert fields["Preferred-Languages"] == ["kk, ru, en"]
    assert fields["Canonical"] == ["https://qatysu.example.kz/.well-known/security.txt"]
    assert fields["Policy"] == ["https://example.org/qatysu/SECURITY.md"]
    (expires,) = fields["Expires"]
    moment = datetime.strptime(expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = datetime.now(UTC)
    # In the future, and less than a year ahead as RFC 9116 recommends.
    assert now < moment <= now + timedelta(days=365)
    assert set(fields) == {"Contact", "Expires", "Preferred-Languages", "Canonical", "Policy"}


def test_without_its_own_contact_it_names_the_commissions_office(client, settings):
    settings.SECURITY_CONTACT = []
    settings.CONTACT_EMAIL = "office@qatysu.example.kz"
    settings.SECURITY_POLICY_URL = ""
    fields = _fields(client)
    assert fields["Contact"] == ["mailto:office@qatysu.example.kz"]
    assert "Policy" not in fields


def test_without_any_contact_there_is_no_security_txt(client, settings):
    settings.SECURITY_CONTACT = []
    settings.CONTACT_EMAIL = ""
    assert client.get("/.well-known/security.txt").status_code == 404


def test_deploy_check_says_when_nobody_is_named_for_reports(settings):
    settings.SECURITY_CONTACT = []
    settings.CONTACT_EMAIL = ""
    assert [message.id for message in security_contact_set(None)] == ["portal.I048"]
    settings.CONTACT_EMAIL = "office@qatysu.example.kz"
    assert security_contact_set(None) == []
