"""Whoever does not accept a new privacy notice can still take their data and leave: the consent gate must not
make accepting the notice the price of deleting the account."""

import pytest
from django.test import Client

from portal.accounts import privacy
from portal.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusing(citizen):
    """A citizen signed in who has not accepted the notice in force."""
    User.objects.filter(pk=citizen.pk).update(privacy_notice_version=0)
    client = Client()
    client.force_login(citizen)
    yield client
    privacy.forget_current_notice()


def test_the_consent_page_leads_to_the_data_and_deletion_page(refusing):
    page = refusing.get("/kk/accounts/privacy/consent/").content.decode()
    assert 'href="/kk/accounts/privacy/"' in page


def test_someone_who_has_not_accepted_the_notice_can_export_and_delete(refusing, citizen):
    assert refusing.get("/kk/").status_code == 302  # everything else still waits for the acceptance
    assert refusing.get("/kk/accounts/privacy/").status_code == 200
    assert refusing.post("/kk/accounts/privacy/export/").status_code == 302
    response = refusing.post("/kk/accounts/privacy/delete/", {"confirm": "on"})
    assert "/privacy/consent/" not in response.get("Location", "")
    citizen.refresh_from_db()
    assert citizen.deletion_due_at is not None
