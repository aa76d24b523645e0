"""What a reader looking for proposals on "their" article gets from the list's filters and from the article
page: a wrong value spoils only its own filter, the title names the list, an empty list says what to do next,
and nothing the public may not see is found by any combination."""

import re

import pytest
from django.db import connection
from django.utils import timezone

from proposals.models import ArticleIdentity, Document

from .factories import ConsultationFactory, ProposalFactory, TopicFactory, import_published

pytestmark = pytest.mark.django_db

TEXT = "# 1. S\n## 1. Budgets {#budgets}\n1. Local councils approve the local budget.\n"


def _titles(client, query, language="en"):
    html = client.get(f"/{language}/proposals/?{query}").content.decode()
    return sorted(re.findall(r'id="proposal-\d+-title"><a href="[^"]+"[^>]*>([^<]+)</a>', html)), html


def _title_tag(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_a_wrong_value_is_refused_on_its_field_and_the_other_filters_still_apply(client, consultation):
    topic = TopicFactory(slug="courts", name_en="Courts")
    ProposalFactory(consultation=consultation, title="On courts", topic=topic)
    ProposalFactory(consultation=consultation, title="Elsewhere")
    titles, html = _titles(client, "status=hidden&topic=courts")
    assert titles == ["On courts"]
    assert "Select a valid choice" in html


def test_hidden_withdrawn_and_draft_proposals_are_found_by_no_combination(client, consultation):
    topic = TopicFactory(slug="courts", name_en="Courts")
    ProposalFactory(consultation=consultation, title="Visible courts", topic=topic)
    for status in ("hidden", "withdrawn", "draft", "submitted", "rejected", "merged"):
        ProposalFactory(
            consultation=consultation, title=f"Secret {status} courts", topic=topic, status=status
        )
    for query in (
        "",
        "topic=courts",
        "q=courts",
        "q=secret",
        "status=hidden",
        "status=withdrawn&q=secret",
        "has_response=no&topic=courts&ordering=-comments",
    ):
        titles, html = _titles(client, query)
        assert not [title for title in titles if title.startswith("Secret")], query
        assert "Secret" not in html, query


def test_the_title_names_the_filters_in_force_and_the_page(client, consultation):
    TopicFactory(slug="courts", name_en="Courts")
    ProposalFactory(consultation=consultation, title="One")
    _titles_, html = _titles(client, "topic=courts&has_response=yes&ordering=-supports&page=2")
    assert _title_tag(html) == (
        "Proposals · Topic: Courts · Answer: Answered · Sort by: Most supported · page 2"
        " · Qatysu — public consultations"
    )
    assert "<h1>Proposals</h1>" in html  # the heading stays short on a phone
    _titles_, html = _titles(client, "topic=courts", language="kk")
    assert _title_tag(html).startswith("Ұсыныстар · Тақырып: Courts · ")
    # The list htmx swaps in carries the title too, for the tab and the browser's history.
    partial = client.get("/ru/proposals/?topic=courts", headers={"HX-Request": "true"}).content.decode()
    assert _title_tag(partial) == "Предложения · Тема: Courts · Qatysu — общественные консультации"
    _titles_, plain = _titles(client, "")
    assert _title_tag(plain) == "Proposals · Qatysu — public consultations"


def test_a_long_pasted_query_is_searched_by_its_start_not_refused(client, consultation):
    ProposalFactory(consultation=consultation, title="Budgets of councils")
    ProposalFactory(consultation=consultation, title="Something else")
    titles, html = _titles(client, "q=" + "budgets " + "x" * 400)
    assert titles == []  # the words after "budgets" are searched too, and match nothing
    assert "No proposal matches" in html and "errorlist" not in html
    # The title keeps a short form of it.
    assert len(_title_tag(html)) < 150


def test_an_empty_list_says_what_to_do_next(client, consultation):
    titles, html = _titles(client, "")
    assert titles == [] and "No proposals have been published yet." in html
    assert 'href="/en/proposals/new/"' in html
    ProposalFactory(consultation=consultation, title="Budgets")
    titles, html = _titles(client, "q=nothing-like-it")
    assert "No proposal matches. Try fewer filters or other words." in html
    no_results = re.search(r'<div id="no-results">.*?</div>', html, re.S).group()
    assert 'href="/en/proposals/"' in no_results and 'href="/en/proposals/new/"' in no_results


def test_zero_width_characters_inside_a_search_word_are_ignored(client, consultation):
    ProposalFactory(consultation=consultation, title="Азаматтардың құқықтары", language="kk")
    ProposalFactory(consultation=consultation, title="Open data", language="en")
    for query in ("құ\u200bқықтары", "құқық\u00adтары", "\ufeffқұқықтары", "құқ\u2060ықтары"):
        titles, _html = _titles(client, f"q={query}")
        assert titles == ["Азаматтардың құқықтары"], repr(query)


def test_the_article_page_counts_and_links_the_proposals_its_list_shows(client):
    consultation = ConsultationFactory(slug="old-law")
    document = Document.objects.create(consultation=consultation, slug="law", title_en="Law")
    import_published(
        document=document, labels={"en": "First"}, sources={"en": ("en.md", TEXT)}, imported_by=None
    )
    budgets = ArticleIdentity.objects.get(document=document, key="budgets")
    # A campaign: three people sent one text; the list shows its first proposal only.
    first = ProposalFactory(consultation=consultation, title="Campaign text", cluster_size=3)
    first.articles.set([budgets])
    for _ in range(2):
        member = ProposalFactory(consultation=consultation, title="Campaign text", cluster_of=first)
        member.articles.set([budgets])
    ConsultationFactory(slug="current")  # the newest consultation: the list's default choices are its own
    page = client.get(budgets.get_absolute_url()).content.decode()
    assert "1 proposal on this article" in page
    link = f'href="/en/proposals/?consultation=old-law&amp;article={budgets.pk}"'
    assert link in page
    titles, html = _titles(client, f"consultation=old-law&article={budgets.pk}")
    assert titles == ["Campaign text"]
    assert f'<option value="{budgets.pk}" selected>1. Budgets</option>' in html
    # An older link without the consultation still shows which article the list is filtered by.
    titles, html = _titles(client, f"article={budgets.pk}")
    assert f'<option value="{budgets.pk}" selected>1. Budgets</option>' in html
    assert "Article: 1. Budgets" in _title_tag(html)


def test_pages_of_a_sort_order_hold_every_proposal_once(client, consultation):
    same_moment = timezone.now()
    for number in range(45):
        ProposalFactory(
            consultation=consultation,
            title=f"P{number}",
            published_at=same_moment,
            supports_count=number % 3,
            comments_count=number % 2,
        )
    for ordering in ("-created", "created", "-supports", "-comments", "-responded"):
        seen = []
        for page in (1, 2, 3):
            titles, _html = _titles(client, f"ordering={ordering}&page={page}")
            seen += titles
        assert sorted(seen) == sorted(f"P{number}" for number in range(45)), ordering
    if connection.vendor == "postgresql":
        seen = []
        for page in (1, 2, 3):
            seen += _titles(client, f"q=budgets&page={page}")[0]
        assert len(seen) == len(set(seen)) == 45


@pytest.mark.parametrize("signed_in", [False, True])
def test_htmx_going_back_to_a_list_it_did_not_keep_gets_the_whole_page(
    client, consultation, citizen, signed_in
):
    """htmx keeps a few pages for the back button; for an older one it asks again with its header and puts
    the answer in place of the whole body."""
    if signed_in:
        client.force_login(citizen)
    ProposalFactory(consultation=consultation, title="Open budgets")
    url = "/en/proposals/?ordering=-supports"
    swapped = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Open budgets" in swapped and 'class="filters' not in swapped
    restored = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    html = restored.content.decode()
    assert 'class="filters' in html and "<header" in html and "Open budgets" in html
    assert client.get(url, headers={"HX-Request": "true"}).content.decode() == swapped


def _summary(html):
    summary = re.search(r"<summary>(.*?)</summary>", html, re.S).group(1)
    return re.sub(r"<[^>]+>", "", summary).strip()


def test_the_filters_but_the_search_are_folded_under_a_summary_that_counts_those_in_force(
    client, consultation
):
    """On a phone the eight filters stood a screen tall before the first proposal; folded (opened by the
    browser itself, no script), the summary says how many are in force. A refused value opens them."""
    ProposalFactory(consultation=consultation, title="Budgets")
    _titles_, html = _titles(client, "", language="ru")
    folded = re.search(r"<details[^>]*>.*?</details>", html, re.S).group()
    assert folded.startswith('<details class="folded-filters">')
    assert 'id="id_status"' in folded and 'id="id_ordering"' in folded and 'id="id_q"' not in folded
    assert _summary(html) == "Фильтры"
    # The search stays in sight, its help (the search syntax) read with it.
    assert 'aria-describedby="id_q_helptext"' in html and 'id="id_q_helptext"' in html
    _titles_, html = _titles(client, "q=budgets&status=published&ordering=-supports", language="ru")
    assert _summary(html) == "Фильтры (выбрано: 2)"  # the search and the default order are not counted
    assert '<details class="folded-filters">' in html
    _titles_, html = _titles(client, "status=hidden&topic=nothing", language="kk")
    assert _summary(html) == "Сүзгілер"
    assert '<details class="folded-filters" open>' in html
    assert 'aria-describedby="id_status_error"' in html and 'id="id_status_error"' in html
