"""The outcome report as a comparative table, the form officials in Kazakhstan work from: per article,
the old and new wording side by side, then the proposals with their supports and the Commission's answers."""

from datetime import datetime
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from docx import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Pt
from fpdf import FPDF
from fpdf.fonts import FontFace

from portal.core.formats import format_when
from portal.core.text import xml_text

from ..selectors.outcome_report import ReportArticle, ReportProposal

# The file says which language it is in, so that a screen reader speaks it and a word processor checks its
# spelling as Kazakh or Russian rather than as the English of its template.
LANGUAGE_TAGS = {"kk": "kk-KZ", "ru": "ru-RU", "en": "en-GB"}
AUTHOR = "Qatysu"
# Changes with what the writers put in a file, so that the files written before are written again.
LAYOUT = "2"


def _labels() -> dict[str, str]:
    return {
        "old": _("Wording before"),
        "new": _("Wording after"),
        "unchanged": _("Unchanged"),
        "proposals": _("Proposals on this article"),
        "none": _("No proposal was published on this article."),
        "supports": _("Supports"),
        "decision": _("Decision"),
        "reasons": _("Reasons"),
        "unanswered": _("Not answered yet"),
        "article": _("Article %(number)s"),
        "unplaced": _("Proposals on no article"),
    }


def _proposal_cells(proposal: ReportProposal, labels: dict[str, str]) -> list[str]:
    return [
        f"#{proposal.pk} {proposal.title}\n{proposal.summary}",
        str(proposal.supports),
        proposal.decision or labels["unanswered"],
        proposal.reasons,
    ]


def _as_of(moment: datetime, language: str) -> str:
    """The day the figures are from: the file is kept until what it reports on changes."""
    return _("Report as of %(date)s") % {"date": format_when(moment, "date_long", language)}


def _font_path(name: str) -> Path:
    return Path(settings.REPORT_FONT_DIR) / name


class PdfReport:
    """Writes article after article; `finish()` returns the bytes."""

    def __init__(self, *, title: str, summary: str, language: str, moment: datetime):
        self.labels = _labels()
        self.pdf = FPDF(orientation="landscape", format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=12)
        self.pdf.add_font("DejaVu", "", str(_font_path("DejaVuSans.ttf")))
        self.pdf.add_font("DejaVu", "B", str(_font_path("DejaVuSans-Bold.ttf")))
        self.pdf.set_title(title)
        self.pdf.set_lang(LANGUAGE_TAGS[language])
        self.pdf.set_author(AUTHOR)
        self.pdf.set_creator(AUTHOR)
        self.pdf.set_creation_date(moment)
        self.pdf.add_page()
        self.pdf.set_font("DejaVu", "B", 16)
        self.pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font("DejaVu", "", 10)
        self.pdf.multi_cell(0, 5, _as_of(moment, language), new_x="LMARGIN", new_y="NEXT")
        if summary:
            self.pdf.set_font("DejaVu", "", 10)
            self.pdf.multi_cell(0, 5, summary, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(4)

    def add(self, article: ReportArticle) -> None:
        pdf, labels = self.pdf, self.labels
        pdf.set_font("DejaVu", "B", 12)
        heading = labels["article"] % {"number": article.number}
        pdf.multi_cell(0, 7, f"{heading}. {article.heading}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        bold = FontFace(emphasis="BOLD")
        with pdf.table(col_widths=(1, 1), first_row_as_headings=True, headings_style=bold) as table:
            table.row(
                [f"{labels['old']} ({article.old_label})", f"{labels['new']} ({article.new_label or '—'})"]
            )
            table.row([article.old_text or "—", article.new_text or labels["unchanged"]])
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(0, 6, labels["proposals"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        if not article.proposals:
            pdf.cell(0, 6, labels["none"], new_x="LMARGIN", new_y="NEXT")
        else:
            self._proposals(article.proposals)
        pdf.ln(5)

    def add_unplaced(self, proposals: list[ReportProposal]) -> None:
        self.pdf.set_font("DejaVu", "B", 12)
        self.pdf.multi_cell(0, 7, self.labels["unplaced"], new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font("DejaVu", "", 9)
        self._proposals(proposals)

    def _proposals(self, proposals: list[ReportProposal]) -> None:
        labels = self.labels
        with self.pdf.table(col_widths=(4, 1, 2, 5), headings_style=FontFace(emphasis="BOLD")) as table:
            table.row(["№ / " + _("Proposal"), labels["supports"], labels["decision"], labels["reasons"]])
            for proposal in proposals:
                table.row(_proposal_cells(proposal, labels))

    def finish(self) -> bytes:
        return bytes(self.pdf.output())


class DocxReport:
    """A DOCX file is XML: every stored text goes in as `xml_text` leaves it, since python-docx refuses a
    character XML 1.0 forbids, and one in an imported heading or an old row failed the whole report."""

    def __init__(self, *, title: str, summary: str, language: str, moment: datetime):
        title, summary = xml_text(title), xml_text(summary)
        self.labels = _labels()
        self.document = DocxDocument()
        # python-docx's template says it was written by "python-docx" in 2013, and its text is US English.
        properties = self.document.core_properties
        properties.title, properties.language = title, LANGUAGE_TAGS[language]
        properties.author = properties.last_modified_by = AUTHOR
        properties.created = properties.modified = moment
        properties.revision = 1
        for text_language in self.document.styles.element.iter(qn("w:lang")):
            text_language.set(qn("w:val"), LANGUAGE_TAGS[language])
        self.document.styles["Normal"].font.size = Pt(10)
        self.document.add_heading(title, level=0)
        self.document.add_paragraph(_as_of(moment, language))
        if summary:
            self.document.add_paragraph(summary)

    def add(self, article: ReportArticle) -> None:
        labels, document = self.labels, self.document
        heading = f"{labels['article'] % {'number': article.number}}. {article.heading}"
        document.add_heading(xml_text(heading), level=1)
        table = document.add_table(rows=2, cols=2)
        table.style = "Table Grid"
        table.cell(0, 0).text = xml_text(f"{labels['old']} ({article.old_label})")
        table.cell(0, 1).text = xml_text(f"{labels['new']} ({article.new_label or '—'})")
        table.cell(1, 0).text = xml_text(article.old_text or "—")
        table.cell(1, 1).text = xml_text(article.new_text or labels["unchanged"])
        document.add_heading(labels["proposals"], level=2)
        if not article.proposals:
            document.add_paragraph(labels["none"])
            return
        self._proposals(article.proposals)

    def add_unplaced(self, proposals: list[ReportProposal]) -> None:
        self.document.add_heading(self.labels["unplaced"], level=1)
        self._proposals(proposals)

    def _proposals(self, proposals: list[ReportProposal]) -> None:
        labels = self.labels
        table = self.document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            [_("Proposal"), labels["supports"], labels["decision"], labels["reasons"]],
            strict=True,
        ):
            cell.text = text
        for proposal in proposals:
            for cell, text in zip(table.add_row().cells, _proposal_cells(proposal, labels), strict=True):
                cell.text = xml_text(text)

    def finish(self) -> bytes:
        buffer = BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


WRITERS = {"pdf": PdfReport, "docx": DocxReport}
