"""On a phone (390 px, a common width; 360 px, a small one) pages fit the screen (WCAG 1.4.10 Reflow), with what
people write in them and the draft's long names; the charts' labels keep a readable size, in every language."""

import pytest

from proposals.demo import seed_consultation
from proposals.models import Document
from tests.conftest import give_totp
from tests.proposals.commitment_helpers import adopted_change, post, record
from tests.proposals.factories import CommentFactory, ConsultationFactory, ProposalFactory, publish_response

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


SMALL_PHONE = {"width": 360, "height": 740}
# An address and a word as long as people paste them: neither has a place where a line may break.
LONG_ADDRESS = (
    "https://www.gov.kz/memleket/entities/constitutional-commission/documents/details/"
    "ПредложениеОбИзмененииКонституционныхПоложенийОтносительноГосударственногоЯзыка?lang=kk"
)
LONG_WORD = "Конституциялықбақылаутуралыұсыныстарыңыздыжинақтауменқорытындылаужөніндегіұсыныс"


def test_the_draft_and_what_people_write_fit_a_small_phone_in_kazakh(page, login_as, citizen):
    """At 360 px in Kazakh, the draft's pages (a version's long name in its select), the proposals list and a
    proposal with an unbroken title, a long address, a code block and such a comment did not fit: the page
    scrolled sideways by 80 to 1100 px; a public name of one long word widened the header of every page."""
    citizen.display_name = LONG_WORD[:60]
    citizen.save(update_fields=["display_name"])
    consultation = seed_consultation()
    proposal = ProposalFactory(
        consultation=consultation,
        author=citizen,
        title=LONG_WORD[:150],
        summary=f"Қараңыз: {LONG_ADDRESS}",
        body_html=f"<p>{LONG_ADDRESS}</p><pre><code>{'a line of code that does not wrap ' * 5}</code></pre>",
    )
    CommentFactory(proposal=proposal, author=citizen, body=f"{LONG_ADDRESS} {LONG_WORD}")
    document = f"/kk/consultations/{consultation.slug}/constitution"
    login_as(citizen)
    page.set_viewport_size(SMALL_PHONE)
    for path in (
        f"{document}/",
        f"{document}/compare/",
        f"{document}/articles/local-budgets/",
        "/kk/proposals/",
        f"/kk/proposals/{proposal.pk}/",
    ):
        page.goto(path)
        assert page.evaluate(FITS), f"{path} scrolls sideways"


def test_the_consultation_cards_on_the_home_page_have_no_list_bullet_or_indent(page):
    """The cards stood 40 px in from their heading, a list bullet beside each: on a phone, a ninth of the width."""
    seed_consultation()
    page.set_viewport_size(SMALL_PHONE)
    page.goto("/kk/")
    card = page.locator(".consultation-card").first
    assert card.evaluate("(card) => getComputedStyle(card).listStyleType") == "none"
    heading = page.locator("#consultations-open").bounding_box()
    assert card.bounding_box()["x"] == heading["x"]


def test_an_unbroken_title_in_a_table_keeps_it_within_the_page_at_200_percent_zoom(page, login_as, citizen):
    """A table is not stacked above a phone's width: at 700 px (a laptop at 200 %), one long word in a proposal's
    title made My participation 1276 px wide."""
    ProposalFactory(consultation=ConsultationFactory(), author=citizen, title=LONG_WORD[:150])
    login_as(citizen)
    page.set_viewport_size({"width": 700, "height": 740})
    page.goto("/kk/me/")
    assert page.locator("#proposals table td").count() == 4
    assert page.evaluate(FITS), "My participation scrolls sideways"


def test_a_stacked_tables_caption_runs_across_the_width_on_a_phone(page):
    """The open data's "Field dictionary" stood one word a line, squeezed to its longest word."""
    page.set_viewport_size(SMALL_PHONE)
    page.goto("/kk/open-data/")
    caption = page.locator("caption").first.bounding_box()
    table = page.locator("table:has(caption)").first.bounding_box()
    assert caption["width"] == table["width"]


# Stacked cells with nothing in them that still show a column's name.
LABELLED_EMPTY_CELLS = """() => [...document.querySelectorAll('table td')]
    .filter((cell) => !cell.textContent.trim() && cell.getClientRects().length
        && !['none', 'normal'].includes(getComputedStyle(cell, '::before').content))
    .map((cell) => cell.dataset.label)"""


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_stacked_cell_with_nothing_in_it_shows_no_column_name(page, login_as, admin_user, language):
    """A published version has no action: on a phone its row ended in a bare "Әрекет:" (Action:)."""
    seed_consultation()
    give_totp(admin_user)
    login_as(admin_user)
    page.set_viewport_size(PHONE)
    page.goto(f"/{language}/staff/documents/{Document.objects.get().pk}/import/")
    assert page.locator("section[aria-labelledby=versions-heading] td").count() == 6
    assert page.evaluate(LABELLED_EMPTY_CELLS) == []
