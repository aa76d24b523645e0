"""The three journeys end to end in Chromium: the citizen's (also with JavaScript off, in two languages, and by
keyboard alone), the moderator's and the Commission's.

Selectors go by form actions and field ids rather than by words, so that one journey runs in every language.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.notifications.services import preferences_of, unsubscribe_token
from proposals.demo import seed_consultation
from proposals.models import Proposal
from tests.factories import UserFactory
from tests.identity import make_iin
from tests.proposals.factories import AgendaItemFactory, HearingFactory, ProposalFactory, publish_response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-password"
ARTICLE = "/{lang}/consultations/constitutional-reform/constitution/articles/local-budgets/"


@pytest.fixture
def journey_page(browser, live_server, request):
    """A page in a context with JavaScript on or off (`request.param`, default on)."""
    javascript = getattr(request, "param", True)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def _path_of_last_link(pattern):
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return "/" + match.group(0).split("://", 1)[1].split("/", 1)[1]


def _submit(page, action_suffix):
    """Presses the submit button of the form whose action ends with `action_suffix`."""
    page.locator(f'form[action$="{action_suffix}"] [type=submit]').first.click()


def _sign_up_and_log_in(page, lang, email, name):
    page.goto(f"/{lang}/accounts/signup/")
    page.locator("#id_email").fill(email)
    page.locator("#id_display_name").fill(name)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_accept_privacy").check()
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(re.compile(r"/confirm-email/$"))
    page.goto(_path_of_last_link(r"https?://\S+/accounts/confirm-email/\S+/"))
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/{lang}/$"))


def _citizen_journey(page, lang, email="citizen@example.test"):
    consultation = seed_consultation()
    other = ProposalFactory(consultation=consultation, title="Open council sessions", author=UserFactory())
    hearing = HearingFactory(
        consultation=consultation, title_en="Budget hearing", title_ru="Слушание о бюджете"
    )
    AgendaItemFactory(hearing=hearing, proposals=[other])

    # Sign up, confirm the address, log in; verify identity (needed to support).
    _sign_up_and_log_in(page, lang, email, "Dana K.")
    page.goto(f"/{lang}/accounts/verify/")
    page.locator("#id_iin").fill("900101300126")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    citizen = UserFactory._meta.model.objects.get(email=email)
    assert hasattr(citizen, "identity_verification")

    # Read an article and propose a change to it.
    page.goto(ARTICLE.format(lang=lang))
    expect(page.locator("main h1").first).to_be_visible()
    page.locator('a[href*="/proposals/new/?consultation="][href*="&article="]').click()
    page.locator("#id_title").fill("Public hearings before budget votes")
    page.locator("#id_summary").fill("Local budgets need a public hearing before the council votes.")
    page.locator("#id_body").fill("Every local budget is discussed in a public hearing first.")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/compare/$"))
    page.locator('a[href$="/preview/"]').click()
    _submit(page, "/submit/")
    page.wait_for_url(re.compile(rf"/{lang}/proposals/\d+/$"))
    mine = Proposal.objects.get(title="Public hearings before budget votes")
    assert mine.status == "published"
    assert [a.key for a in mine.articles.all()] == ["local-budgets"]

    # Support and comment on someone else's proposal.
    page.goto(f"/{lang}/proposals/{other.pk}/")
    _submit(page, f"/proposals/{other.pk}/support/")
    expect(page.locator("#support-block .supports-count strong")).to_have_text("1")
    page.locator(f'form[action$="/proposals/{other.pk}/comments/"] textarea').fill(
        "Sessions should be streamed."
    )
    _submit(page, f"/proposals/{other.pk}/comments/")
    page.locator("p", has_text="Sessions should be streamed.").first.wait_for()

    # Register for the hearing where it is discussed.
    page.goto(f"/{lang}/hearings/{hearing.pk}/")
    _submit(page, f"/hearings/{hearing.pk}/register/")
    page.locator(f'form[action$="/hearings/{hearing.pk}/unregister/"]').wait_for()
    assert hearing.registrations.filter(user=citizen, status="registered").exists()

    # The Commission answers; the citizen reads the answer on the proposal's page.
    drafter, approver = UserFactory(), UserFactory()
    from portal.accounts import services as account_services
    from portal.core.roles import Role

    for member in (drafter, approver):
        account_services.user_grant_role(user=member, role=Role.COMMISSION, granted_by=None)
    publish_response(
        mine,
        drafter=drafter,
        approver=approver,
        **{f"reasoning_{mine.language}": "Hearings will precede every budget vote."},
    )
    page.goto(f"/{lang}/proposals/{mine.pk}/")
    page.get_by_text("Hearings will precede every budget vote.").wait_for()

    # Unsubscribe through the link every digest carries.
    page.goto(f"/{lang}/notifications/unsubscribe/{unsubscribe_token(user_id=citizen.pk, category=None)}/")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert set(preferences_of(citizen).values()) == {"off"}


@pytest.mark.parametrize(
    ("journey_page", "lang"),
    [(True, "en"), (False, "en"), (False, "ru")],
    indirect=["journey_page"],
    ids=["javascript-en", "no-javascript-en", "no-javascript-ru"],
)
def test_citizen_journey(journey_page, lang):
    _citizen_journey(journey_page, lang)


# --- the moderator ----------------------------------------------------------------------------------------


def _log_in_with_second_factor(page, user, secret):
    from tests.conftest import current_totp_code
    from tests.factories import PASSWORD as FACTORY_PASSWORD

    page.context.clear_cookies()
    page.goto("/en/accounts/login/?next=/en/moderation/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(FACTORY_PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("#id_code").fill(current_totp_code(secret))
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/en/moderation/$"))


def _decide(page, case, decision, reason_code="", statement=""):
    page.goto(f"/en/moderation/cases/{case.pk}/")
    _submit(page, f"/moderation/cases/{case.pk}/claim/")
    page.locator("#decision-form").wait_for()
    page.locator(f"#decision-form input[name=decision][value={decision}]").check()
    if reason_code:
        page.select_option("#id_reason_code", reason_code)
    if statement:
        page.locator("#id_statement").fill(statement)
    page.locator("#decision-form [type=submit]").click()
    page.wait_for_load_state()


def test_moderator_journey(journey_page, login_as_in, moderator, admin_user):
    """MFA sign-in, the queue, a rejection with reasons; the author appeals; another moderator decides it."""
    from proposals.models import ModerationCase
    from proposals.services.moderation import moderation_case_open
    from tests.conftest import give_totp

    page = journey_page
    author = UserFactory(email="author@example.test", display_name="Author")
    proposal = ProposalFactory(status="in_moderation", title="Buy our miracle pills", author=author)
    case = moderation_case_open(proposal=proposal)
    secret = give_totp(moderator)

    _log_in_with_second_factor(page, moderator, secret)
    page.locator(f'a[href$="/moderation/cases/{case.pk}/"]').first.click()
    page.wait_for_url(re.compile(rf"/moderation/cases/{case.pk}/$"))
    _decide(page, case, "reject", "off_topic", "This is an advertisement, not a proposal about the draft.")
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    case.refresh_from_db()
    assert (case.decision, case.reason_code) == ("reject", "off_topic")

    # The author reads the reasons on the proposal page and appeals.
    login_as_in(page, author)
    page.goto(f"/en/proposals/{proposal.pk}/")
    # The statement of reasons, and the timeline's step that quotes it.
    page.get_by_text("This is an advertisement, not a proposal about the draft.", exact=True).first.wait_for()
    page.locator("details:has(#appeal-grounds) summary").click()
    page.locator("#appeal-grounds").fill(
        "It is a proposal about article 3 on health care, please read again."
    )
    _submit(page, f"/proposals/{proposal.pk}/appeal/")
    page.wait_for_load_state()
    appeal = ModerationCase.objects.get(appeal_of=case)

    # Another moderator (an admin here) takes the appeal and upholds the rejection with reasons.
    give_totp(admin_user)
    login_as_in(page, admin_user)
    page.goto("/en/moderation/")
    page.locator(f'a[href$="/moderation/cases/{appeal.pk}/"]').first.click()
    page.get_by_text("It is a proposal about article 3 on health care").first.wait_for()
    _decide(page, appeal, "reject", "off_topic", "On appeal: the text advertises a product.")
    appeal.refresh_from_db()
    proposal.refresh_from_db()
    assert appeal.decision == "reject" and appeal.decided_by == admin_user
    assert proposal.status == "rejected"


@pytest.fixture
def login_as_in(live_server):
    """Puts a logged-in session for `user` into `page`'s browser context."""
    from django.conf import settings
    from django.test import Client

    def _login(page, user):
        page.context.clear_cookies()
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return _login


