"""The compare page and the Akoma Ntoso export."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from proposals.demo import seed_consultation
from proposals.documents.akoma_ntoso import validate
from proposals.models import Document, DocumentVersion
from proposals.selectors.comparison import compare_versions

from .factories import ConsultationFactory, import_published

pytestmark = pytest.mark.django_db
COMPARE = "/en/consultations/constitutional-reform/constitution/compare/"


def test_demo_summary_matches_the_hand_checked_figures():
    seed_consultation()
    old, new = DocumentVersion.objects.order_by("position")
    rows, summary = compare_versions(old_version=old, new_version=new, language="en", with_html=False)
    # Worked out by hand from proposals/demo: "capital" and "secularity" removed; "digital-rights" and
    # "ombudsman" added; four texts rewritten; "hearings" moved from section 3 to 5; 23 kept articles renumbered.
    assert (summary.unchanged, summary.changed, summary.added, summary.removed) == (27, 4, 2, 2)
    assert (summary.moved, summary.renumbered) == (1, 23)
    assert {row.identity_key for row in rows if row.status == "changed"} == {
        "local-budgets",
        "elections",
        "privacy",
        "akims",
    }
    assert 0 < summary.changed_percent < 30


def _big_document(count):
    lines_v1, lines_v2 = ["# 1. Everything"], ["# 1. Everything"]
    for n in range(1, count + 1):
        lines_v1 += [f"## {n}. Article {n} {{#a{n}}}", f"1. Text of article {n} as in force."]
        text = f"Text of article {n} as amended." if n % 3 == 0 else f"Text of article {n} as in force."
        lines_v2 += [f"## {n}. Article {n} {{#a{n}}}", f"1. {text}"]
    document = Document.objects.create(consultation=ConsultationFactory(slug="big"), slug="law")
    for lines in (lines_v1, lines_v2):
        import_published(
            document=document,
            labels={"en": "v"},
            sources={"en": ("en.md", "\n".join(lines))},
            imported_by=None,
        )
    return document


def test_compare_page_of_300_articles_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    _big_document(300)
    with django_assert_max_num_queries(12):
        response = client.get("/en/consultations/big/law/compare/?from=1&to=2")
    assert response.status_code == 200
    assert response.context["summary"].changed == 100
    assert response.context["summary"].unchanged == 200


def test_compare_page_shows_ins_and_del_with_screen_reader_words(client):
    seed_consultation()
    page = client.get(COMPARE + "?from=1&to=2").content.decode()
    assert "<ins>" in page and "<del>" in page
    assert '<span class="visually-hidden">added: </span>' in page
    assert "Share of the text changed" in page


@pytest.mark.parametrize("query", ["?from=9&to=2", "?from=abc", "?to=%3Cscript%3E", "?from=2&to=2"])
def test_bad_version_choices_get_a_message_not_an_error(client, query):
    seed_consultation()
    response = client.get(COMPARE + query)
    assert response.status_code == 200
    assert response.context["error"]
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_exported_akoma_ntoso_validates_against_the_official_schema(client, language):
    seed_consultation()
    response = client.get(
        f"/en/consultations/constitutional-reform/constitution/versions/2/akn.xml?language={language}"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/akn+xml")
    assert validate(response.content) == []
    assert b'<article eId="art_29">' in response.content


def _frbr_uris(client, position, language):
    xml = client.get(
        f"/en/consultations/constitutional-reform/constitution/versions/{position}/akn.xml?language={language}"
    ).content
    assert validate(xml) == []
    root = etree.fromstring(xml)
    return tuple(
        root.find(f".//{{*}}{block}/{{*}}FRBRuri").get("value") for block in ("FRBRWork", "FRBRExpression")
    )


def test_the_work_iri_stays_and_each_version_and_language_has_its_own_expression_iri(client):
    seed_consultation()
    first, second = DocumentVersion.objects.order_by("position")
    # The second version made in a later year: its year must not leak into the work IRI.
    DocumentVersion.objects.filter(pk=second.pk).update(created_at=first.created_at + timedelta(days=400))
    second.refresh_from_db()
    uris = {
        (position, language): _frbr_uris(client, position, language)
        for position in (1, 2)
        for language in ("kk", "ru")
    }
    works = {work for work, _ in uris.values()}
    assert works == {f"/akn/kz/act/{first.created_at.date().isoformat()}/constitutional-reform-constitution"}
    expressions = {expression for _, expression in uris.values()}
    assert len(expressions) == 4
    work = works.pop()
    assert uris[(1, "kk")][1] == f"{work}/kaz@{first.created_at.date().isoformat()};1"
    assert uris[(2, "ru")][1] == f"{work}/rus@{second.created_at.date().isoformat()};2"


def test_schema_validation_really_rejects_a_broken_document():
    assert validate(
        b'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act/></akomaNtoso>'
    )


def test_akn_export_refuses_an_unknown_language(client):
    seed_consultation()
    url = "/en/consultations/constitutional-reform/constitution/versions/1/akn.xml?language=de"
    assert client.get(url).status_code == 400


def test_each_compared_article_leads_to_its_page_with_the_answers_behind_it(client):
    seed_consultation()
    response = client.get(COMPARE + "?from=1&to=2")
    page = response.content.decode()
    rows = response.context["rows"]
    assert rows
    for row in rows:
        version = 2 if row.new else 1
        assert (
            f'href="/en/consultations/constitutional-reform/constitution/articles/{row.identity_key}/?version={version}"'
            in page
        )


@pytest.mark.parametrize(
    ("language", "day"),
    [("kk", "7 желтоқсан 2026 ж."), ("ru", "7 декабря 2026 г."), ("en", "7 December 2026")],
)
def test_versions_to_compare_are_named_with_their_day_of_publication_in_the_readers_language(
    client, language, day
):
    seed_consultation()
    DocumentVersion.objects.update(published_at=datetime(2026, 12, 7, 12, tzinfo=UTC))
    page = client.get(COMPARE.replace("/en/", f"/{language}/")).content.decode()
    options = re.findall(r"<option[^>]*>([^<]*)</option>", page)
    assert len(options) == 4 and all(option.endswith(f" — {day}") for option in options), options


@pytest.mark.parametrize(("page_language", "note"), [("en", True), ("ru", True), ("kk", False)])
def test_a_diff_shown_in_another_language_is_marked_with_it_and_says_so(client, page_language, note):
    document = Document.objects.create(consultation=ConsultationFactory(slug="kazakh-only"), slug="law")
    for text in ("Жер халыққа тиесілі.", "Жер мемлекетке тиесілі."):
        import_published(
            document=document,
            labels={"kk": "Нұсқа"},
            sources={"kk": ("kk.md", f"# 1. Жер\n## 1. Меншік {{#land}}\n1. {text}\n")},
            imported_by=None,
        )
    page = client.get(f"/{page_language}/consultations/kazakh-only/law/compare/").content.decode()
    assert '<div class="diff-text" lang="kk">' in page
    assert ('class="muted other-language"' in page) is note
