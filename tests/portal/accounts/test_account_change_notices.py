"""The owner of an account is told by email of each change to its password and addresses, and of its coming
deletion, in their language."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import translation

from portal.core.formats import format_when
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_changed_password_is_told_to_the_owner_in_their_language_with_the_time_and_its_zone(
    client, citizen, django_capture_on_commit_callbacks
):
    """Without the notice, whoever held a session could change the password unnoticed; its time was printed
    in Django's default format, without a zone to compare with the reader's clock."""
    client.force_login(citizen)  # a Kazakh reader, on the English page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/accounts/password/change/",
            {
                "oldpassword": PASSWORD,
                "password1": "a-new-long-password-7",
                "password2": "a-new-long-password-7",
            },
        )
    (notice,) = mail.outbox
    assert notice.to == [citizen.email]
    assert notice.subject == "[Qatysu] Құпиясөз өзгертілді"
    assert "Құпиясөзіңіз өзгертілді." in notice.body
    assert "(Алматы уақыты)" in notice.body


def test_the_address_an_account_leaves_is_told_in_the_accounts_language(
    client, citizen, django_capture_on_commit_callbacks
):
    """The address left behind belongs to no account any more, so the notice sent there was written in the
    language of the page the change was made on."""
    old_address = citizen.email
    EmailAddress.objects.create(user=citizen, email="new.address@example.test", verified=True, primary=False)
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/email/", {"action_primary": "", "email": "new.address@example.test"})
    citizen.refresh_from_db()
    assert citizen.email == "new.address@example.test"
    (notice,) = mail.outbox
    assert notice.to == [old_address]
    assert notice.subject == "[Qatysu] Электрондық пошта өзгертілді"
    assert notice.extra_headers["Content-Language"] == "kk"


def test_a_russian_notice_reads_as_russian(client, citizen, django_capture_on_commit_callbacks):
    """allauth's Russian capitalised every word of a subject, as English titles do: «Пароль Изменён»."""
    citizen.preferred_language = "ru"
    citizen.save(update_fields=["preferred_language"])
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/ru/accounts/password/change/",
            {
                "oldpassword": PASSWORD,
                "password1": "a-new-long-password-7",
                "password2": "a-new-long-password-7",
            },
        )
    (notice,) = mail.outbox
    assert notice.subject == "[Qatysu] Пароль изменён"
    # allauth's own listed where the change came from in three different cases: «с: IP-адреса, Браузера, Дата».
    assert "- с IP-адреса: 127.0.0.1\n- в браузере:" in notice.body


def test_a_requested_deletion_is_told_to_the_owner_with_its_date_and_how_to_keep_the_account(
    client, citizen, django_capture_on_commit_callbacks
):
    """The page that asked logs the person out; nothing told the owner when the account goes, nor that
    logging in keeps it, if whoever held the session was not them."""
    client.force_login(citizen)  # a Kazakh reader, on the English page
    with translation.override("en"):
        url = reverse("account_delete")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirm": "on"})
    citizen.refresh_from_db()
    with translation.override("kk"):
        due = format_when(citizen.deletion_due_at, "datetime_long")
    (notice,) = mail.outbox
    assert notice.to == [citizen.email]
    assert notice.subject == f"[Qatysu] Тіркелгіңіз {due} жойылады"
    assert "(Алматы уақыты)" in due and due in notice.body
    assert "кіру жоюды болдырмайды" in notice.body
    assert "/kk/accounts/login/" in notice.body