# --- the Commission ---------------------------------------------------------------------------------------


def test_commission_journey(journey_page, login_as_in, commissioner, second_commissioner):
    """A member answers a campaign cluster through its first proposal, another approves; the outcome is public."""
    from proposals.models import ProposalResponse
    from tests.conftest import give_totp
    from tests.proposals.factories import ConsultationFactory

    page = journey_page
    consultation = ConsultationFactory(slug="reform")
    text = "Councils should publish every budget line online."
    first = ProposalFactory(
        consultation=consultation, title="Publish budgets online", summary=text, body=text
    )
    members = ProposalFactory.create_batch(
        2,
        consultation=consultation,
        title="Publish budgets online",
        summary=text,
        body=text,
        cluster_of=first,
    )
    Proposal.objects.filter(pk=first.pk).update(cluster_size=3)
    give_totp(commissioner)
    give_totp(second_commissioner)

    login_as_in(page, commissioner)
    page.goto("/en/staff/commission/")
    page.locator(f'a[href$="/staff/commission/proposals/{first.pk}/"]').first.click()
    page.get_by_label("Outcome").select_option(label="Accepted")
    page.get_by_label("Reasoning in English").fill("Accepted: budgets will be published line by line.")
    page.get_by_role("button", name="Save and send for approval").click()
    page.get_by_text("The answer is sent for approval by another member.").wait_for()
    assert page.get_by_role("button", name="Approve and publish").count() == 0

    login_as_in(page, second_commissioner)
    page.goto(f"/en/staff/commission/proposals/{first.pk}/")
    page.get_by_role("button", name="Approve and publish").click()
    page.get_by_text("The answer is published").wait_for()
    assert ProposalResponse.objects.get(proposal=first).state == "published"

    # The outcome is public: on every proposal of the cluster and in the consultation's outcome.
    page.context.clear_cookies()
    for proposal in [first, *members]:
        page.goto(f"/en/proposals/{proposal.pk}/")
        page.get_by_text("Accepted: budgets will be published line by line.").first.wait_for()
    page.goto("/en/consultations/reform/outcome/")
    outcome = page.locator("main").inner_text()
    # A campaign cluster counts once: one proposal received, published and answered.
    assert re.search(r"Published\s+1\b", outcome) and re.search(r"Answered\s+1\b", outcome), outcome


