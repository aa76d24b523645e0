"""The outcome report's files describe themselves: their language, title, author and date, and the day their
figures are from."""

from datetime import UTC, datetime
from io import BytesIO

from django.utils import translation
from docx import Document as DocxDocument
from docx.oxml.ns import qn
from pypdf import PdfReader

from proposals.reports.writers import DocxReport, PdfReport

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
