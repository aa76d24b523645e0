"""A citizen signs up, verifies, submits a proposal on an article; once published it
appears in the list, in search and on the article page; a second citizen supports it, twice counting once."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from proposals.demo import seed_consultation
from proposals.models import Proposal
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _path_of_last_link(pattern):
    match = re.search(pattern, mail.outbox[-1].body)
    return "/" + match.group(0).split("://", 1)[1].split("/", 1)[1]


def test_citizen_submits_on_an_article_and_another_supports_it(page):
    seed_consultation()
    page.goto("/en/accounts/signup/")
    page.locator("#id_email").fill("author@example.test")
    page.locator("#id_display_name").fill("Author A.")
    page.locator("#id_password1").fill("a-long-enough-password")
    page.locator("#id_password2").fill("a-long-enough-password")
    page.locator("#id_accept_privacy").check()
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r"/confirm-email/$"))
    page.goto(_path_of_last_link(r"https?://\S+/accounts/confirm-email/\S+/"))
    page.get_by_role("button", name="Confirm").click()
    page.locator("#id_login").fill("author@example.test")
    page.locator("#id_password").fill("a-long-enough-password")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/en/$"))

    # Read the article, then propose a change to it from its page.
    page.goto("/en/consultations/constitutional-reform/constitution/articles/local-budgets/")
    page.get_by_role("link", name="Propose a change to this article").click()
    page.locator("#id_title").fill("Councils approve local budgets with public hearings")
    page.locator("#id_summary").fill("Local budgets need a public hearing before the council votes.")
    page.locator("#id_body").fill("Every local budget is discussed in a **public hearing** first.")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/compare/$"))
    page.get_by_role("link", name="Continue with my proposal").click()
    page.get_by_role("button", name="Submit the proposal").click()
    page.wait_for_url(re.compile(r"/en/proposals/\d+/$"))
    proposal = Proposal.objects.get(title__startswith="Councils approve")
    assert proposal.status == "published"
    assert [a.key for a in proposal.articles.all()] == ["local-budgets"]

    page.goto("/en/proposals/")
    expect(
        page.get_by_role("link", name="Councils approve local budgets with public hearings")
    ).to_be_visible()
    page.goto("/en/proposals/?q=hearing")
    expect(
        page.get_by_role("link", name="Councils approve local budgets with public hearings")
    ).to_be_visible()
    page.goto("/en/consultations/constitutional-reform/constitution/articles/local-budgets/")
    expect(page.get_by_role("heading", name="1 proposal on this article")).to_be_visible()

    # A second citizen verifies their identity and supports it, twice.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign Out").click()
    UserFactory(email="supporter@example.test", display_name="Supporter")
    page.goto("/en/accounts/login/")
    page.locator("#id_login").fill("supporter@example.test")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/en/$"))
    page.goto("/en/accounts/verify/")
    page.locator("#id_iin").fill("900101300126")
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("Your identity is verified").wait_for()
    page.goto(proposal.get_absolute_url().replace("/kk/", "/en/"))
    page.get_by_role("button", name="Support", exact=True).click()
    page.get_by_text("You support this proposal.").wait_for()
    # A second click from a stale page (another tab) must not count twice.
    page.goto(proposal.get_absolute_url().replace("/kk/", "/en/"))
    page.evaluate(
        """async (url) => {
            const token = document.querySelector('input[name=csrfmiddlewaretoken]').value;
            await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token}});
        }""",
        f"/en/proposals/{proposal.pk}/support/",
    )
    proposal.refresh_from_db()
    assert proposal.supports_count == 1
    assert proposal.supports.count() == 1
