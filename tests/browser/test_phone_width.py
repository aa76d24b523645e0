"""At 390 px, a common phone's width, the pages with figures and charts fit the screen (WCAG 1.4.10 Reflow)
and the charts' labels keep a readable size, in every language."""

import pytest

from tests.proposals.commitment_helpers import adopted_change, post, record
from tests.proposals.factories import ConsultationFactory, ProposalFactory, publish_response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Laid out at 390 px, these pages were 580 to 730 px wide (the moderation figures' label column never
# shrank), and the chart labels, drawn inside a 640-unit SVG, were 7 px tall.
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
# The rendered size of the smallest chart label: text inside an SVG is scaled with the drawing.
SMALLEST_LABEL = """() => Math.min(...[...document.querySelectorAll('.chart :is(text, .bar-label)')].map(
    (label) => parseFloat(getComputedStyle(label).fontSize) * (label.getScreenCTM ? label.getScreenCTM().a : 1)))"""


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_outcome_and_moderation_figures_fit_a_phone(page, commissioner, second_commissioner, language):
    consultation = ConsultationFactory(slug="reform")
    for status in ("accepted", "out_of_scope", "already_reflected"):
        answered = ProposalFactory(consultation=consultation)
        publish_response(answered, drafter=commissioner, approver=second_commissioner, status=status)
    page.set_viewport_size(PHONE)
    for path in (f"/{language}/consultations/reform/outcome/", f"/{language}/transparency/moderation/"):
        page.goto(path)
        assert page.evaluate(FITS), f"{path} scrolls sideways"
    page.goto(f"/{language}/consultations/reform/outcome/")
    assert page.evaluate(SMALLEST_LABEL) >= 12


# The stacked cells of a table on a phone: each that has no visible column header beside it.
UNNAMED_CELLS = """() => [...document.querySelectorAll('table.commitments td, table.chart-data td')]
    .filter((cell) => !getComputedStyle(cell, '::before').content.includes(cell.dataset.label || '\\u0000'))
    .map((cell) => cell.textContent.trim())"""


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_implementation_pages_fit_a_phone_and_each_figure_names_its_column(
    page, commissioner, second_commissioner, language
):
    consultation = ConsultationFactory(slug="reform")
    change = adopted_change(consultation, drafter=commissioner, approver=second_commissioner)
    commitment = record(change, commissioner)
    post(commitment, commissioner, to_status="in_progress", progress=40)
    page.set_viewport_size(PHONE)
    page.goto(f"/{language}/consultations/reform/implementation/{commitment.pk}/")
    assert page.evaluate(FITS), "the commitment page scrolls sideways"
    page.goto(f"/{language}/consultations/reform/implementation/")
    assert page.evaluate(FITS), "the tracker scrolls sideways"
    assert page.locator("table.chart-data td").count() >= 3
    assert page.evaluate(UNNAMED_CELLS) == []
    assert page.evaluate(SMALLEST_LABEL) >= 12


# Every stacked cell of every table on the page.
UNNAMED_ANYWHERE = UNNAMED_CELLS.replace("table.commitments td, table.chart-data td", "table td")


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_table_names_its_columns_on_a_phone(page, login_as, citizen, language):
    """Tables whose templates write no column names (a citizen's proposals, a staff list) get them from
    their header row: stacked on a phone, a bare "0" or "Constitutional reform" said nothing."""
    consultation = ConsultationFactory(slug="reform")
    ProposalFactory(consultation=consultation, author=citizen, status="published")
    login_as(citizen)
    page.set_viewport_size(PHONE)
    page.goto(f"/{language}/me/")
    assert page.locator("#proposals table td").count() == 4
    assert page.evaluate(UNNAMED_ANYWHERE) == []
    supports = "Қолдау" if language == "kk" else "Поддержки"
    label = page.locator("#proposals table td").nth(3).get_attribute("data-label")
    assert label.startswith(supports[:5]), label
