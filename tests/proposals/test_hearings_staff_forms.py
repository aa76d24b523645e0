"""Forms of the staff pages of hearings as a secretariat member meets them: what the browser leaves to the
server, and how a hearing's state reads on its consultation's page."""

import re

import pytest

from proposals.models import Document
from proposals.services import hearing as services
from tests.conftest import sign_in_staff

from .factories import held, import_published

pytestmark = pytest.mark.django_db


def test_the_minutes_form_leaves_checking_links_to_the_server_which_takes_one_without_https(
    client, hearing, commissioner
):
    # The browser refused "youtube.com/watch?v=…" in the recording field with a bubble in its own language,
    # and nothing was sent; the server takes such a link and names any mistake in the page's language.
    held(hearing)
    sign_in_staff(client, commissioner)
    page = client.get(f"/kk/staff/hearings/{hearing.pk}/").content.decode()
    outcome_form = re.search(r'<form method="post" action="[^"]*/outcome/"[^>]*>', page).group(0)
    agenda_form = re.search(r'<form method="post" action="[^"]*/agenda/"[^>]*>', page).group(0)
    assert "novalidate" in outcome_form and "novalidate" in agenda_form
    response = client.post(
        f"/kk/staff/hearings/{hearing.pk}/outcome/",
        {"minutes_kk": "Тыңдау өтті.", "recording_url": "youtube.com/watch?v=abc"},
    )
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert hearing.recording_url == "https://youtube.com/watch?v=abc"


def test_the_staff_page_of_a_consultation_shows_a_past_hearing_as_ended_as_its_own_pages_do(
    client, consultation, hearing, admin_user
):
    # It said "Scheduled" for a hearing whose time had passed, while the hearing's pages said "Ended".
    held(hearing)
    sign_in_staff(client, admin_user)
    page = client.get(f"/en/staff/consultations/{consultation.pk}/").content.decode()
    item = re.search(rf'<li><a href="/en/staff/hearings/{hearing.pk}/">.*?</li>', page, re.S).group(0)
    assert '<span class="badge status-ended">Ended</span>' in item


def test_the_agenda_offers_each_article_with_its_heading(client, hearing, draft_article, commissioner):
    # The list read "Document · 2": staff had to open the draft to learn which article that was.
    sign_in_staff(client, commissioner)
    offered = dict(
        client.get(f"/en/staff/hearings/{hearing.pk}/").context["agenda_form"].fields["articles"].choices
    )
    assert offered[draft_article.pk].endswith("· 2. Local budgets")


def test_a_cancelled_hearings_staff_page_says_its_status_can_no_longer_change(client, hearing, commissioner):
    # The form stayed, with "— choose —" as its only choice, which the server then refused.
    services.hearing_transition(hearing=hearing, to_status="cancelled", actor=commissioner)
    sign_in_staff(client, commissioner)
    page = client.get(f"/en/staff/hearings/{hearing.pk}/").content.decode()
    assert "The status can no longer change." in page and 'name="to_status"' not in page


def test_the_agenda_offers_the_articles_in_the_order_of_the_latest_version(
    client, hearing, consultation, commissioner
):
    """An article a second version inserted was offered after the last one ("1., 3., 4., 2."): by creation."""
    document = Document.objects.create(consultation=consultation, slug="code", title_en="Land Code")
    first = "# 1. S\n## 1. Ownership {#ownership}\n1. x\n## 2. Disputes {#disputes}\n1. y\n"
    second = first.replace("## 2. Disputes", "## 2. Farmland {#farmland}\n1. z\n## 3. Disputes")
    for text in (first, second):
        import_published(
            document=document, labels={"en": "V"}, sources={"en": ("en.md", text)}, imported_by=None
        )
    sign_in_staff(client, commissioner)
    offered = (
        client.get(f"/en/staff/hearings/{hearing.pk}/").context["agenda_form"].fields["articles"].choices
    )
    assert [label for _pk, label in offered] == [
        "Land Code · 1. Ownership",
        "Land Code · 2. Farmland",
        "Land Code · 3. Disputes",
    ]
