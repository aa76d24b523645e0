"""A citizen reading the draft article by article: addresses that name no version, headings in another
language, the page of an article a version left out."""

import pytest

from proposals.demo import seed_consultation
from proposals.models import Document

from .factories import (
    ConsultationFactory,
    ProposalFactory,
    import_published,
    publish_response,
    revised_document,
)

pytestmark = pytest.mark.django_db

DOCUMENT = "/{language}/consultations/constitutional-reform/constitution/"


@pytest.fixture
def kazakh_only_law():
    """/<lang>/consultations/reform/law/: one published version, imported in Kazakh only."""
    document = Document.objects.create(
        consultation=ConsultationFactory(slug="reform"), slug="law", title_en="Law"
    )
    kazakh_only = "# 1. Жалпы ережелер\n## 1. Мемлекет {#state}\n1. Қазақстан — демократиялық мемлекет.\n"
    return import_published(
        document=document, labels={"kk": "Жоба"}, sources={"kk": ("kk.md", kazakh_only)}, imported_by=None
    )


@pytest.mark.parametrize("path", ["", "articles/liberty/"])
@pytest.mark.parametrize("version", ["99", "abc", "0"])
def test_an_address_naming_no_version_is_not_found_instead_of_showing_another(client, path, version):
    seed_consultation()
    response = client.get(f"{DOCUMENT.format(language='ru')}{path}?version={version}")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "in_force", "draft"),
    [("", "Secularity", "Digital rights"), ("articles/liberty/", "Article 9.", "Article 7.")],
)
def test_the_named_version_and_the_latest_by_default_are_shown(client, path, in_force, draft):
    seed_consultation()
    named = client.get(f"{DOCUMENT.format(language='en')}{path}?version=1").content.decode()
    latest = client.get(f"{DOCUMENT.format(language='en')}{path}").content.decode()
    assert in_force in named and draft not in named
    assert draft in latest and in_force not in latest


def test_an_article_a_version_left_out_is_named_by_its_heading_not_its_key(client):
    seed_consultation()
    page = client.get(f"{DOCUMENT.format(language='ru')}articles/capital/").content.decode()
    assert '<h1><span lang="ru">Столица</span>' in page
    assert "<h1>capital</h1>" not in page


def test_a_heading_shown_in_another_language_says_so(client, kazakh_only_law):
    contents = client.get("/en/consultations/reform/law/").content.decode()
    article = client.get("/en/consultations/reform/law/articles/state/").content.decode()
    for page in (contents, article):
        assert (
            '<span lang="kk">Мемлекет</span> <small class="muted other-language">(available in Kazakh only)'
            in page
        )
        assert '<span lang="kk">Жалпы ережелер</span>' in page


def test_a_heading_in_a_link_ends_where_its_words_do(client):
    # A line break after the heading would be underlined with the link, as a space trailing the words.
    seed_consultation()
    contents = client.get(DOCUMENT.format(language="en")).content.decode()
    assert '<span lang="en">Personal liberty</span></a>' in contents


def test_an_answer_given_in_another_language_says_so_on_the_article(
    client, consultation, commissioner, second_commissioner
):
    _document, _old, new, liberty = revised_document(consultation)
    proposal = ProposalFactory(consultation=consultation, language="ru")
    publish_response(
        proposal,
        drafter=commissioner,
        approver=second_commissioner,
        articles=[liberty],
        version=new,
        reasoning_ru="Суд проверяет каждое задержание.",
    )
    page = client.get(liberty.get_absolute_url()).content.decode()
    section = page[page.index('id="what-changed"') :]
    assert (
        '<span lang="ru">Суд проверяет каждое задержание.</span> <small class="muted other-language">'
        in section
    )


def test_a_comparison_names_its_two_versions_outside_the_form_that_chose_them(client):
    seed_consultation()
    page = client.get(f"{DOCUMENT.format(language='kk')}compare/").content.decode()
    summary = page[page.index('id="summary-heading"') :]
    assert "<p>«Қолданыстағы мәтін» нұсқасынан «31 қаңтардағы жоба» нұсқасына</p>" in summary


def test_the_xml_of_a_version_is_offered_and_given_only_in_a_language_it_has(client, kazakh_only_law):
    contents = client.get("/en/consultations/reform/law/").content.decode()
    assert 'akn.xml?language=kk" hreflang="kk" download>' in contents
    assert client.get("/en/consultations/reform/law/versions/1/akn.xml?language=kk").status_code == 200
    # Kazakh text under an English expression's name would be wrong data.
    assert client.get("/en/consultations/reform/law/versions/1/akn.xml?language=en").status_code == 404


def test_a_screen_reader_hears_where_each_change_of_a_comparison_ends(client):
    seed_consultation()
    page = client.get(f"{DOCUMENT.format(language='ru')}compare/").content.decode()
    # "добавлено: и хранятся только с согласия" would pass the unchanged words off as added.
    assert '<ins><span class="visually-hidden">добавлено: </span>' in page
    assert '<span class="visually-hidden"> (конец изменения) </span></ins>' in page
    assert '<span class="visually-hidden"> (конец изменения) </span></del>' in page


def test_an_article_the_latest_version_left_out_offers_no_form_that_cannot_name_it(client):
    seed_consultation()
    removed = client.get(f"{DOCUMENT.format(language='ru')}articles/capital/").content.decode()
    assert "?consultation=constitutional-reform&amp;article=" not in removed
    assert "В последней версии проекта этой статьи больше нет" in removed
    assert 'href="/ru/proposals/new/?consultation=constitutional-reform"' in removed
    current = client.get(f"{DOCUMENT.format(language='ru')}articles/liberty/?version=1").content.decode()
    assert "?consultation=constitutional-reform&amp;article=" in current


def test_a_paragraphs_link_keeps_leading_to_its_version(client):
    seed_consultation()
    page = client.get(f"{DOCUMENT.format(language='kk')}articles/liberty/").content.decode()
    assert '<p id="p-2"><a class="paragraph-number" href="?version=2#p-2"' in page


def test_an_articles_title_names_it_and_its_document(client):
    # Several articles open in tabs, or a screen reader's first words: "Статья 7" alone says little.
    seed_consultation()
    page = client.get(f"{DOCUMENT.format(language='ru')}articles/liberty/").content.decode()
    assert "<title>Статья 7. Личная свобода · Основной Закон · " in page


def test_a_visitor_is_told_how_to_follow_an_article(client):
    seed_consultation()
    page = client.get(f"{DOCUMENT.format(language='kk')}articles/liberty/?version=1").content.decode()
    login = "/kk/accounts/login/?next=/kk/consultations/constitutional-reform/constitution/articles/liberty/%3Fversion%3D1"
    assert f'<a href="{login}">Бұл бапты бақылау үшін кіріңіз.</a>' in page
