"""A later version may remove an article and give its number to another one. Proposals about the removed
article keep pointing at it, and what lists and pages say of it must not send the reader to the article that
now has that number: they name the version it was in and the version that removed it."""

import importlib
import re

import pytest
from django.apps import apps
from django.utils import translation

from proposals.models import ArticleIdentity, Document, Follow
from proposals.selectors.filter_choices import proposal_filter_choices
from tests.page_text import text_of

from .factories import (
    AgendaItemFactory,
    ConsultationFactory,
    HearingFactory,
    ProposalFactory,
    import_published,
    publish_response,
)

pytestmark = pytest.mark.django_db

V1 = (
    "# 1. S\n## 1. Budgets {#budgets}\n1. Local councils approve the local budget.\n"
    "## 2. Capital {#capital}\n1. The capital is Astana.\n"
    "## 3. Symbols {#symbols}\n1. The state has a flag.\n"
)
# "capital" is removed; "symbols" becomes article 2, the number "capital" had.
V2 = (
    "# 1. S\n## 1. Budgets {#budgets}\n1. Local councils approve the local budget.\n"
    "## 2. Symbols {#symbols}\n1. The state has a flag.\n"
)


def _publish(document, position, text):
    import_published(
        document=document,
        labels={"en": f"Draft {position}"},
        sources={"en": (f"v{position}.md", text)},
        imported_by=None,
    )


@pytest.fixture
def document():
    document = Document.objects.create(
        consultation=ConsultationFactory(slug="law"), slug="basic-law", title_en="Basic Law"
    )
    _publish(document, 1, V1)
    _publish(document, 2, V2)
    return document


@pytest.fixture
def proposals(document):
    identities = {i.key: i for i in ArticleIdentity.objects.filter(document=document)}
    on_capital = ProposalFactory(consultation=document.consultation, title="Keep the capital")
    on_capital.articles.set([identities["capital"]])
    on_symbols = ProposalFactory(consultation=document.consultation, title="A new flag")
    on_symbols.articles.set([identities["symbols"]])
    return on_capital, on_symbols


def _card(html: str, title: str) -> str:
    return re.search(rf'<article class="proposal-card".*?{title}.*?</article>', html, re.S).group()


def test_publishing_marks_the_articles_a_version_leaves_out(document):
    identities = {i.key: i for i in ArticleIdentity.objects.filter(document=document)}
    assert identities["capital"].removed_in == 2 and identities["capital"].last_in == 1
    assert identities["capital"].number == "2"  # its last number, now the number of "symbols"
    assert identities["symbols"].removed_in is None and identities["symbols"].number == "2"
    # Brought back by a third version, it is an article of the draft again, with its new number.
    _publish(document, 3, V2 + "## 3. Capital {#capital}\n1. The capital is Astana.\n")
    capital = ArticleIdentity.objects.get(document=document, key="capital")
    assert capital.removed_in is None and capital.number == "3"


def test_cards_and_pages_say_the_removed_article_was_in_an_earlier_version(client, document, proposals):
    on_capital, on_symbols = proposals
    listed = client.get("/en/proposals/").content.decode()
    assert "Article 2 of version 1 (removed in version 2)" in text_of(_card(listed, "Keep the capital"))
    symbols_card = text_of(_card(listed, "A new flag"))
    assert "Article 2" in symbols_card and "removed" not in symbols_card

    page = text_of(client.get(on_capital.get_absolute_url()).content.decode())
    assert "Concerns: Article 2 of version 1 (removed in version 2)" in page
    # The link opens the article as it stood in the version that had it.
    html = client.get(on_capital.get_absolute_url()).content.decode()
    assert "/en/consultations/law/basic-law/articles/capital/?version=1" in html

    # Opened at the version that had it, the article says at once that a later version removed it.
    as_it_was = text_of(
        client.get("/ru/consultations/law/basic-law/articles/capital/?version=1").content.decode()
    )
    assert "Эта статья удалена в версии 2: в последней версии проекта её нет." in as_it_was
    current = client.get("/en/consultations/law/basic-law/articles/symbols/?version=1").content.decode()
    assert 'id="article-removed"' not in current

    article_page = client.get("/en/consultations/law/basic-law/articles/capital/").content.decode()
    assert "Article 2 of version 1 (removed in version 2)" in text_of(_card(article_page, "Keep the capital"))

    with translation.override("ru"):
        russian = text_of(client.get("/ru/proposals/").content.decode())
    assert "Статья 2 версии 1 (удалена в версии 2)" in russian
    kazakh = text_of(client.get("/kk/proposals/").content.decode())
    assert "1-нұсқаның 2-бабы (2-нұсқада алынып тасталды)" in kazakh


