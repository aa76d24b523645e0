"""The staff second-factor gate, across roles and both policies."""

import pytest
from django.urls import reverse

from portal.core.middleware import SECOND_FACTOR_NEXT_KEY
from portal.core.templatetags.portal_tags import after_second_factor_url
from tests.conftest import current_totp_code, give_totp, sign_in_staff

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


def _set_up_totp_after_asking_for(client, user, page: str):
    """Signs in with the password, asks for `page`, and sets TOTP up on the page the gate sends to."""
    client.post("/ru/accounts/login/", {"login": user.email, "password": "correct-horse-battery"})
    sent = client.get(page)
    assert sent["Location"] == "/ru/accounts/2fa/totp/activate/"
    confirm = client.get(sent["Location"])
    if confirm.status_code == 302:  # allauth asks for the password again before a change of sign-in methods
        client.post(confirm["Location"], {"password": "correct-horse-battery"})
    secret = client.get(sent["Location"]).context["form"].secret
    return client.post(sent["Location"], {"code": current_totp_code(secret)}, follow=True)


# Committed for real: allauth's "authenticator added" signal, which makes the setup count as the session's
# second factor, waits for the commit.
@pytest.mark.django_db(transaction=True)
def test_after_setting_up_totp_staff_find_their_way_back_to_the_page_they_asked_for(
    client, moderator, settings
):
    settings.PORTAL_STAFF_MFA = "required"
    codes_page = _set_up_totp_after_asking_for(client, moderator, "/ru/moderation/?source=report")
    assert codes_page.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    html = codes_page.content.decode()
    assert 'href="/ru/moderation/?source=report"' in html
    assert "Перейти в служебный раздел" in html
    assert client.get("/ru/moderation/?source=report").status_code == 200


def test_a_destination_that_is_not_local_gives_way_to_the_staff_area(client, moderator, settings):
    settings.PORTAL_STAFF_MFA = "required"
    sign_in_staff(client, moderator)
    session = client.session
    session[SECOND_FACTOR_NEXT_KEY] = "https://evil.example/staff/"
    session.save()
    request = client.get("/ru/").wsgi_request
    assert after_second_factor_url({"request": request}) == "/ru/staff/"
