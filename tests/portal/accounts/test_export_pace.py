"""The "download my data" request builds an archive of everything a person did: one account, or many throw-away accounts
behind one address, could keep the workers building archives nobody reads."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from portal.accounts.models import DataExport
from portal.accounts.privacy import EXPORTS_PER_ACCOUNT_PER_DAY, EXPORTS_PER_ADDRESS_PER_HOUR
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/en/accounts/privacy/export/"


def _client(user, **headers) -> Client:
    client = Client(**headers)
    client.force_login(user)
    return client


def test_one_account_asking_again_and_again_is_refused_with_a_reason(citizen):
    client = _client(citizen)
    for _attempt in range(EXPORTS_PER_ACCOUNT_PER_DAY):
        client.post(URL)
    response = client.post(URL)
    assert response.status_code == 302
    assert DataExport.objects.filter(user=citizen).count() == EXPORTS_PER_ACCOUNT_PER_DAY
    assert "too many times" in str(list(get_messages(response.wsgi_request))[-1])


def test_throw_away_accounts_behind_one_address_are_limited_whatever_they_forward(settings):
    settings.PORTAL_TRUSTED_PROXY_HOPS = 1
    for attempt in range(EXPORTS_PER_ADDRESS_PER_HOUR + 5):
        # The proxy appends the real address; what the client wrote before it changes nothing.
        _client(UserFactory(), HTTP_X_FORWARDED_FOR=f"10.0.{attempt}.1, 203.0.113.5").post(URL)
    assert DataExport.objects.count() == EXPORTS_PER_ADDRESS_PER_HOUR
    _client(UserFactory(), HTTP_X_FORWARDED_FOR="198.51.100.7").post(URL)
    assert DataExport.objects.count() == EXPORTS_PER_ADDRESS_PER_HOUR + 1
