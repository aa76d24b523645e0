"""The draft: Markdown import with precise errors, stable article identities, reading pages, phases."""

import difflib
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from proposals.demo import DEMO_DIR, seed_consultation
from proposals.documents.draft_format import DocumentFormatError, merge, parse
from proposals.models import Article, ArticleIdentity, Document, DocumentVersion, Paragraph
from proposals.selectors.consultation import intake_closed_message
from proposals.services.document import document_version_import

from .factories import ConsultationFactory, close_intake, import_published

# Three articles in two sections: "next" and "previous" cross the section boundary.
TWO_SECTIONS = """# 1. General provisions
## 1. The state {#state}
1. The Republic is a democratic state.
## 2. Local budgets {#local-budgets}
1. Local councils approve local budgets.
# 2. Courts
## 3. Judges {#judges}
1. Judges are independent.
"""
GOOD = "# 1. General\n## 1. State {#state}\n1. One.\n2. Two,\ncontinued.\n\n## 2. People\n1. Everyone.\n"


def test_parse_builds_sections_articles_and_numbered_paragraphs():
    parsed = parse(GOOD, file="en.md")
    (section,) = parsed.sections
    assert [a.number for a in section.articles] == ["1", "2"]
    assert section.articles[0].key == "state"
    assert [p.text for p in section.articles[0].paragraphs] == ["One.", "Two, continued."]


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("## 1. Article first\n1. x\n", 1, "expected a section heading"),
        ("# 1. S\n1. orphan paragraph\n", 2, "expected an article heading"),
        ("# 1. S\n## 1. A\n2. skipped one\n", 3, "expected paragraph 1 of article 1, found 2"),
        ("# 1. S\n## 1. A\n\n## 2. B\n1. x\n", 2, "expected at least one numbered paragraph in article 1"),
        ("# 1. S\n### deeper\n", 2, "level-3 heading"),
        ("# One\n", 1, "expected a section heading of the form"),
        ("# 1. S\n## 1. A\n1. x\n## 1. Again\n1. y\n", 4, "article 1 appears twice"),
        ("# 1. S\n## 1. A\n1. x\n# 1. Again\n## 2. B\n1. y\n", 4, "section 1 appears twice"),
        ("# 1. S\n## 1. A\n1. x\n\nstray text\n", 5, "expected a numbered paragraph '2. <text>'"),
    ],
)
def test_malformed_markdown_names_file_line_and_expectation(text, line, expected):
    with pytest.raises(DocumentFormatError) as raised:
        parse(text, file="kk.md")
    assert (raised.value.file, raised.value.line) == ("kk.md", line)
    assert expected in raised.value.message
    assert str(raised.value).startswith(f"kk.md:{line}: ")


@pytest.mark.django_db
def test_import_of_the_demo_produces_the_structure_in_three_languages():
    consultation = seed_consultation()
    document = consultation.documents.get()
    assert list(document.versions.values_list("position", flat=True)) == [1, 2]
    first = Article.objects.filter(version__position=1)
    assert first.count() == 33
    state = Article.objects.get(version__position=1, identity__key="state")
    paragraph = state.paragraphs.get(number=1)
    assert paragraph.text_kk.startswith("Демо Республикасы")
    assert paragraph.text_ru.startswith("Республика Демо")
    assert paragraph.text_en.startswith("The Republic of Demo")


@pytest.mark.django_db
def test_renumbered_and_moved_articles_keep_their_identity():
    seed_consultation()
    equality = ArticleIdentity.objects.get(key="equality")
    numbers = list(equality.versions.order_by("version__position").values_list("number", flat=True))
    assert numbers == ["7", "5"]  # "capital" and "secularity" before it were removed
    hearings = ArticleIdentity.objects.get(key="hearings")
    sections = list(hearings.versions.order_by("version__position").values_list("section__number", flat=True))
    assert sections == ["3", "5"]


@pytest.mark.django_db
def test_a_malformed_file_imports_nothing():
    document = Document.objects.create(consultation=ConsultationFactory(), slug="law")
    before = (DocumentVersion.objects.count(), Article.objects.count(), Paragraph.objects.count())
    with pytest.raises(DocumentFormatError, match="ru.md:3"):
        document_version_import(
            document=document,
            labels={"en": "v1"},
            sources={
                "en": ("en.md", GOOD),
                "ru": ("ru.md", "# 1. Общие\n## 1. Государство {#state}\nтекст\n"),
            },
            imported_by=None,
        )
    assert (DocumentVersion.objects.count(), Article.objects.count(), Paragraph.objects.count()) == before


