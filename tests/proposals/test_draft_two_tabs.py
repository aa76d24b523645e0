"""A citizen's draft open in two tabs: the save from the tab the other one's save has outdated is refused with
a clear word, the text typed there stays on the form and the saved one is shown above it."""

import pytest
from django.test import Client

from proposals.models import Proposal
from tests.form_fields import form_fields, saved_in_two_tabs

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db

FIRST = "Первый вариант текста: советы сами утверждают бюджет."
SECOND = "Второй вариант текста: бюджет утверждает маслихат."


@pytest.fixture
def draft(citizen, consultation):
    return ProposalFactory(consultation=consultation, author=citizen, status="draft", published_at=None)


def _tabs(citizen):
    tabs = Client(), Client()
    for tab in tabs:
        tab.force_login(citizen)
    return tabs


@pytest.mark.parametrize(
    ("language", "refused_text", "saved_heading"),
    [
        (
            "ru",
            "пока вы редактировали этот черновик здесь, он был сохранён в другой вкладке",
            "Сохранено за это время",
        ),
        (
            "kk",
            "сіз бұл жобаны осында өңдеп отырғанда, ол басқа қойындыда немесе терезеде сақталды",
            "Осы аралықта",
        ),
    ],
)
def test_a_draft_saved_in_another_tab_is_not_overwritten(
    citizen, draft, language, refused_text, saved_heading
):
    first, second = _tabs(citizen)
    url = f"/{language}/proposals/{draft.pk}/edit/"
    saved, refused = saved_in_two_tabs(first, second, url, field="body", texts=(FIRST, SECOND))
    assert saved.status_code == 302
    page = refused.content.decode()
    assert refused.status_code == 200
    assert refused_text in page.lower()
    assert SECOND in page and FIRST in page and saved_heading in page
    assert Proposal.objects.get(pk=draft.pk).body == FIRST
    # The text typed in this tab wins when saved again from the page shown.
    assert second.post(url, form_fields(refused)).status_code == 302
    assert Proposal.objects.get(pk=draft.pk).body == SECOND


def test_the_articles_a_draft_names_are_part_of_what_another_tab_may_have_saved(
    citizen, draft, draft_article
):
    draft.consultation = draft_article.document.consultation
    draft.save()
    first, second = _tabs(citizen)
    url = f"/ru/proposals/{draft.pk}/edit/"
    loaded = form_fields(second.get(url))
    chosen = form_fields(first.get(url))
    chosen["articles"] = [str(draft_article.pk)]
    assert first.post(url, chosen).status_code == 302
    loaded["title"] = ["Новый заголовок"]
    refused = second.post(url, loaded)
    assert "пока вы редактировали этот черновик здесь" in refused.content.decode().lower()
    assert list(Proposal.objects.get(pk=draft.pk).articles.all()) == [draft_article]
