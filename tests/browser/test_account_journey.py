"""Acceptance: sign-up → verification email → login → logout → password reset, in a real browser."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link_from_last_email(pattern: str) -> str:
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return "/" + match.group(0).split("://", 1)[1].split("/", 1)[1]


def test_sign_up_verify_log_in_out_and_reset_password(page, live_server):
    page.goto("/en/")
    page.get_by_role("link", name="Sign up").first.click()
    page.locator("#id_email").fill("newcomer@example.test")
    page.locator("#id_display_name").fill("Newcomer")
    page.locator("#id_password1").fill("a-long-enough-password")
    page.locator("#id_password2").fill("a-long-enough-password")
    page.locator("#id_accept_privacy").check()
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r"/en/accounts/confirm-email/$"))
    assert len(mail.outbox) == 1

    page.goto(_link_from_last_email(r"https?://\S+/accounts/confirm-email/\S+/"))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/en/accounts/login/$"))

    page.locator("#id_login").fill("newcomer@example.test")
    page.locator("#id_password").fill("a-long-enough-password")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/en/$"))
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Newcomer")).to_be_visible()

    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign Out").click()
    page.wait_for_url(re.compile(r"/en/$"))
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()

    page.goto("/en/accounts/password/reset/")
    page.locator("#id_email").fill("newcomer@example.test")
    page.get_by_role("button", name="Reset My Password").click()
    page.wait_for_url(re.compile(r"/en/accounts/password/reset/done/$"))
    page.goto(_link_from_last_email(r"https?://\S+/accounts/password/reset/key/\S+/"))
    page.locator("#id_password1").fill("another-long-password")
    page.locator("#id_password2").fill("another-long-password")
    page.get_by_role("button", name="Change Password").click()
    page.wait_for_url(re.compile(r"/en/accounts/password/reset/key/done/$"))

    page.goto("/en/accounts/login/")
    page.locator("#id_login").fill("newcomer@example.test")
    page.locator("#id_password").fill("another-long-password")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/en/$"))
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Newcomer")).to_be_visible()
    assert page.console_errors == []


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_consent_box_comes_before_its_label_and_the_notice_is_one_click_away(page, live_server, language):
    """Django renders a checkbox after its label and help: on sign-up the box sat alone on a row of its own,
    under a sentence about a notice the form did not link to."""
    page.goto(f"/{language}/accounts/signup/")
    box = page.locator("#id_accept_privacy").bounding_box()
    label = page.locator("label[for=id_accept_privacy]").bounding_box()
    assert box["x"] + box["width"] <= label["x"]  # the box first
    assert (
        abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < label["height"]
    )  # one row
    page.locator("#id_accept_privacy_helptext a").click()
    page.wait_for_url(f"**/{language}/privacy/")
    assert page.locator("h1").count() == 1