@pytest.mark.django_db
def test_languages_with_different_structure_are_refused():
    document = Document.objects.create(consultation=ConsultationFactory(), slug="law")
    other = GOOD.replace("{#state}", "{#nation}")
    with pytest.raises(DocumentFormatError, match=r"ru.md:2: expected article 1 \{#state\} as in en.md"):
        document_version_import(
            document=document,
            labels={},
            sources={"en": ("en.md", GOOD), "ru": ("ru.md", other)},
            imported_by=None,
        )


KK_TWO_SECTIONS = "# 1. A\n## 1. S {#s}\n1. x\n## 2. T {#t}\n1. y\n# 2. B\n## 3. U {#u}\n1. z\n"


@pytest.mark.parametrize(
    ("ru", "line", "expected"),
    [
        # Stops short: the last line read, after which the rest was expected (not line 1).
        ("# 1. A\n## 1. S {#s}\n1. x\n## 2. T {#t}\n1. y\n", 5, "expected 2 sections as in kk.md, found 1"),
        (KK_TWO_SECTIONS + "# 3. C\n## 4. V {#v}\n1. w\n", 9, "expected 2 sections as in kk.md, found 3"),
        ("# 1. A\n## 1. S {#s}\n1. x\n# 2. B\n## 3. U {#u}\n1. z\n", 3, "expected 2 articles in section 1"),
        (
            "# 1. A\n## 1. S {#s}\n1. x\n## 2. T {#t}\n1. y\n## 9. X {#x}\n1. q\n# 2. B\n## 3. U {#u}\n1. z\n",
            6,
            "expected 2 articles in section 1",
        ),
    ],
)
def test_a_language_unlike_the_first_is_refused_at_the_line_where_it_differs(ru, line, expected):
    with pytest.raises(DocumentFormatError) as raised:
        merge({"kk": parse(KK_TWO_SECTIONS, file="kk.md"), "ru": parse(ru, file="ru.md")})
    assert (raised.value.file, raised.value.line) == ("ru.md", line)
    assert expected in raised.value.message


@pytest.mark.django_db
def test_unmarked_articles_are_matched_by_similarity_and_flagged_for_confirmation():
    document = Document.objects.create(consultation=ConsultationFactory(), slug="law")
    v1 = "# 1. S\n## 1. Budgets\n1. Local councils approve the local budget every year.\n## 2. Courts\n1. Judges are independent.\n"
    v2 = "# 1. S\n## 1. Courts\n1. Judges are independent and impartial.\n## 2. Budgets\n1. Local councils approve the local budget each year.\n## 3. New\n1. Something entirely different here.\n"
    document_version_import(document=document, labels={}, sources={"en": ("v1.md", v1)}, imported_by=None)
    document_version_import(document=document, labels={}, sources={"en": ("v2.md", v2)}, imported_by=None)
    old_budgets = Article.objects.get(version__position=1, number="1").identity
    new_budgets = Article.objects.get(version__position=2, number="2")
    assert new_budgets.identity == old_budgets
    assert new_budgets.identity_proposed is True
    assert Article.objects.get(version__position=2, number="3").identity.versions.count() == 1


# Forty articles of a draft as they read in Russian, each of its own words.
_TOPICS = [f"статья о предмете номер {n}: " + " ".join(f"слово{n}_{k}" for k in range(12)) for n in range(40)]


@pytest.mark.django_db
def test_a_long_version_is_matched_with_a_few_exact_comparisons_per_article(monkeypatch):
    """Every pair compared exactly took a minute of the import request for two 100-article versions; each
    new article is compared exactly with the few old ones closest by shared trigrams, and still matched."""
    document = Document.objects.create(consultation=ConsultationFactory(), slug="law")

    def version(texts):
        articles = "".join(f"## {n + 1}. Статья\n1. {text}\n" for n, text in enumerate(texts))
        return "# 1. Раздел\n" + articles

    document_version_import(
        document=document, labels={}, sources={"ru": ("v1.md", version(_TOPICS))}, imported_by=None
    )
    compared = []
    exact = difflib.SequenceMatcher.ratio
    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", lambda self: compared.append(1) or exact(self))
    # The same articles, each lightly edited, in reverse order.
    edited = [text.replace("слово", "слова", 2) for text in reversed(_TOPICS)]
    document_version_import(
        document=document, labels={}, sources={"ru": ("v2.md", version(edited))}, imported_by=None
    )
    assert len(compared) <= 3 * len(_TOPICS)
    old = {a.identity_id: a.number for a in Article.objects.filter(version__position=1)}
    for article in Article.objects.filter(version__position=2):
        assert old[article.identity_id] == str(len(_TOPICS) + 1 - int(article.number))
        assert article.identity_proposed