def test_a_renumbered_article_is_shown_with_its_new_number(client, document):
    budgets_first = ProposalFactory(consultation=document.consultation, title="Yearly budgets")
    budgets_first.articles.set([ArticleIdentity.objects.get(document=document, key="budgets")])
    _publish(
        document,
        3,
        "# 1. S\n## 1. Preamble {#preamble}\n1. We, the people.\n## 2. Symbols {#symbols}\n1. A flag.\n"
        "## 3. Budgets {#budgets}\n1. Local councils approve the local budget.\n",
    )
    card = text_of(_card(client.get("/en/proposals/").content.decode(), "Yearly budgets"))
    assert "Article 3" in card and "Article 1" not in card and "removed" not in card


def test_the_article_filter_offers_the_removed_article_named_as_such(document, proposals):
    capital = ArticleIdentity.objects.get(document=document, key="capital")
    with translation.override("en"):
        choices = dict(proposal_filter_choices(consultation_slug="law").articles)
    assert choices[capital.pk] == "2. Capital (version 1, removed in version 2)"


def test_the_migration_marks_articles_removed_before_it(document):
    ArticleIdentity.objects.filter(document=document).update(removed_in=None)
    migration = importlib.import_module("proposals.migrations.0016_article_identity_removed_in")
    migration.removed_in_from_versions(apps, None)
    removed = dict(ArticleIdentity.objects.filter(document=document).values_list("key", "removed_in"))
    assert removed == {"budgets": None, "capital": 2, "symbols": None}


def test_an_answer_naming_the_removed_article_says_so(
    client, document, proposals, commissioner, second_commissioner
):
    on_capital, _on_symbols = proposals
    capital = ArticleIdentity.objects.get(document=document, key="capital")
    publish_response(
        on_capital,
        drafter=commissioner,
        approver=second_commissioner,
        articles=[capital],
        version=document.versions.get(position=2),
    )
    page = text_of(client.get(on_capital.get_absolute_url()).content.decode())
    assert "Articles changed: Article 2 of version 1 (removed in version 2)" in page


def test_the_api_says_which_version_removed_the_article(client, document, proposals):
    on_capital, on_symbols = proposals
    listed = {p["title"]: p["articles"] for p in client.get("/api/v1/proposals").json()["results"]}
    assert [(a["key"], a["number"], a["removed_in"]) for a in listed["Keep the capital"]] == [
        ("capital", "2", 2)
    ]
    assert [(a["key"], a["number"], a["removed_in"]) for a in listed["A new flag"]] == [
        ("symbols", "2", None)
    ]
    detail = client.get(f"/api/v1/proposals/{on_capital.pk}").json()
    assert detail["articles"][0]["removed_in"] == 2


def test_a_hearing_agenda_naming_the_removed_article_says_so(client, document):
    capital = ArticleIdentity.objects.get(document=document, key="capital")
    hearing = HearingFactory(consultation=document.consultation)
    AgendaItemFactory(hearing=hearing).articles.set([capital])
    page = text_of(client.get(f"/en/hearings/{hearing.pk}/").content.decode())
    assert "Articles: Article 2 of version 1 (removed in version 2)" in page


def test_a_followed_article_that_was_removed_is_named_with_its_version(client, document, citizen):
    Follow.objects.create(user=citizen, article=ArticleIdentity.objects.get(document=document, key="capital"))
    client.force_login(citizen)
    page = text_of(client.get("/en/me/").content.decode())
    assert "Article 2 of version 1 (removed in version 2). Capital" in page
