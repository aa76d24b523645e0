"""Staff decide on an organisation's verification either way, with a reason when they refuse, and its
representatives are told: a refused registration used to stay in the queue for ever, and nobody learnt of a
decision except by revisiting the organisation's page."""

import pytest

from portal.accounts import services
from portal.accounts.models import OrganisationMembership
from portal.notifications.models import Notification
from tests.conftest import give_totp

pytestmark = pytest.mark.django_db

REASON = "The BIN belongs to another legal entity in the state register."


@pytest.fixture
def organisation(citizen, other_citizen):
    """Registered by Aigerim (its representative); Timur is a plain member."""
    organisation = services.organisation_register(name="Civic Lawyers", kind="expert", registered_by=citizen)
    OrganisationMembership.objects.create(organisation=organisation, user=other_citizen)
    return organisation


@pytest.fixture
def admin_client(client, admin_user):
    give_totp(admin_user)
    client.force_login(admin_user)
    return client


def test_verifying_tells_the_representatives(admin_client, citizen, other_citizen, organisation):
    admin_client.post(f"/en/staff/organisations/{organisation.pk}/verify/")
    [notice] = Notification.objects.filter(kind="organisation.verified")
    assert notice.recipient == citizen
    assert notice.url == organisation.get_absolute_url()
    admin_client.force_login(citizen)
    centre = admin_client.get("/ru/notifications/").content.decode()
    assert "«Civic Lawyers» подтверждена" in centre


def test_refusing_needs_a_reason_and_tells_the_representatives_why(
    admin_client, citizen, other_citizen, organisation
):
    url = f"/en/staff/organisations/{organisation.pk}/refuse/"
    admin_client.post(url, {"reason": "no"})
    organisation.refresh_from_db()
    assert organisation.refused_at is None

    admin_client.post(url, {"reason": REASON})
    organisation.refresh_from_db()
    assert organisation.refused_at is not None and not organisation.is_verified
    assert organisation.refusal_reason == REASON
    admin_client.get("/en/staff/")  # the flashed message, which names it
    assert f"/organisations/{organisation.pk}/refuse/" not in admin_client.get("/en/staff/").content.decode()
    [notice] = Notification.objects.filter(kind="organisation.refused")
    assert notice.recipient == citizen
    assert notice.params["reason"] == REASON

    admin_client.force_login(citizen)
    centre = admin_client.get("/kk/notifications/").content.decode()
    assert "«Civic Lawyers» ұйымын растамады" in centre and REASON in centre
    page = admin_client.get(f"/kk{organisation.get_absolute_url()[3:]}").content.decode()
    assert REASON in page
    # A plain member and the public see that it is not verified, not the staff's reason.
    admin_client.force_login(other_citizen)
    assert REASON not in admin_client.get(organisation.get_absolute_url()).content.decode()


def test_a_refused_organisation_can_still_be_verified_later(admin_client, organisation):
    admin_client.post(f"/en/staff/organisations/{organisation.pk}/refuse/", {"reason": REASON})
    admin_client.post(f"/en/staff/organisations/{organisation.pk}/verify/")
    organisation.refresh_from_db()
    assert organisation.is_verified
    assert organisation.refused_at is None and organisation.refusal_reason == ""


@pytest.mark.parametrize("persona", ["citizen", "moderator"])
def test_only_an_administrator_who_is_not_a_member_refuses(client, request, organisation, persona):
    user = request.getfixturevalue(persona)
    give_totp(user)
    client.force_login(user)
    response = client.post(f"/en/staff/organisations/{organisation.pk}/refuse/", {"reason": REASON})
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.refused_at is None


def test_the_representatives_account_page_says_the_verification_was_refused(
    admin_client, citizen, organisation
):
    admin_client.post(f"/en/staff/organisations/{organisation.pk}/refuse/", {"reason": REASON})
    admin_client.force_login(citizen)
    page = admin_client.get("/ru/accounts/profile/").content.decode()
    assert "в подтверждении отказано" in page
    assert "ожидает подтверждения" not in page
