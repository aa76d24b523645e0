"""What a screen reader is given beyond what axe-core checks: a form sent back with errors announces them and
links each to its field, every error a field points to exists, and headings nest."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

from tests.conftest import give_totp

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db


class _Markup(HTMLParser):
    """The ids, the aria-describedby references, the headings and the error summaries of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: set[str] = set()
        self.described_by: dict[str, list[str]] = {}
        self.headings: list[tuple[int, str]] = []
        self.summaries: list[dict] = []
        self._heading = None
        self._summary = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby"):
            self.described_by[attrs.get("id") or tag] = attrs["aria-describedby"].split()
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = [int(tag[1]), ""]
        if "error-summary" in (attrs.get("class") or "").split():
            self._summary = {"attrs": attrs, "links": [], "text": ""}
            self.summaries.append(self._summary)
        if tag == "a" and self._summary is not None:
            self._summary["links"].append(attrs.get("href"))

    def handle_endtag(self, tag):
        if self._heading and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], self._heading[1].strip()))
            self._heading = None
        if tag == "div" and self._summary is not None:  # the summary holds no div of its own
            self._summary = None

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data
        if self._summary is not None:
            self._summary["text"] += data

    def dangling_references(self) -> dict[str, list[str]]:
        return {
            owner: missing
            for owner, references in self.described_by.items()
            if (missing := [ref for ref in references if ref not in self.ids])
        }


def test_a_wrong_password_is_announced_and_takes_the_focus(client, citizen):
    response = client.post("/kk/accounts/login/", {"login": citizen.email, "password": "not the password"})
    markup = _Markup(response.content.decode())
    [summary] = markup.summaries
    assert summary["attrs"]["role"] == "alert"
    assert "autofocus" in summary["attrs"] and summary["attrs"]["tabindex"] == "-1"
    assert "Төмендегі қателерді түзетіңіз." in summary["text"]
    # The sign-in error is said once, in the summary, not again in a list of its own.
    assert response.content.decode().count('class="errorlist nonfield"') == 0


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_an_empty_proposal_lists_each_missing_field_as_a_link_to_it(client, citizen, consultation, language):
    client.force_login(citizen)
    response = client.post(f"/{language}/proposals/new/?consultation={consultation.slug}", {"language": "en"})
    assert response.status_code == 200
    markup = _Markup(response.content.decode())
    [summary] = markup.summaries
    assert summary["links"] == ["#id_title", "#id_summary", "#id_body"]
    assert {"id_title", "id_summary", "id_body"} <= markup.ids
    assert markup.described_by["id_title"] == ["id_title_helptext", "id_title_error"]
    assert markup.dangling_references() == {}


def test_a_bad_queue_filter_is_described_to_its_field(client, moderator):
    give_totp(moderator)
    client.force_login(moderator)
    response = client.get("/ru/moderation/?min_risk=lots")
    markup = _Markup(response.content.decode())
    assert markup.described_by["id_min_risk"] == ["id_min_risk_error"]
    assert markup.dangling_references() == {}


def test_a_bad_audit_filter_is_described_to_its_field(client, admin_user):
    give_totp(admin_user)
    client.force_login(admin_user)
    response = client.get("/ru/staff/audit/?actor=x")
    markup = _Markup(response.content.decode())
    assert markup.described_by["id_actor"] == ["id_actor_error"]
    assert markup.dangling_references() == {}


def test_proposals_on_an_article_are_headed_under_its_list(client, consultation, draft_article):
    proposal = ProposalFactory(consultation=consultation, title="Councils approve budgets", language="ru")
    proposal.articles.add(draft_article)
    markup = _Markup(client.get(draft_article.get_absolute_url()).content.decode())
    levels = {text: level for level, text in markup.headings}
    assert levels["Councils approve budgets"] == levels["1 proposal on this article"] + 1


def test_a_summary_in_another_language_is_read_in_that_language(client, consultation):
    proposal = ProposalFactory(consultation=consultation, language="ru", summary="Расширить права советов.")
    content = client.get(f"/kk/proposals/{proposal.pk}/").content.decode()
    assert '<p class="lead" lang="ru">Расширить права советов.</p>' in content


def test_every_table_has_a_name_a_screen_reader_lists_it_by():
    """A screen reader's list of tables said "table, table, table" on the staff pages: each now has a caption
    (visually hidden where a heading says the same) or is labelled by its heading."""
    unnamed = []
    for template in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        text = template.read_text()
        for match in re.finditer(r"<table\b[^>]*>", text):
            labelled = "aria-label" in match.group(0)
            captioned = text[match.end() :].lstrip().startswith("<caption")
            if not (labelled or captioned):
                unnamed.append(
                    f"{template.relative_to(settings.BASE_DIR)}:{text[: match.start()].count(chr(10)) + 1}"
                )
    assert unnamed == []
