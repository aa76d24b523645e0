"""axe-core (WCAG 2.1 A/AA) on the staff pages: dashboard, moderation queue and cases, a proposal as a moderator
sees it, transparency (its weekly table at tablet and desktop widths too), audit log, document import; and
what an auditor reads."""

import pytest

from proposals.demo import seed_consultation
from proposals.models import Document, ModerationCase
from proposals.services.moderation import moderation_case_claim, moderation_case_open, moderation_decide
from proposals.services.reader_report import report_create
from proposals.services.screening import proposal_screen
from tests.conftest import give_totp
from tests.factories import UserFactory
from tests.proposals.factories import CommentFactory, ProposalFactory

from .test_accessibility import axe_failures_at, axe_violations
from .test_phone_width import FITS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bypass_csp():
    return True


@pytest.mark.parametrize("language", ["kk", "en"])
def test_no_wcag_violations_on_staff_pages(page, login_as, admin_user, language):
    consultation = seed_consultation()
    proposal = ProposalFactory(
        consultation=consultation, status="submitted", body="Whoever wrote this article is an idiot."
    )
    proposal_screen(proposal=proposal)
    case = ModerationCase.objects.get(proposal=proposal)
    published = ProposalFactory(consultation=consultation, title="Published and commented")
    comment = CommentFactory(proposal=published, body="Spam spam spam")
    report_create(reporter=UserFactory(), proposal=published, comment=comment, kind="spam")
    comment_case = ModerationCase.objects.get(comment=comment)
    document = Document.objects.get()
    give_totp(admin_user)
    login_as(admin_user)
    paths = [
        f"/{language}/staff/",
        f"/{language}/moderation/",
        f"/{language}/moderation/cases/{case.pk}/",
        f"/{language}/moderation/cases/{comment_case.pk}/",
        f"/{language}/moderation/?kind=comment",
        f"/{language}/proposals/{published.pk}/",
        f"/{language}/transparency/moderation/",
        f"/{language}/staff/audit/",
        f"/{language}/staff/documents/{document.pk}/import/",
        f"/{language}/staff/documents/{document.pk}/matches/",
        f"/{language}/notifications/",
        f"/{language}/accounts/profile/",
    ]
    assert axe_failures_at(page, paths) == {}


@pytest.mark.parametrize("width", [768, 1280])
def test_the_weekly_moderation_table_does_not_widen_a_tablet_or_desktop_page(page, moderator, width):
    """Ten reason columns with long Kazakh words made the page 1,343 px wide on a 1,280 px screen (it stacks
    only on a phone): the table scrolls in its own region instead."""
    for reason in ("abuse", "spam", "personal_data"):
        case = moderation_case_open(proposal=ProposalFactory(status="in_moderation"))
        moderation_case_claim(case=case, moderator=moderator)
        moderation_decide(
            case=case,
            moderator=moderator,
            decision="reject",
            reason_code=reason,
            statement="The text breaks the consultation's rules.",
        )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/kk/transparency/moderation/")
    assert page.locator("table[aria-labelledby=by-week] td").count() >= 9
    assert page.evaluate(FITS), "the moderation figures scroll sideways"
    assert axe_violations(page) == []  # the scrolling region is named and reached by keyboard


def test_the_moderation_queue_does_not_widen_a_tablet_page(page, login_as, moderator):
    """Eight columns of Russian headings and labels made the queue 909 px wide on a 768 px tablet."""
    moderation_case_open(proposal=ProposalFactory(status="in_moderation", title="Прямые выборы акимов"))
    give_totp(moderator)
    login_as(moderator)
    page.set_viewport_size({"width": 768, "height": 900})
    page.goto("/ru/moderation/")
    assert page.locator("table.queue td").count() >= 8
    assert page.evaluate(FITS), "the queue scrolls sideways"
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_wcag_violations_on_the_auditors_pages(page, login_as, auditor, language):
    """What an auditor reads, without the forms the other staff see there: the staff area's panel, the log,
    the queue and a case, the Commission's queue and a work page, the roles."""
    consultation = seed_consultation()
    published = ProposalFactory(consultation=consultation, title="Published and reported")
    report_create(reporter=UserFactory(), proposal=published, kind="abuse")
    case = ModerationCase.objects.get(proposal=published)
    give_totp(auditor)
    login_as(auditor)
    paths = [
        f"/{language}/staff/",
        f"/{language}/staff/audit/",
        f"/{language}/moderation/",
        f"/{language}/moderation/cases/{case.pk}/",
        f"/{language}/staff/commission/",
        f"/{language}/staff/commission/proposals/{published.pk}/",
        f"/{language}/staff/roles/",
    ]
    assert axe_failures_at(page, paths) == {}
