"""A search reads "quoted phrases" and -exclusions as a web search does, on PostgreSQL and SQLite alike, with
the Kazakh and Russian word forms, keyboard layouts and Latin spellings applied to both; a query nobody meant
(an open quote, only exclusions, only punctuation) still answers."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from proposals.models import Proposal
from proposals.search import QUOTES, SearchTerm, search_filter, search_terms

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db


def _found(text):
    return set(search_filter(Proposal.objects.all(), text).values_list("title", flat=True))


def _make(consultation, *titles, language="kk"):
    # With the factory's summary and text: the stored vector holds each field in each configuration one after
    # another, so a phrase may run from the end of one into the start of the next.
    for title in titles:
        ProposalFactory(consultation=consultation, title=title, language=language)


def _on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("word forms are matched by PostgreSQL's full-text search")


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("права граждан", [SearchTerm("права"), SearchTerm("граждан")]),
        ("права -граждан", [SearchTerm("права"), SearchTerm("граждан", excluded=True)]),
        ('"права граждан" закон', [SearchTerm("права граждан", phrase=True), SearchTerm("закон")]),
        ("«азаматтардың  құқықтары»", [SearchTerm("азаматтардың құқықтары", phrase=True)]),
        (
            "“free speech” -„hate speech“",
            [SearchTerm("free speech", phrase=True), SearchTerm("hate speech", True, True)],
        ),
        ('"права граждан', [SearchTerm("права граждан", phrase=True)]),  # a quote left open runs to the end
        ('права"', [SearchTerm("права")]),
        ('"закон"', [SearchTerm("закон")]),  # one quoted word is that word
        ("нур-султан covid-19", [SearchTerm("нур-султан"), SearchTerm("covid-19")]),
        (
            "-только -исключения",
            [SearchTerm("только", excluded=True), SearchTerm("исключения", excluded=True)],
        ),
        ('" - -- !!! «»', []),
    ],
)
def test_a_query_is_read_as_words_phrases_and_exclusions(query, terms):
    assert search_terms(query) == terms


def test_a_minus_leaves_out_what_the_word_finds(consultation):
    _make(consultation, "Права граждан", "Права детей", "Обязанности граждан", language="ru")
    assert _found("права -граждан") == {"Права детей"}
    assert _found("-граждан права") == {"Права детей"}
    assert _found("ПРАВА -ДЕТЕЙ") == {"Права граждан"}


def test_a_quoted_phrase_finds_its_words_side_by_side_in_that_order(consultation):
    _make(
        consultation, "Права граждан и закон", "Граждан права", "Права и обязанности граждан", language="ru"
    )
    assert _found("права граждан") == {
        "Права граждан и закон",
        "Граждан права",
        "Права и обязанности граждан",
    }
    assert _found('"права граждан"') == {"Права граждан и закон"}
    assert _found("«права граждан»") == {"Права граждан и закон"}
    assert _found('-"права граждан" граждан') == {"Граждан права", "Права и обязанности граждан"}


def test_an_open_quote_only_exclusions_or_only_punctuation_still_answer(consultation):
    _make(consultation, "Права граждан", "Права детей", language="ru")
    assert _found('"права граждан') == {"Права граждан"}
    assert _found("-граждан") == {"Права детей"}
    assert _found('-"права детей" -граждан') == set()
    assert _found('" - !!!') == {"Права граждан", "Права детей"}


def test_exclusions_and_phrases_keep_the_kazakh_word_forms(consultation):
    """An exclusion leaves out every form the word would find: typed on a Russian keyboard or in Latin
    letters, inflected otherwise than in the proposal."""
    _on_postgresql()
    _make(consultation, "Азаматтардың құқықтары", "Азаматтың міндеті", "Құқығы азаматтың", "Сайлау құқығы")
    assert _found("азамат") == {"Азаматтардың құқықтары", "Азаматтың міндеті", "Құқығы азаматтың"}
    assert _found("азамат -құқықтары") == {"Азаматтың міндеті"}
    assert _found("азамат -кукыктары") == {"Азаматтың міндеті"}
    assert _found("азамат -quqyq") == {"Азаматтың міндеті"}
    # Side by side in this order, in any of their forms.
    assert _found('"азаматтың құқығы"') == {"Азаматтардың құқықтары"}
    assert _found('"азаматтардын кукыктары"') == {"Азаматтардың құқықтары"}
    assert _found('"құқық азамат"') == {"Құқығы азаматтың"}
    assert _found('құқық -"құқығы азаматтың"') == {"Азаматтардың құқықтары", "Сайлау құқығы"}


def test_a_phrase_keeps_the_place_of_short_words_and_numbers(consultation):
    _on_postgresql()
    _make(consultation, "Права и свободы", "Права свободы", "Закон 2024 года", "Закон года", language="ru")
    assert _found('"правам и свободам"') == {"Права и свободы"}
    assert _found('"законы 2024 года"') == {"Закон 2024 года"}
    assert _found('"закон года"') == {"Закон года"}
    # Kazakh forms, which only the word-form prefixes find: the number keeps its place between them.
    _make(consultation, "Заңның 2024 жылғы өзгерісі", "Заң жылы")
    assert _found('"заңдар 2024 жыл"') == {"Заңның 2024 жылғы өзгерісі"}
    assert _found('"заңдар жыл"') == {"Заң жылы"}


def test_a_phrase_with_a_compound_word_is_found_in_its_forms(consultation):
    _on_postgresql()
    _make(consultation, "Қаласы нур-султан болды", "Нур-султан қаласының бюджеті", "Нур қаласы")
    assert _found('"қала нур-султан"') == {"Қаласы нур-султан болды"}
    assert _found('"нур-султан қала"') == {"Нур-султан қаласының бюджеті"}


def _titles_on_page(client, query):
    html = client.get(f"/en/proposals/?{query}").content.decode()
    return re.findall(r'id="proposal-\d+-title"><a href="[^"]+"[^>]*>([^<]+)</a>', html), html


def test_a_list_searched_by_exclusions_only_keeps_its_order(client, consultation):
    now = timezone.now()
    for days, title in enumerate(["Newest water", "Parks", "Oldest water"]):
        ProposalFactory(consultation=consultation, title=title, published_at=now - timedelta(days=days))
    titles, html = _titles_on_page(client, "q=-parks")
    assert titles == ["Newest water", "Oldest water"]
    titles, html = _titles_on_page(client, "q=water+-newest&ordering=created")
    assert titles == ["Oldest water"]
    assert "1 proposal" in html


# What a query is made of: the syntax's marks among words of every script the portal reads, numbers and
# punctuation, in any order (an exclusion of a phrase of nothing, a quote inside a word, "-" alone…).
query_text = st.lists(
    st.sampled_from([*QUOTES, "-", " ", "'", ":", "*", "!", "&", "|", "(", ")", "<", ">", "1", "\\"])
    | st.sampled_from(["права", "құқық", "quqyq", "нур-султан", "и", "a", "kukyk", "граждан"]),
    max_size=12,
).map("".join)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=query_text)
# A quote left open before a minus: the word "-права" is to be found, and websearch read it as an exclusion.
@example(text='"-права')
def test_any_query_answers_and_an_exclusion_only_takes_away(consultation, text):
    if not Proposal.objects.exists():
        _make(consultation, "Права граждан", "Азаматтардың құқықтары", "Нур-султан қаласы")
    found = _found(text)
    wanted = " ".join(term.as_websearch() for term in search_terms(text) if not term.excluded)
    assert found <= _found(wanted)