@pytest.mark.django_db
def test_import_document_command(tmp_path):
    consultation = ConsultationFactory(slug="reform")
    Document.objects.create(consultation=consultation, slug="constitution")
    (tmp_path / "en.md").write_text(GOOD)
    call_command("import_document", str(tmp_path), "--consultation", "reform", "--label", "Draft")
    assert Article.objects.count() == 2
    (tmp_path / "en.md").write_text("# 1. S\nno\n")
    with pytest.raises(CommandError, match=r"en.md:2: expected"):
        call_command("import_document", str(tmp_path), "--consultation", "reform", "--label", "Broken")
    assert DocumentVersion.objects.count() == 1


@pytest.mark.django_db
def test_article_page_in_kk_and_ru_with_paragraph_permalinks(client):
    seed_consultation()
    url = "/kk/consultations/constitutional-reform/constitution/articles/state/"
    kk = client.get(url).content.decode()
    assert "Демо Республикасы" in kk and 'id="p-1"' in kk
    ru = client.get(url.replace("/kk/", "/ru/")).content.decode()
    assert "Республика Демо" in ru
    assert 'href="/kk/consultations/constitutional-reform/constitution/articles/state/"' in ru


@pytest.mark.django_db
def test_missing_language_is_said_and_the_others_offered(client):
    seed_consultation()
    Paragraph.objects.filter(article__identity__key="state", number=1).update(text_en="")
    page = client.get("/en/consultations/constitutional-reform/constitution/articles/state/").content.decode()
    assert "not available in your language" in page
    assert 'hreflang="kk"' in page


@pytest.mark.django_db
def test_document_page_lists_the_contents_of_the_chosen_version(client, django_assert_max_num_queries):
    seed_consultation()
    with django_assert_max_num_queries(12):
        latest = client.get("/en/consultations/constitutional-reform/constitution/").content.decode()
    assert "Digital rights" in latest and "Secularity" not in latest
    first = client.get("/en/consultations/constitutional-reform/constitution/?version=1").content.decode()
    assert "Secularity" in first


@pytest.mark.django_db
def test_home_and_consultation_pages_show_the_phase_timeline(client):
    seed_consultation()
    for url in ("/en/", "/en/consultations/constitutional-reform/"):
        page = client.get(url).content.decode()
        assert "Proposal intake" in page and "Public hearings" in page and 'aria-current="step"' in page


@pytest.mark.django_db
def test_closed_intake_message_says_when(settings):
    consultation = ConsultationFactory()
    close_intake(consultation, days_ago=3)
    from django.utils import translation

    with translation.override("en"):
        assert intake_closed_message(consultation).startswith("Proposal intake closed on ")


def test_demo_markdown_files_exist_for_every_language():
    for folder in ("in-force", "draft"):
        for code in ("kk", "ru", "en"):
            assert Path(DEMO_DIR, folder, f"{code}.md").stat().st_size > 1000


@pytest.mark.django_db
def test_an_old_article_goes_to_its_closest_new_match_only_and_an_unrelated_article_is_new():
    document = Document.objects.create(consultation=ConsultationFactory(), slug="law")
    v1 = (
        "# 1. S\n## 1. Budgets\n1. Local councils approve the local budget every year.\n"
        "## 2. Courts\n1. Judges are independent.\n"
    )
    v2 = (
        "# 1. S\n## 1. Budgets\n1. Local councils approve the regional budget every spring.\n"
        "## 2. Budgets again\n1. Local councils approve the local budget each year.\n"
        "## 3. Space\n1. Satellites are launched by the national space agency.\n"
    )
    document_version_import(document=document, labels={}, sources={"en": ("v1.md", v1)}, imported_by=None)
    document_version_import(document=document, labels={}, sources={"en": ("v2.md", v2)}, imported_by=None)
    budgets = Article.objects.get(version__position=1, number="1").identity
    closest = Article.objects.get(version__position=2, number="2")
    assert (closest.identity, closest.identity_proposed) == (budgets, True)
    for number in (
        "1",
        "3",
    ):  # the second budget article, and one like nothing before (Courts stays unmatched)
        article = Article.objects.get(version__position=2, number=number)
        assert (article.identity.versions.count(), article.identity_proposed) == (1, False)


