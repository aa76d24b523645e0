"""Every new organisation waits in the staff verification panel: one account may register five a day, and one
address twenty whichever accounts it signs in with, so that throw-away accounts cannot fill the panel faster
than an administrator clears it. The refusal says so in the reader's language and keeps what was typed."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.accounts.models import Organisation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _register(client, n, address="198.51.100.20", language="en"):
    with translation.override(language):
        url = reverse("organisation_register")
    return client.post(url, {"name": f"Civic Group {n}", "kind": "expert"}, REMOTE_ADDR=address)


def test_one_account_registers_five_organisations_a_day_then_is_told_why(citizen):
    client = Client()
    client.force_login(citizen)
    assert [_register(client, n).status_code for n in range(5)] == [302] * 5

    refused = _register(client, 5, address="203.0.113.5")
    assert refused.status_code == 429
    assert "Too many organisations have been registered" in refused.content.decode()
    assert 'value="Civic Group 5"' in refused.content.decode()
    assert Organisation.objects.count() == 5


def test_one_address_registers_twenty_whichever_accounts_it_signs_in_with(settings):
    settings.ORGANISATIONS_PER_ADDRESS_PER_DAY = 3
    answers = []
    for n in range(4):
        client = Client()
        client.force_login(UserFactory())
        answers.append(_register(client, n, language="kk"))
    assert [answer.status_code for answer in answers] == [302, 302, 302, 429]
    assert (
        "Бүгін сіздің аккаунтыңыздан немесе желіңізден тым көп ұйым тіркелді" in answers[-1].content.decode()
    )
    # Another network is counted on its own.
    client = Client()
    client.force_login(UserFactory())
    assert _register(client, 9, address="192.0.2.77").status_code == 302


def test_a_form_with_errors_does_not_use_up_the_day(citizen):
    client = Client()
    client.force_login(citizen)
    url = reverse("organisation_register")
    for _ in range(6):
        assert (
            client.post(url, {"name": "", "kind": "expert"}, REMOTE_ADDR="198.51.100.20").status_code == 200
        )
    assert _register(client, 1).status_code == 302
