"""The outcome report's files describe themselves (their language, title, author and date, and the day their
figures are from), and every answer the outcome counts is in them."""

from datetime import UTC, datetime
from io import BytesIO

import pytest
from django.utils import translation
from docx import Document as DocxDocument
from docx.oxml.ns import qn
from pypdf import PdfReader

from proposals.models import Article, Consultation, OutcomeReport
from proposals.reports.writers import DocxReport, PdfReport
from proposals.services.outcome_report import outcome_report_build, outcome_report_is_current

from .factories import ProposalFactory, publish_response, revised_document

MOMENT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def _written(writer_class, language: str) -> bytes:
    with translation.override(language):
        writer = writer_class(
            title="Қоғамдық кеңестер туралы заң", summary="", language=language, moment=MOMENT
        )
        return writer.finish()


def test_the_docx_report_is_in_its_language_by_the_portal_and_dated_when_written():
    document = DocxDocument(BytesIO(_written(DocxReport, "kk")))
    properties = document.core_properties
    assert properties.title == "Қоғамдық кеңестер туралы заң"
    assert properties.author == "Qatysu" and properties.last_modified_by == "Qatysu"
    assert properties.created == properties.modified == MOMENT
    assert properties.language == "kk-KZ"
    # The template's US English would have the word processor check Kazakh spelling as English.
    languages = {lang.get(qn("w:val")) for lang in document.styles.element.iter(qn("w:lang"))}
    assert languages == {"kk-KZ"}
    assert "7 желтоқсан 2026 ж. жағдай бойынша есеп" in [p.text for p in document.paragraphs]


def test_the_pdf_report_names_its_language_author_and_the_day_of_its_figures():
    reader = PdfReader(BytesIO(_written(PdfReport, "ru")))
    assert reader.trailer["/Root"]["/Lang"] == "ru-RU"
    assert reader.metadata.author == "Qatysu"
    assert reader.metadata.creation_date.year == 2026
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Отчёт по состоянию на 7 декабря 2026 г." in text


@pytest.mark.django_db
def test_the_report_closes_with_the_answered_proposals_that_name_no_article(
    consultation, commissioner, second_commissioner
):
    _document, _old, _new, liberty = revised_document(consultation)
    on_article = ProposalFactory(consultation=consultation, title="Review arrests in court")
    on_article.articles.add(liberty)
    nowhere = ProposalFactory(consultation=consultation, title="Raise civil servants' pay")
    publish_response(
        nowhere,
        drafter=commissioner,
        approver=second_commissioner,
        status="out_of_scope",
        reasoning_en="Pay is set by the budget law.",
    )
    report = OutcomeReport.objects.create(consultation=consultation, language="en", file_format="docx")
    with translation.override("en"):
        report = outcome_report_build(report_id=report.pk)
    with report.file.open("rb") as file:
        document = DocxDocument(BytesIO(file.read()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[-1] == "Proposals on no article"
    last_table = [cell.text for row in document.tables[-1].rows for cell in row.cells]
    assert f"#{nowhere.pk} Raise civil servants' pay" in last_table[4]
    assert "Pay is set by the budget law." in last_table
    assert not any("Review arrests in court" in cell for cell in last_table)  # it is under its article


@pytest.mark.django_db
def test_a_file_written_by_older_writers_is_written_again(consultation, monkeypatch):
    revised_document(consultation)
    report = OutcomeReport.objects.create(consultation=consultation, language="en", file_format="pdf")
    report = outcome_report_build(report_id=report.pk)
    assert outcome_report_is_current(report)
    monkeypatch.setattr("proposals.services.outcome_report.LAYOUT", "next")
    assert not outcome_report_is_current(report)


@pytest.mark.django_db
def test_stored_characters_xml_forbids_leave_the_docx_report_whole(
    consultation, commissioner, second_commissioner
):
    """A DOCX file is XML: a control character in an imported heading or an old row, written straight to the
    rows here, failed the whole report."""
    _document, _old, _new, liberty = revised_document(consultation)
    Article.objects.filter(identity=liberty).update(heading_en="Liberty\x0b and security")
    nowhere = ProposalFactory(consultation=consultation, title="Raise\x01 pay")
    publish_response(
        nowhere, drafter=commissioner, approver=second_commissioner, reasoning_en="Set by\x1f the budget law."
    )
    Consultation.objects.filter(pk=consultation.pk).update(title_en="Reform\ufffe of councils")
    report = OutcomeReport.objects.create(consultation=consultation, language="en", file_format="docx")
    with translation.override("en"):
        report = outcome_report_build(report_id=report.pk)
    with report.file.open("rb") as file:
        document = DocxDocument(BytesIO(file.read()))
    texts = [p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    ]
    assert any(text.endswith("Liberty and security") for text in texts)
    assert f"#{nowhere.pk} Raise pay" in "\n".join(texts)
    assert "Set by the budget law." in texts