@pytest.mark.django_db
def test_an_article_with_its_own_key_keeps_it_and_is_not_flagged_for_confirmation():
    document = Document.objects.create(consultation=ConsultationFactory(), slug="law")
    document_version_import(document=document, labels={}, sources={"en": ("v1.md", GOOD)}, imported_by=None)
    document_version_import(document=document, labels={}, sources={"en": ("v2.md", GOOD)}, imported_by=None)
    keyed = Article.objects.get(version__position=2, number="1")
    assert (keyed.identity.key, keyed.identity_proposed) == ("state", False)


@pytest.mark.django_db
def test_sections_and_articles_read_as_number_and_heading_in_the_readers_language():
    document = Document.objects.create(consultation=ConsultationFactory(), slug="law")
    sources = {
        "kk": ("kk.md", "# 1. Жалпы\n## 1. Мемлекет {#state}\n1. Бір.\n"),
        "en": ("en.md", "# 1. General\n## 1. State {#state}\n1. One.\n"),
    }
    version = document_version_import(document=document, labels={}, sources=sources, imported_by=None)
    section = version.sections.get()
    article = version.articles.get()
    with translation.override("en"):
        assert (str(section), str(article)) == ("1. General", "1. State")
    with translation.override("ru"):
        assert (str(section), str(article)) == ("1. Жалпы", "1. Мемлекет")
    assert str(article.identity) == "state"


def _two_section_draft(consultation):
    document = Document.objects.create(consultation=consultation, slug="basic-law", title_en="Basic Law")
    return import_published(
        document=document, labels={"en": "Draft"}, sources={"en": ("en.md", TWO_SECTIONS)}, imported_by=None
    )


def _article_url(consultation, key, version=None):
    url = f"/en/consultations/{consultation.slug}/basic-law/articles/{key}/"
    return f"{url}?version={version.position}" if version else url


def _pager(html):
    pager = re.search(r'<nav class="article-pager".*?</nav>', html, re.S)
    return {
        rel: " ".join(re.sub(r"<[^>]+>", " ", text).split()) for rel, text in _PAGER_LINK.findall(pager[0])
    }


_PAGER_LINK = re.compile(r'<a rel="(prev|next)" href="[^"]*">(.*?)</a>', re.S)


@pytest.mark.django_db
def test_an_article_links_to_the_articles_before_and_after_it_in_the_same_version(
    client, django_assert_max_num_queries
):
    consultation = ConsultationFactory()
    version = _two_section_draft(consultation)
    with django_assert_max_num_queries(14):
        html = client.get(_article_url(consultation, "local-budgets")).content.decode()
    assert _pager(html) == {
        "prev": "← Previous article Article 1. The state",
        "next": "Next article → Article 3. Judges",
    }
    assert f'href="{_article_url(consultation, "judges", version)}"' in html
    # Across the section boundary, and nothing before the first article or after the last.
    assert _pager(client.get(_article_url(consultation, "judges")).content.decode()) == {
        "prev": "← Previous article Article 2. Local budgets"
    }
    assert _pager(client.get(_article_url(consultation, "state")).content.decode()) == {
        "next": "Next article → Article 2. Local budgets"
    }


@pytest.mark.django_db
def test_proposing_a_change_to_an_article_names_its_consultation_and_the_article(client):
    consultation = ConsultationFactory()
    ConsultationFactory()  # another consultation taking proposals: the form must not pick one itself
    _two_section_draft(consultation)
    judges = ArticleIdentity.objects.get(key="judges")
    html = client.get(_article_url(consultation, "judges")).content.decode()
    assert f'href="/en/proposals/new/?consultation={consultation.slug}&amp;article={judges.pk}"' in html


@pytest.mark.django_db
def test_once_intake_is_closed_the_article_page_says_so_instead_of_offering_to_propose(client):
    consultation = ConsultationFactory()
    close_intake(consultation, days_ago=3)
    _two_section_draft(consultation)
    html = client.get(_article_url(consultation, "judges")).content.decode()
    assert "Propose a change to this article" not in html
    assert "/en/proposals/new/" not in html
    assert "Proposal intake closed on " in html


def test_a_version_is_named_in_the_readers_language_not_by_another_languages_label():
    version = DocumentVersion(position=3, label_kk="3-жоба")
    with translation.override("kk"):
        assert str(version) == "3-жоба"
    with translation.override("ru"):
        assert str(version) == "Версия 3"
    with translation.override("en"):
        assert str(version) == "Version 3"
