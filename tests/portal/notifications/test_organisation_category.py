"""What becomes of a person's organisations (verified or refused, being named a member or removed) is a
category of its own: not "Status of my and followed proposals", whose switch must not silence the decision
on an organisation they registered; and one they can switch off by itself."""

import pytest
from django.core import mail

from portal.accounts import services as accounts
from portal.notifications import services
from portal.notifications.models import Category, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(citizen):
    """An organisation the citizen registered: they are its representative."""
    return accounts.organisation_register(name="Civic Lawyers", kind="expert", registered_by=citizen)


def test_the_decision_on_an_organisation_is_filed_under_organisations(registered, citizen, admin_user):
    accounts.organisation_refuse(
        organisation=registered, refused_by=admin_user, reason="The business number on the form is wrong."
    )
    notice = Notification.objects.get(recipient=citizen)
    assert notice.category == Category.ORGANISATIONS


def test_proposals_switched_off_still_let_the_verification_through_by_email(
    registered, citizen, admin_user, django_capture_on_commit_callbacks
):
    services.preference_set(user=citizen, category=Category.PROPOSALS, frequency="off")
    with django_capture_on_commit_callbacks(execute=True):
        accounts.organisation_verify(organisation=registered, verified_by=admin_user)
    assert [message.to for message in mail.outbox] == [[citizen.email]]


def test_organisations_switched_off_send_no_email_of_them(
    registered, citizen, admin_user, django_capture_on_commit_callbacks
):
    services.preference_set(user=citizen, category=Category.ORGANISATIONS, frequency="off")
    with django_capture_on_commit_callbacks(execute=True):
        accounts.organisation_verify(organisation=registered, verified_by=admin_user)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=citizen, category=Category.ORGANISATIONS).exists()


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("kk", "Менің ұйымдарым: олардың тексерілуі және менің мүшелігім"),
        ("ru", "Мои организации: их проверка и моё членство"),
        ("en", "My organisations: their verification and my membership"),
    ],
)
def test_the_settings_page_offers_the_organisations_switch_in_the_readers_language(
    client, citizen, language, label
):
    client.force_login(citizen)
    page = client.get(f"/{language}/notifications/settings/").content.decode()
    assert label in page and 'name="organisations"' in page
