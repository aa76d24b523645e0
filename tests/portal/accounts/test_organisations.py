import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.accounts import services
from portal.accounts.models import Organisation, OrganisationMembership
from portal.accounts.permissions import can_act_for_organisation
from portal.core.models import AuditEntry
from tests.conftest import give_totp
from tests.proposals.factories import ProposalFactory

# A valid BIN: registered in January 2024, a resident legal entity, its check digit computed as an IIN's.
PARTY_BIN = "240140000011"


pytestmark = pytest.mark.django_db


def test_registering_makes_the_person_its_representative(client, citizen):
    client.force_login(citizen)
    response = client.post(
        "/en/accounts/organisations/new/",
        {
            "name": "Civic  Lawyers",
            "kind": "ngo",
            "description": "",
            "website": "",
            "business_number": PARTY_BIN,
        },
    )
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    assert organisation.name == "Civic Lawyers"
    assert not organisation.is_verified
    membership = OrganisationMembership.objects.get(organisation=organisation)
    assert membership.user == citizen
    assert membership.role == OrganisationMembership.Role.REPRESENTATIVE


def test_registration_form_reports_a_bad_kind_and_keeps_the_input(client, citizen):
    client.force_login(citizen)
    response = client.post("/en/accounts/organisations/new/", {"name": "Keep me", "kind": "cult"})
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert b'value="Keep me"' in response.content
    assert not Organisation.objects.exists()


def test_public_page_shows_display_names_and_never_emails(client, citizen):
    organisation = services.organisation_register(name="Party of Tests", kind="party", registered_by=citizen)
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200
    assert citizen.display_name.encode() in response.content
    assert citizen.email.encode() not in response.content


@pytest.mark.parametrize(
    ("persona", "expected_status", "verified"),
    [
        (None, 302, False),  # anonymous: to login
        ("citizen", 403, False),  # the representative cannot verify their own organisation
        ("other_citizen", 403, False),
        ("moderator", 403, False),
        ("admin_user", 302, True),
    ],
)
def test_verify_endpoint_matrix(client, request, citizen, settings, persona, expected_status, verified):
    settings.PORTAL_STAFF_MFA = "required"
    organisation = services.organisation_register(name="Experts", kind="expert", registered_by=citizen)
    if persona:
        user = request.getfixturevalue(persona)
        give_totp(user)
        client.force_login(user)
    response = client.post(f"/en/staff/organisations/{organisation.pk}/verify/")
    assert response.status_code == expected_status
    organisation.refresh_from_db()
    assert organisation.is_verified is verified


def test_verify_endpoint_refuses_get(client, admin_user):
    give_totp(admin_user)
    client.force_login(admin_user)
    organisation = services.organisation_register(name="X Org", kind="other", registered_by=admin_user)
    assert client.get(f"/en/staff/organisations/{organisation.pk}/verify/").status_code == 405


def test_only_representatives_and_admins_add_members(citizen, other_citizen, admin_user):
    organisation = services.organisation_register(name="Org", kind="ngo", registered_by=citizen)
    with pytest.raises(PermissionDenied):
        services.organisation_add_member(
            organisation=organisation, user=other_citizen, added_by=other_citizen
        )
    services.organisation_add_member(
        organisation=organisation, user=other_citizen, added_by=citizen, can_act_on_behalf=True
    )
    assert organisation.memberships.count() == 2


def test_a_long_name_gives_an_address_of_seventy_characters_and_a_repeated_one_a_number(citizen):
    first = services.organisation_register(name="A" * 100, kind="ngo", registered_by=citizen)
    second = services.organisation_register(name="A" * 99 + "B", kind="ngo", registered_by=citizen)
    assert (first.slug, second.slug) == ("a" * 70, "a" * 70 + "-2")


