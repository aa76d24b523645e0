import pytest
from django.core.management import CommandError, call_command

from portal.accounts.models import ApiToken
from portal.accounts.tokens import api_token_authenticate, api_token_create
from portal.core.roles import is_moderator, roles_of
from proposals.api.auth import TokenAuth
from tests.conftest import give_totp

pytestmark = pytest.mark.django_db


def test_token_is_shown_once_and_only_its_prefix_afterwards(client, citizen):
    client.force_login(citizen)
    response = client.post("/en/accounts/tokens/", {"name": "dashboard"})
    assert response.status_code == 200
    plain = response.context["new_token"]
    assert plain.startswith("qat_")
    assert plain in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    again = client.get("/en/accounts/tokens/").content.decode()
    assert plain not in again
    assert plain[:10] in again
    assert api_token_authenticate(plain) == citizen


def test_revoked_token_stops_working(client, citizen):
    token, plain = api_token_create(user=citizen, name="script")
    client.force_login(citizen)
    assert client.post(f"/en/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert api_token_authenticate(plain) is None


def test_nobody_else_can_revoke_a_token(client, citizen, other_citizen):
    token, plain = api_token_create(user=citizen, name="script")
    client.force_login(other_citizen)
    assert client.post(f"/en/accounts/tokens/{token.pk}/revoke/").status_code == 404
    client.logout()
    assert client.post(f"/en/accounts/tokens/{token.pk}/revoke/").status_code == 302  # to login
    assert api_token_authenticate(plain) == citizen


def test_token_of_a_deactivated_account_does_not_authenticate(citizen):
    _token, plain = api_token_create(user=citizen, name="x")
    citizen.is_active = False
    citizen.save()
    assert api_token_authenticate(plain) is None


@pytest.mark.parametrize("garbage", ["", "qat_", "Bearer x", "qat_" + "a" * 200, "not-a-token"])
def test_garbage_tokens_do_not_authenticate(garbage):
    assert api_token_authenticate(garbage) is None


def test_create_api_token_command_prints_a_working_token(citizen, capsys):
    call_command("create_api_token", citizen.email)
    plain = capsys.readouterr().out.strip()
    assert api_token_authenticate(plain) == citizen
    assert ApiToken.objects.get(user=citizen).token_hash != plain


def test_create_api_token_command_rejects_unknown_accounts():
    with pytest.raises(CommandError, match="No active account"):
        call_command("create_api_token", "nobody@example.test")


def test_token_name_is_required(client, citizen):
    client.force_login(citizen)
    response = client.post("/en/accounts/tokens/", {"name": "  "})
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("staff_mfa", ["required", "optional"])
def test_a_staff_members_token_carries_no_staff_role(rf, moderator, settings, staff_mfa):
    settings.PORTAL_STAFF_MFA = staff_mfa
    give_totp(moderator)
    _token, plain = api_token_create(user=moderator, name="script")
    user = TokenAuth().authenticate(rf.get("/api/v1/proposals"), plain)
    assert user == moderator
    assert roles_of(user) == frozenset()
    assert not is_moderator(user)
