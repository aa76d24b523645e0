"""The staff second-factor gate, across roles and both policies."""

import pytest
from django.urls import reverse

from tests.conftest import current_totp_code, give_totp

pytestmark = pytest.mark.django_db

STAFF_PAGE = "/en/staff/"


def test_moderator_without_a_second_factor_is_sent_to_set_one_up(client, moderator, settings):
    settings.PORTAL_STAFF_MFA = "required"
    client.force_login(moderator)
    response = client.get(STAFF_PAGE)
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/totp/activate/"


def test_moderator_with_totp_opens_the_staff_area(client, moderator, settings):
    settings.PORTAL_STAFF_MFA = "required"
    give_totp(moderator)
    client.force_login(moderator)
    response = client.get(STAFF_PAGE)
    assert response.status_code == 200
    assert b"Moderator" in response.content


def test_gate_also_guards_the_django_admin(client, admin_user, settings):
    settings.PORTAL_STAFF_MFA = "required"
    client.force_login(admin_user)
    response = client.get("/en/admin/")
    assert response.status_code == 302
    assert "/2fa/totp/activate/" in response["Location"]


def test_optional_policy_lets_staff_in_without_a_second_factor(client, moderator, settings):
    settings.PORTAL_STAFF_MFA = "optional"
    client.force_login(moderator)
    assert client.get(STAFF_PAGE).status_code == 200


def test_citizen_cannot_open_the_staff_area(client, citizen):
    client.force_login(citizen)
    assert client.get(STAFF_PAGE).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(STAFF_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_admin_login_page_goes_through_allauth_so_the_second_factor_cannot_be_skipped(client):
    response = client.get("/en/admin/login/?next=/en/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_login_with_totp_asks_for_the_code_and_then_opens_the_staff_area(client, moderator, settings):
    settings.PORTAL_STAFF_MFA = "required"
    secret = give_totp(moderator)
    response = client.post(
        "/en/accounts/login/", {"login": moderator.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    # Password alone is not a session yet.
    assert client.get(STAFF_PAGE).status_code == 302
    response = client.post("/en/accounts/2fa/authenticate/", {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert client.get(STAFF_PAGE).status_code == 200