# --- keyboard only ----------------------------------------------------------------------------------------


def _tab_to(page, selector, limit=150):
    """Presses Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_citizen_opens_supports_and_comments_with_the_keyboard_only(journey_page, login_as_in, citizen):
    from portal.accounts.verification.services import identity_verification_record

    page = journey_page
    proposal = ProposalFactory(title="Keyboard proposal")
    identity_verification_record(user=citizen, method="iin", identity=make_iin(), verified_by=None)
    login_as_in(page, citizen)
    page.goto("/en/proposals/")
    # A filter refreshes the list in place: the count is read out, not every card again.
    page.locator("#id_status").focus()
    page.select_option("#id_status", "published")
    expect(page.locator("#results-status[role=status]")).to_have_text("1 proposal")
    assert page.locator("#results").get_attribute("aria-live") is None
    assert page.evaluate("document.activeElement.id") == "id_status"

    _tab_to(page, f'a[href$="/proposals/{proposal.pk}/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/en/proposals/{proposal.pk}/$"))

    _tab_to(page, f'form[action$="/proposals/{proposal.pk}/support/"] [type=submit]')
    page.keyboard.press("Enter")
    expect(page.locator("#support-block .supports-count strong")).to_have_text("1")
    # The swapped-in block keeps the keyboard where it was, and the thanks is said in the status region now.
    assert page.evaluate("document.activeElement.id") == "support-button"
    expect(page.locator("#messages[role=status]")).to_contain_text("your support is counted")

    _tab_to(page, f'form[action$="/proposals/{proposal.pk}/comments/"] textarea')
    page.keyboard.type("Typed without a mouse.")
    _tab_to(page, f'form[action$="/proposals/{proposal.pk}/comments/"] [type=submit]')
    page.keyboard.press("Enter")
    page.locator("p", has_text="Typed without a mouse.").first.wait_for()
    # The support's thanks was said once, not again on the next page.
    expect(page.locator("#messages")).not_to_contain_text("your support is counted")
    proposal.refresh_from_db()
    assert (proposal.supports_count, proposal.comments_count) == (1, 1)

    # A proposal sent empty comes back with the focus on the list of problems; its links lead to the fields.
    page.goto(f"/en/proposals/new/?consultation={proposal.consultation.slug}")
    _tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The browser gives autofocus while it next renders, which may come after the load event: waited for.
    expect(page.locator(".error-summary[role=alert]")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_title"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_title"