def test_a_member_is_added_with_its_audit_entry_or_not_at_all(citizen, other_citizen, monkeypatch):
    organisation = services.organisation_register(name="Org", kind="ngo", registered_by=citizen)

    def audit_unavailable(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(services, "audit_record", audit_unavailable)
    with pytest.raises(RuntimeError):
        services.organisation_add_member(organisation=organisation, user=other_citizen, added_by=citizen)
    assert not organisation.memberships.filter(user=other_citizen).exists()


@pytest.mark.parametrize(
    "look_alike",
    [
        "Amanat",  # the same name again
        "\u0410manat",  # a Cyrillic А
        "Ama\u200bnat",  # a zero-width space
        "AMANAT!",
        "Amanát",
        "Am\u0430n\u0430t",  # Cyrillic а twice
    ],
)
def test_a_name_that_looks_like_a_verified_one_is_refused(citizen, other_citizen, look_alike):
    verified = services.organisation_register(name="Amanat", kind="party", registered_by=citizen)
    services.organisation_verify(organisation=verified, verified_by=None)
    with pytest.raises(ValidationError) as refused:
        services.organisation_register(name=look_alike, kind="party", registered_by=other_citizen)
    assert "name" in refused.value.message_dict
    assert Organisation.objects.count() == 1


def test_a_different_name_is_registered_beside_another(citizen, other_citizen):
    verified = services.organisation_register(name="Amanat", kind="party", registered_by=citizen)
    services.organisation_verify(organisation=verified, verified_by=None)
    services.organisation_register(name="Amanat Youth", kind="ngo", registered_by=other_citizen)
    assert Organisation.objects.count() == 2


def test_an_unverified_squatter_does_not_keep_the_real_organisation_out(
    client, citizen, other_citizen, admin_user
):
    squatter = services.organisation_register(name="Amanat", kind="party", registered_by=other_citizen)
    real = services.organisation_register(name="Amanat", kind="party", registered_by=citizen)
    services.organisation_verify(organisation=real, verified_by=None)
    with pytest.raises(ValidationError):
        services.organisation_verify(organisation=squatter, verified_by=None)
    give_totp(admin_user)
    client.force_login(admin_user)
    response = client.post(f"/en/staff/organisations/{squatter.pk}/verify/", follow=True)
    assert "already verified" in response.content.decode()
    squatter.refresh_from_db()
    assert not squatter.is_verified


def test_the_form_says_why_a_look_alike_name_is_refused(client, citizen, other_citizen):
    verified = services.organisation_register(name="Civic Lawyers", kind="ngo", registered_by=citizen)
    services.organisation_verify(organisation=verified, verified_by=None)
    client.force_login(other_citizen)
    response = client.post(
        "/en/accounts/organisations/new/",
        {"name": "Civic Lawyer\u0455", "kind": "ngo", "business_number": PARTY_BIN},
    )
    assert response.status_code == 200
    assert "looks the same" in " ".join(response.context["form"].errors["name"])


def test_a_member_leaves_and_is_no_longer_named_nor_acting_for_it(client, citizen, other_citizen):
    organisation = services.organisation_register(name="Lawyers", kind="ngo", registered_by=citizen)
    services.organisation_verify(organisation=organisation, verified_by=None)
    services.organisation_add_member(
        organisation=organisation, user=other_citizen, added_by=citizen, can_act_on_behalf=True
    )
    assert other_citizen.display_name in client.get(organisation.get_absolute_url()).content.decode()
    client.force_login(other_citizen)
    response = client.post(f"/en/accounts/organisations/{organisation.slug}/leave/")
    assert response.status_code == 302
    assert not organisation.memberships.filter(user=other_citizen).exists()
    assert not can_act_for_organisation(other_citizen, organisation)
    assert AuditEntry.objects.filter(action="organisation.member_left", actor=other_citizen).exists()
    client.logout()
    assert other_citizen.display_name not in client.get(organisation.get_absolute_url()).content.decode()


def test_leaving_an_organisation_one_does_not_belong_to_is_not_found(client, citizen, other_citizen):
    organisation = services.organisation_register(name="Lawyers", kind="ngo", registered_by=citizen)
    client.force_login(other_citizen)
    assert client.post(f"/en/accounts/organisations/{organisation.slug}/leave/").status_code == 404
    assert organisation.memberships.filter(user=citizen).exists()


def test_the_public_page_names_who_acts_for_it_and_not_the_other_members(client, citizen, other_citizen):
    organisation = services.organisation_register(name="Party of Tests", kind="party", registered_by=citizen)
    services.organisation_add_member(organisation=organisation, user=other_citizen, added_by=citizen)
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert citizen.display_name in page
    assert other_citizen.display_name not in page


@pytest.mark.parametrize("name", ["Amanat", "Аmanat", "A m a n a t"])
def test_a_person_cannot_take_a_verified_organisations_name(client, citizen, other_citizen, name):
    verified = services.organisation_register(name="Amanat", kind="party", registered_by=citizen)
    services.organisation_verify(organisation=verified, verified_by=None)
    with pytest.raises(ValidationError):
        services.user_update_profile(user=other_citizen, display_name=name, preferred_language="kk")
    client.force_login(other_citizen)
    response = client.post("/en/accounts/profile/", {"display_name": name, "preferred_language": "en"})
    assert response.status_code == 200
    assert "verified organisation" in " ".join(response.context["form"].errors["display_name"])
    other_citizen.refresh_from_db()
    assert other_citizen.display_name != name


def test_names_without_letters_are_not_look_alikes_of_each_other(citizen, other_citizen):
    verified = services.organisation_register(name="***", kind="other", registered_by=citizen)
    services.organisation_verify(organisation=verified, verified_by=None)
    services.user_update_profile(user=other_citizen, display_name="--", preferred_language="kk")
    assert other_citizen.display_name == "--"


def test_its_only_representative_names_another_before_leaving(client, citizen, other_citizen):
    organisation = services.organisation_register(name="Lawyers", kind="ngo", registered_by=citizen)
    client.force_login(citizen)
    profile = client.get("/en/accounts/profile/").content.decode()
    # Two steps: the button that leaves is behind a summary that says what leaving does.
    assert "<summary>Leave the organisation</summary>" in profile and "Leave Lawyers" in profile
    response = client.post(f"/en/accounts/organisations/{organisation.slug}/leave/", follow=True)
    assert "only representative" in response.content.decode()
    assert organisation.memberships.filter(user=citizen).exists()
    services.organisation_add_member(
        organisation=organisation, user=other_citizen, added_by=citizen, role="representative"
    )
    client.post(f"/en/accounts/organisations/{organisation.slug}/leave/")
    assert not organisation.memberships.filter(user=citizen).exists()


def test_a_party_registers_with_its_bin_which_staff_see_and_which_a_second_registration_cannot_take(
    client, citizen, other_citizen
):
    client.force_login(citizen)
    form = {"name": "Civic Lawyers", "kind": "ngo", "description": "", "website": ""}
    missing = client.post("/ru/accounts/organisations/new/", form)
    assert missing.status_code == 200 and "БИН" in missing.content.decode()
    for wrong in ("24014000001", "240140000012", "２４０１４００００００１１", "241340000011"):
        page = client.post("/en/accounts/organisations/new/", {**form, "business_number": wrong})
        assert "BIN" in page.content.decode() and not Organisation.objects.exists(), wrong
    client.post("/en/accounts/organisations/new/", {**form, "business_number": "2401 4000 0011"})
    organisation = Organisation.objects.get()
    assert organisation.business_number == PARTY_BIN
    assert PARTY_BIN in client.get(organisation.get_absolute_url()).content.decode()
    services.organisation_verify(organisation=organisation, verified_by=None)
    # Someone else registering the verified organisation's number is not it.
    with pytest.raises(ValidationError, match="verified organisation has this BIN"):
        services.organisation_register(
            name="Other Lawyers", kind="ngo", business_number=PARTY_BIN, registered_by=other_citizen
        )
    # An expert body need not be a legal entity.
    services.organisation_register(name="Experts", kind="expert", registered_by=other_citizen)


def test_an_organisations_page_leads_to_the_proposals_submitted_on_its_behalf(client, citizen, other_citizen):
    organisation = services.organisation_register(name="Civic Lawyers", kind="expert", registered_by=citizen)
    services.organisation_verify(organisation=organisation, verified_by=None)
    ours = ProposalFactory(
        title="Courts publish every judgment", submitter_type="organisation", organisation=organisation
    )
    ProposalFactory(title="A person's own proposal", author=citizen, consultation=ours.consultation)
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert f"/proposals/?organisation={organisation.slug}" in page
    listing = client.get(f"/ru/proposals/?organisation={organisation.slug}").content.decode()
    assert "Courts publish every judgment" in listing and "A person's own proposal" not in listing
    assert "Предложения, поданные от имени Civic Lawyers." in listing
    # The filter stays when the form is sent again; a slug that is not one is no filter, not an error page.
    assert f'type="hidden" name="organisation" value="{organisation.slug}"' in listing
    odd = client.get("/en/proposals/?organisation=%3Cscript%3E")
    assert odd.status_code == 200 and "<script>" not in odd.content.decode()


def test_kazakh_and_russian_names_give_readable_web_addresses(citizen, other_citizen, admin_user):
    """Every Cyrillic letter was dropped: all such organisations were /organisations/organisation-2/, -3/…"""
    names = {
        "Қазақстан заңгерлер одағы": "qazaqstan-zangerler-odagy",
        "Ассоциация юристов Казахстана": "assotsiatsiia-iuristov-kazakhstana",
        "Әділет": "adilet",
        "«!!!»": "organisation",
    }
    registrars = [citizen, other_citizen, admin_user, citizen]
    for (name, slug), person in zip(names.items(), registrars, strict=True):
        assert services.organisation_register(name=name, kind="other", registered_by=person).slug == slug
    again = services.organisation_register(name="Әділет", kind="other", registered_by=other_citizen)
    assert again.slug == "adilet-2"


@pytest.mark.parametrize(
    "name",
    [
        "Конституциялық комиссия",
        "Official Commission",
        "Оffiсial Соmmission",  # Cyrillic О, с and С among the Latin letters
        "Конституционная к\u200bомиссия",  # a zero-width space inside the word
        "Konstitutsiyalyq Komissiya",  # the Kazakh words in Latin letters, as they sound
        "Ресми өкілдік",
        "Portal Moderators",
        "\u039aommission",  # a Greek capital Kappa
        "\u1d0f\ua730\ua730\u026a\u1d04\u026a\u1d00\u029f",  # "ᴏꜰꜰɪᴄɪᴀʟ" in small capitals
    ],
)
def test_an_organisation_may_not_take_the_words_of_staff_badges(client, citizen, name):
    client.force_login(citizen)
    response = client.post(
        "/en/accounts/organisations/new/", {"name": name, "kind": "other", "description": "", "website": ""}
    )
    assert response.status_code == 200
    assert "reserved for the portal" in response.context["form"].errors["name"][0]
    assert not Organisation.objects.exists()
    with pytest.raises(ValidationError):
        services.organisation_register(name=name, kind="other", registered_by=citizen)


# «цифр» is a digit, «сан» a number: the IIN's messages say «цифр», and the BIN's said «12 сан».
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345", "БСН дәл 12 цифрдан (0-9) тұрады."),
        ("123456789012", "Бұл жарамды БСН емес: цифрларды тексеріңіз."),
    ],
)
def test_a_refused_bin_is_told_in_kazakh_with_the_word_for_digits_the_iin_uses(
    client, citizen, typed, message
):
    client.force_login(citizen)
    page = client.post(
        "/kk/accounts/organisations/new/", {"name": "Заңгерлер", "kind": "ngo", "business_number": typed}
    ).content.decode()
    assert message in page
