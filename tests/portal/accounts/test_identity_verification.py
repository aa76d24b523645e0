import pytest
from django.core.exceptions import PermissionDenied

from portal.accounts.models import IdentityVerification
from portal.accounts.permissions import is_verified_person
from portal.accounts.verification.services import identity_verification_record
from portal.core.checks import contact_address_set
from tests.conftest import give_totp

pytestmark = pytest.mark.django_db

# Check digit by hand: 9·1 + 0·2 + 0·3 + 1·4 + 0·5 + 1·6 + 3·7 + 0·8 + 0·9 + 1·10 + 2·11 = 72; 72 mod 11 = 6.
VALID_IIN = "900101300126"
URL = "/en/accounts/verify/"


def test_valid_iin_verifies_the_account_and_stores_no_iin(client, citizen):
    client.force_login(citizen)
    response = client.post(URL, {"iin": "9001 0130 0126"})
    assert response.status_code == 302
    verification = IdentityVerification.objects.get(user=citizen)
    assert verification.method == "iin"
    assert VALID_IIN not in (verification.identity_hash or "")
    assert len(verification.identity_hash) == 64
    assert is_verified_person(citizen)
    page = client.get(URL).content.decode()
    assert VALID_IIN not in page


@pytest.mark.parametrize(
    ("iin", "message"),
    [
        ("90010130012", "exactly 12 digits"),
        ("900101300127", "not a valid IIN"),
        ("991301300126", "not a valid IIN"),
    ],
)
def test_invalid_iin_is_explained_beside_the_field_and_kept(client, citizen, iin, message):
    client.force_login(citizen)
    response = client.post(URL, {"iin": iin})
    assert response.status_code == 200
    assert message in " ".join(response.context["iin_form"].errors["iin"])
    assert f'value="{iin}"' in response.content.decode()
    assert not is_verified_person(citizen)


def test_people_the_portal_cannot_help_itself_are_given_the_offices_address(
    client, settings, citizen, other_citizen
):
    """No IIN, or an IIN another account holds: "contact the office" named no address to write to."""
    settings.CONTACT_EMAIL = "office@konstitucia.example.kz"
    identity_verification_record(user=citizen, method="iin", identity=VALID_IIN, verified_by=None)
    client.force_login(other_citizen)
    page = client.get("/ru/accounts/verify/").content.decode()
    assert (
        "напишите в аппарат Комиссии: "
        '<a href="mailto:office@konstitucia.example.kz">office@konstitucia.example.kz</a>' in page
    )
    footer = page[page.index('<footer class="site-footer">') :]
    assert 'href="mailto:office@konstitucia.example.kz"' in footer
    refused = client.post("/ru/accounts/verify/", {"iin": VALID_IIN})
    assert refused.context["iin_form"].errors["iin"] == [
        "Этот ИИН уже подтверждает другую учётную запись. Если это ошибка, напишите в аппарат Комиссии: "
        "office@konstitucia.example.kz."
    ]
    settings.CONTACT_EMAIL = ""
    page = client.get("/ru/accounts/verify/").content.decode()
    assert "mailto:" not in page


def test_the_deploy_check_says_when_no_address_of_the_office_is_set(settings):
    settings.CONTACT_EMAIL = ""
    assert [message.id for message in contact_address_set(None)] == ["portal.I046"]
    settings.CONTACT_EMAIL = "office@konstitucia.example.kz"
    assert contact_address_set(None) == []


def test_one_iin_verifies_only_one_account(client, citizen, other_citizen):
    identity_verification_record(user=citizen, method="iin", identity=VALID_IIN, verified_by=None)
    client.force_login(other_citizen)
    response = client.post(URL, {"iin": VALID_IIN})
    assert response.status_code == 200
    assert "already verifies another account" in " ".join(response.context["iin_form"].errors["iin"])
    assert not is_verified_person(other_citizen)


def test_guessing_iins_is_rate_limited(client, citizen):
    client.force_login(citizen)
    statuses = [client.post(URL, {"iin": "900101300127"}).status_code for _attempt in range(6)]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429


def test_verification_page_needs_login(client):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize(
    ("persona", "expected_status", "verified"),
    [(None, 302, False), ("citizen", 403, False), ("moderator", 403, False), ("admin_user", 302, True)],
)
def test_staff_verification_matrix(client, request, other_citizen, persona, expected_status, verified):
    if persona:
        user = request.getfixturevalue(persona)
        give_totp(user)
        client.force_login(user)
    response = client.post("/en/staff/people/verify/", {"email": other_citizen.email, "note": "ID card seen"})
    assert response.status_code == expected_status
    assert is_verified_person(other_citizen) is verified


def test_staff_verification_service_refuses_non_admins(citizen, moderator):
    with pytest.raises(PermissionDenied):
        identity_verification_record(user=citizen, method="staff", identity=None, verified_by=moderator)


def test_an_administrator_does_not_verify_their_own_account(client, admin_user):
    """A staff check names no IIN: vouching for oneself would make a verified person (one support per person)
    whom no document stands behind, beside any account the same person verified with their IIN."""
    with pytest.raises(PermissionDenied):
        identity_verification_record(user=admin_user, method="staff", identity=None, verified_by=admin_user)
    give_totp(admin_user)
    client.force_login(admin_user)
    response = client.post(
        "/en/staff/people/verify/", {"email": admin_user.email, "note": "Looked in a mirror"}, follow=True
    )
    # Refused with its reason on the page the form is on, not a bare 403.
    assert response.status_code == 200
    assert "another administrator" in response.content.decode().lower()
    assert not IdentityVerification.objects.filter(user=admin_user).exists()


@pytest.mark.parametrize("note", [f"ID card {VALID_IIN} seen", "ЖСН 9001 0130 0126, куәлік"])
def test_a_staff_note_with_the_iin_in_it_is_refused_and_nothing_is_recorded(
    client, admin_user, other_citizen, note
):
    give_totp(admin_user)
    client.force_login(admin_user)
    client.post("/en/staff/people/verify/", {"email": other_citizen.email, "note": note})
    assert not IdentityVerification.objects.filter(user=other_citizen).exists()
    assert not IdentityVerification.objects.filter(note__contains="0126").exists()
