"""A page sent back with form errors says so in its title, the first thing a screen reader reads of a page."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_page_sent_back_with_errors_says_so_in_its_title(page):
    page.goto("/kk/accounts/login/")
    title = page.title()
    page.fill("input[name=login]", "nobody@example.kz")
    page.fill("input[name=password]", "wrong-password-1")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.title() == f"Қате: {title}"
