"""Text that shows nothing: titles made of zero-width and format characters, Hangul and Braille fillers
looked blank on the page and passed every check for white space."""

import pytest

from portal.accounts.tokens import api_token_create
from portal.core.text import plain_text
from proposals.models import Proposal
from tests.proposals.factories import ConsultationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


INVISIBLE_ONLY = [
    "\u200b\u200b\u3164",  # zero-width spaces and a Hangul filler
    "\u2800 \u2800",  # blank Braille patterns around a space
    "\u200e\u061c\U000e0041",  # bidi marks and a tag character
    "\ufeff\u180e\u115f\u1160\uffa0",
]


@pytest.mark.parametrize("title", INVISIBLE_ONLY)
def test_a_title_of_invisible_characters_is_refused_by_the_api(client, citizen, title):
    ConsultationFactory()
    token = api_token_create(user=citizen, name="test")[1]
    response = client.post(
        "/api/v1/proposals",
        {"title": title, "summary": "Summary.", "body": "A body of some words.", "language": "en"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422, response.content
    assert "invisible" in response.content.decode()
    assert not Proposal.objects.filter(author=citizen).exists()


@pytest.mark.parametrize("title", INVISIBLE_ONLY)
def test_a_title_of_invisible_characters_is_blank_to_the_web_form(client, citizen, title):
    consultation = ConsultationFactory()
    client.force_login(citizen)
    response = client.post(
        f"/en/proposals/new/?consultation={consultation.slug}",
        {"title": title, "summary": "Summary.", "body": "A body of some words.", "language": "en"},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Proposal.objects.filter(author=citizen).exists()


def test_zero_width_characters_inside_visible_text_stay():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji joined by zero-width joiners
    assert plain_text(f"Families {family} first") == f"Families {family} first"
    assert plain_text("  \n ") == "  \n "  # white space alone is left to the fields' own stripping


ZALGO = "Z" + "\u0489\u0336\u0301\u0300\u0302\u0303\u0304\u0306\u0307\u0308" * 30 + "algo"


def test_stacks_of_combining_marks_are_cut_to_what_a_script_needs():
    """A letter with 300 combining marks drew a column of accents over the comments and badges above it."""
    assert plain_text(ZALGO) == "Z\u0489\u0336\u0301\u0300algo"
    assert plain_text("a" + "\u0301" * 9 + "\nb") == "\u00e1" + "\u0301" * 4 + "\nb"  # NFC takes the first
    # What real text needs stays: Vietnamese, a keycap emoji, Devanagari, Hebrew with points, Kazakh.
    for text in ["Tiếng Việt", "1\ufe0f\u20e3", "क्षत्रिय", "שָׁלוֹם", "Қазақстан Республикасы"]:
        assert plain_text(text) == text


def test_a_comment_of_stacked_marks_is_stored_cut(client, citizen):
    published = ProposalFactory(consultation=ConsultationFactory())
    client.force_login(citizen)
    client.post(f"/en/proposals/{published.pk}/comments/", {"body": ZALGO})
    assert published.comments.get().body == "Z\u0489\u0336\u0301\u0300algo"
