"""Its representatives correct an organisation's details from its members page; a new name sends a verified
organisation back to verification, since the verified name is what readers trust on every proposal."""

import pytest

from portal.accounts import services
from portal.accounts.models import Organisation, OrganisationMembership

pytestmark = pytest.mark.django_db

DETAILS = {"name": "Civic Lawyers", "description": "Lawyers for open law-making.", "website": "lawyers.kz"}


@pytest.fixture
def organisation(citizen, admin_user):
    organisation = services.organisation_register(name="Civic Lawyers", kind="expert", registered_by=citizen)
    return services.organisation_verify(organisation=organisation, verified_by=admin_user)


def edit_url(organisation) -> str:
    return f"/en/accounts/organisations/{organisation.slug}/edit/"


def test_a_representative_corrects_the_description_and_website_and_it_stays_verified(
    client, citizen, organisation
):
    client.force_login(citizen)
    page = client.get(f"/kk/accounts/organisations/{organisation.slug}/members/").content.decode()
    assert f'action="/kk/accounts/organisations/{organisation.slug}/edit/"' in page
    client.post(edit_url(organisation), DETAILS)
    organisation.refresh_from_db()
    assert organisation.description == "Lawyers for open law-making."
    assert organisation.website == "https://lawyers.kz"
    assert organisation.is_verified


def test_a_new_name_goes_back_to_the_verification_queue_under_the_same_address(
    client, citizen, admin_user, organisation
):
    client.force_login(citizen)
    slug = organisation.slug
    response = client.post(
        edit_url(organisation), {**DETAILS, "name": "Lawyers for the Constitution"}, follow=True
    )
    assert "an administrator verifies the organisation again" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "Lawyers for the Constitution"
    assert organisation.slug == slug
    assert not organisation.is_verified
    assert organisation in Organisation.objects.filter(verified_at__isnull=True, refused_at__isnull=True)


def test_the_new_name_may_not_read_like_another_verified_organisation(
    client, citizen, other_citizen, admin_user, organisation
):
    amanat = services.organisation_register(name="Amanat Experts", kind="expert", registered_by=other_citizen)
    services.organisation_verify(organisation=amanat, verified_by=admin_user)
    client.force_login(citizen)
    client.post(edit_url(organisation), {**DETAILS, "name": "Аmanat Experts"})  # a Cyrillic А
    organisation.refresh_from_db()
    assert organisation.name == "Civic Lawyers" and organisation.is_verified


def test_a_plain_member_cannot_change_the_details(client, other_citizen, organisation):
    OrganisationMembership.objects.create(
        organisation=organisation, user=other_citizen, can_act_on_behalf=True
    )
    client.force_login(other_citizen)
    assert client.post(edit_url(organisation), {**DETAILS, "name": "Hijacked"}).status_code == 404
    organisation.refresh_from_db()
    assert organisation.name == "Civic Lawyers"


def test_a_refused_organisation_corrects_its_bin_and_goes_back_to_the_queue(client, citizen, admin_user):
    party = services.organisation_register(
        name="Party of Tests", kind="party", business_number="240151819093", registered_by=citizen
    )
    services.organisation_refuse(
        organisation=party, refused_by=admin_user, reason="This BIN is not the party's in the state register."
    )
    client.force_login(citizen)
    url = f"/en/accounts/organisations/{party.slug}/edit/"
    client.post(url, {"name": "Party of Tests", "business_number": ""})
    party.refresh_from_db()
    assert party.refused_at is not None  # a party keeps a BIN
    client.post(url, {"name": "Party of Tests", "business_number": "240158369492"})
    party.refresh_from_db()
    assert party.business_number == "240158369492"
    assert party.refused_at is None and party.refusal_reason == ""
    assert party in Organisation.objects.filter(verified_at__isnull=True, refused_at__isnull=True)


def test_a_verified_party_edits_its_description_keeping_its_own_bin(client, citizen, admin_user):
    party = services.organisation_register(
        name="Party of Tests", kind="party", business_number="240151819093", registered_by=citizen
    )
    services.organisation_verify(organisation=party, verified_by=admin_user)
    client.force_login(citizen)
    client.post(
        f"/en/accounts/organisations/{party.slug}/edit/",
        {"name": "Party of Tests", "business_number": "240151819093", "description": "For tests."},
    )
    party.refresh_from_db()
    assert party.description == "For tests." and party.is_verified
