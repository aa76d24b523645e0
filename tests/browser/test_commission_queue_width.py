"""The Commission's queue fits the screen, on a phone and on a laptop, in Kazakh and Russian, with a proposal
about an article a later version removed, whose name is long ("Article 2 of version 1 (removed in version 2)"):
kept on one line, it set the table wider than the page and pushed the answer's state off a 1280 px screen."""

import pytest

from proposals.models import ArticleIdentity, Document
from proposals.services import response_approval as approval
from tests.conftest import give_totp
from tests.proposals.factories import ConsultationFactory, ProposalFactory
from tests.proposals.response_helpers import draft_answer
from tests.proposals.test_removed_articles import V1, V2, _publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "document.documentElement.scrollWidth <= window.innerWidth"
# The state of the answer (the last column) is within the screen, not behind a sideways scroll.
ANSWER_SHOWN = """() => [...document.querySelectorAll('table td:last-child')].every(
    (cell) => cell.getBoundingClientRect().right <= window.innerWidth)"""


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_queue_fits_a_phone_and_a_laptop_with_a_removed_article(
    page, login_as, commissioner, second_commissioner, language
):
    document = Document.objects.create(
        consultation=ConsultationFactory(slug="law"), slug="basic-law", title_en="Basic Law"
    )
    _publish(document, 1, V1)
    _publish(document, 2, V2)
    proposal = ProposalFactory(consultation=document.consultation, title="Keep the capital")
    proposal.articles.set([ArticleIdentity.objects.get(document=document, key="capital")])
    approval.response_submit(response=draft_answer(proposal, commissioner), actor=commissioner)
    give_totp(second_commissioner)
    login_as(second_commissioner)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"/{language}/staff/commission/")
        assert page.get_by_role("link", name="Keep the capital").count() == 1
        assert page.evaluate(FITS), f"the queue scrolls sideways at {width} px"
        assert page.evaluate(ANSWER_SHOWN), f"the answer's state is off the screen at {width} px"
