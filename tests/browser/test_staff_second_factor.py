"""Acceptance: a moderator without a second factor is sent to set one up; with TOTP the staff area opens."""

import re

import pytest
from playwright.sync_api import expect

from portal.accounts import services
from portal.core.roles import Role
from tests.conftest import current_totp_code
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_moderator_sets_up_totp_before_the_staff_area_opens(page, settings):
    settings.PORTAL_STAFF_MFA = "required"
    moderator = UserFactory(email="mod@example.test", display_name="Mod")
    services.user_grant_role(user=moderator, role=Role.MODERATOR, granted_by=None)

    page.goto("/en/accounts/login/?next=/en/staff/")
    page.locator("#id_login").fill("mod@example.test")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    # The staff area is not shown: the gate sends the moderator to set up an authenticator.
    page.wait_for_url(re.compile(r"/en/accounts/(2fa/totp/activate|reauthenticate)/"))
    expect(page.get_by_text("Staff pages need a second factor")).to_be_visible()
    assert page.get_by_role("heading", name="Staff area").count() == 0
    # allauth asks for the password again before a second factor is added.
    if "/reauthenticate/" in page.url:
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_url(re.compile(r"/en/accounts/2fa/totp/activate/$"))

    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(current_totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(re.compile(r"/en/accounts/2fa/recovery-codes/"))
    expect(page.get_by_text("Authenticator app activated")).to_be_visible()

    page.goto("/en/staff/")
    expect(page.get_by_role("heading", name="Staff area")).to_be_visible()
