"""A member removed from an organisation is told which organisation, who removed them and whom to write to: in
the notification centre and by email in their own language."""

import pytest
from django.core import mail

from portal.accounts import services
from portal.accounts.models import OrganisationMembership
from portal.notifications.models import Notification
from portal.notifications.services import suppress_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(citizen):
    """Registered by `citizen` (Aigerim), its only representative."""
    return services.organisation_register(name="Civic Lawyers", kind="ngo", registered_by=citizen)


def _remove(client, citizen, organisation, person, django_capture_on_commit_callbacks):
    membership = OrganisationMembership.objects.create(organisation=organisation, user=person)
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/accounts/organisations/{organisation.slug}/members/{membership.pk}/remove/")
    assert not organisation.memberships.filter(user=person).exists()


def test_a_removed_member_is_told_in_their_language_who_removed_them_and_whom_to_write_to(
    client, citizen, other_citizen, organisation, django_capture_on_commit_callbacks
):
    """Removed members found out only when they could no longer submit for the organisation."""
    other_citizen.preferred_language = "ru"
    other_citizen.save(update_fields=["preferred_language"])
    _remove(client, citizen, organisation, other_citizen, django_capture_on_commit_callbacks)

    notice = Notification.objects.get(recipient=other_citizen)
    assert notice.kind == "organisation.member_removed"
    assert notice.params == {"organisation": "Civic Lawyers", "by": "Aigerim"}
    assert not Notification.objects.filter(recipient=citizen).exists()
    [message] = mail.outbox
    assert message.to == [other_citizen.email]
    assert message.subject == "[Qatysu] Вы больше не член «Civic Lawyers»"
    assert "Aigerim исключил(а) вас из членов «Civic Lawyers»" in message.body
    assert f"/ru/accounts/organisations/{organisation.slug}/" in message.body
    assert message.extra_headers["Content-Language"] == "ru"

    client.force_login(other_citizen)
    centre = client.get("/ru/notifications/").content.decode()
    assert "Aigerim исключил(а) вас из членов «Civic Lawyers»" in centre
    assert "напишите её представителям" in centre


def test_a_removed_member_whose_address_bounced_is_told_in_the_centre_only(
    client, citizen, other_citizen, organisation, django_capture_on_commit_callbacks
):
    suppress_address(email=other_citizen.email, reason="permanent refusal 550")
    _remove(client, citizen, organisation, other_citizen, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=other_citizen, kind="organisation.member_removed").exists()
    assert mail.outbox == []


def test_a_plain_member_whom_a_representative_names_publicly_is_told(
    client, citizen, other_citizen, organisation
):
    """Joining as a plain member keeps one off the organisation's page; being made one who acts for it puts
    their name there, which they must learn of (and may leave over)."""
    membership = OrganisationMembership.objects.create(organisation=organisation, user=other_citizen)
    client.force_login(citizen)
    url = f"/en/accounts/organisations/{organisation.slug}/members/{membership.pk}/"
    client.post(url, {"role": "member", "can_act_on_behalf": "on"})
    [notice] = Notification.objects.filter(recipient=other_citizen)
    assert notice.kind == "organisation.member_named"
    assert notice.params == {"organisation": "Civic Lawyers", "by": "Aigerim"}
    client.post(url, {"role": "representative", "can_act_on_behalf": "on"})
    assert Notification.objects.filter(recipient=other_citizen).count() == 1  # already named
    client.force_login(other_citizen)
    assert (
        "ваше публичное имя показано на странице организации"
        in client.get("/ru/notifications/").content.decode()
    )
