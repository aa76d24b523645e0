"""The Markdown layout of a draft (see docs/document-format.md), parsed into a tree with precise errors.

    # 1. Section heading
    ## 7. Article heading {#stable-key}
    1. First paragraph, which may continue
    on the next lines.

    2. Second paragraph.

Pure functions, no database: `parse` reads one file (one language), `merge` checks that the files of the
other languages have the same structure. Errors are written in the active language: the secretariat reads them
on the import page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_NUMBERED_HEADING = re.compile(
    r"^(?P<number>[0-9]+[A-Za-z0-9-]*)\.\s+(?P<heading>.+?)(?:\s+\{#(?P<key>[a-z0-9][a-z0-9-]{0,39})\})?$"
)
_PARAGRAPH = re.compile(r"^(?P<number>[0-9]+)\.\s+(?P<text>\S.*)$")


class DocumentFormatError(ValueError):
    def __init__(self, file: str, line: int, message: str):
        self.file, self.line, self.message = file, line, message
        super().__init__(f"{file}:{line}: {message}")


@dataclass
class ParsedParagraph:
    number: int
    text: str
    line: int


@dataclass
class ParsedArticle:
    number: str
    heading: str
    key: str | None
    line: int
    paragraphs: list[ParsedParagraph] = field(default_factory=list)


@dataclass
class ParsedSection:
    number: str
    heading: str
    line: int
    articles: list[ParsedArticle] = field(default_factory=list)


@dataclass
class ParsedDocument:
    file: str
    sections: list[ParsedSection] = field(default_factory=list)

    def articles(self) -> list[ParsedArticle]:
        return [article for section in self.sections for article in section.articles]


def parse(text: str, *, file: str) -> ParsedDocument:
    """Parses one language's file; raises DocumentFormatError naming the file and line of the first error."""
    document = ParsedDocument(file=file)
    section: ParsedSection | None = None
    article: ParsedArticle | None = None
    paragraph: ParsedParagraph | None = None

    def fail(line: int, message: str):
        raise DocumentFormatError(file, line, message)

    # Notepad and some word processors save UTF-8 with a byte-order mark, which would hide the first heading.
    for index, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            paragraph = None
            continue
        heading = _HEADING.match(line)
        if heading:
            level, content = len(heading.group(1)), heading.group(2)
            if level > 2:
                fail(
                    index,
                    _("expected a section (#) or article (##) heading, found a level-%(level)d heading")
                    % {"level": level},
                )
            numbered = _NUMBERED_HEADING.match(content)
            if not numbered:
                fail(index, _section_heading_expected() if level == 1 else _article_heading_expected())
            # A key the pattern does not take would otherwise stay in the heading, shown to every reader,
            # and leave the article without its identity across versions.
            key_written = numbered.group("key") or "{#" in numbered.group("heading")
            if level == 1:
                if key_written:
                    fail(index, _("a section heading cannot carry an article key {#…}"))
                if article is not None and not article.paragraphs:
                    fail(article.line, _no_paragraph(article))
                number = numbered.group("number")
                if any(s.number == number for s in document.sections):
                    fail(index, _("section %(section)s appears twice") % {"section": number})
                section = ParsedSection(number=number, heading=numbered.group("heading"), line=index)
                document.sections.append(section)
                article = paragraph = None
            else:
                if section is None:
                    fail(index, _section_heading_expected())
                if article is not None and not article.paragraphs:
                    fail(article.line, _no_paragraph(article))
                number = numbered.group("number")
                if any(a.number == number for a in document.articles()):
                    fail(index, _("article %(article)s appears twice") % {"article": number})
                key = numbered.group("key")
                if key_written and not key:
                    fail(index, _malformed_key())
                owner = next((a for a in document.articles() if key and a.key == key), None)
                if owner is not None:
                    fail(index, _key_taken(key, owner))
                article = ParsedArticle(number=number, heading=numbered.group("heading"), key=key, line=index)
                section.articles.append(article)
                paragraph = None
            continue
        numbered_paragraph = _PARAGRAPH.match(line)
        if numbered_paragraph and (paragraph is None or not raw.startswith((" ", "\t"))):
            if article is None:
                fail(index, _article_heading_expected())
            number = int(numbered_paragraph.group("number"))
            expected = len(article.paragraphs) + 1
            if number != expected:
                fail(
                    index,
                    _("expected paragraph %(expected)d of article %(article)s, found %(found)d")
                    % {"expected": expected, "article": article.number, "found": number},
                )
            paragraph = ParsedParagraph(number=number, text=numbered_paragraph.group("text"), line=index)
            article.paragraphs.append(paragraph)
            continue
        if paragraph is None:
            if section is None:
                fail(index, _section_heading_expected())
            if article is None:
                fail(index, _article_heading_expected())
            fail(
                index,
                _("expected a numbered paragraph '%(number)d. <text>'")
                % {"number": len(article.paragraphs) + 1},
            )
        paragraph.text = f"{paragraph.text} {line}"
    if article is not None and not article.paragraphs:
        fail(article.line, _no_paragraph(article))
    if not document.sections:
        fail(1, _section_heading_expected())
    return document


def _section_heading_expected() -> str:
    return _("expected a section heading of the form '# <number>. <heading>'")


def _article_heading_expected() -> str:
    return _("expected an article heading of the form '## <number>. <heading>'")


def _malformed_key() -> str:
    return _(
        "expected an article key of the form {#key} after a space: lower-case Latin letters, digits and "
        "hyphens, at most 40 characters"
    )


def _key_taken(key: str, owner: ParsedArticle) -> str:
    return _("the article key {#%(key)s} is already used by article %(article)s on line %(line)d") % {
        "key": key,
        "article": owner.number,
        "line": owner.line,
    }


def _no_paragraph(article: ParsedArticle) -> str:
    return _("expected at least one numbered paragraph in article %(article)s") % {"article": article.number}


def _unlike(
    reference: ParsedDocument, other: ParsedDocument, line: int, message: str, **values
) -> DocumentFormatError:
    """Every language must have the first one's structure: the error points at the other language's file and
    line, and names the file it should agree with (`%(reference)s` in `message`)."""
    return DocumentFormatError(other.file, line, message % {**values, "reference": reference.file})


def merge(documents: dict[str, ParsedDocument]) -> None:
    """Checks that every language has the same sections, articles, keys and paragraph counts.

    Each difference is reported at the line where it is: the first section or article that differs, the first
    one too many, or the last line read when the file stops short."""
    languages = list(documents)
    reference = documents[languages[0]]
    for language in languages[1:]:
        other = documents[language]
        for ref_section, section in zip(reference.sections, other.sections, strict=False):
            if section.number != ref_section.number:
                raise _unlike(
                    reference, other, section.line, _("expected section %(section)s as in %(reference)s"),
                    section=ref_section.number,
                )  # fmt: skip
            for ref_article, article in zip(ref_section.articles, section.articles, strict=False):
                if (article.number, article.key) != (ref_article.number, ref_article.key):
                    key = f" {{#{ref_article.key}}}" if ref_article.key else ""
                    raise _unlike(
                        reference, other, article.line, _("expected article %(article)s as in %(reference)s"),
                        article=f"{ref_article.number}{key}",
                    )  # fmt: skip
                if len(article.paragraphs) != len(ref_article.paragraphs):
                    raise _unlike(
                        reference, other, article.line,
                        _("expected %(count)d paragraphs in article %(article)s as in %(reference)s"),
                        count=len(ref_article.paragraphs), article=article.number,
                    )  # fmt: skip
            if len(section.articles) != len(ref_section.articles):
                raise _unlike(
                    reference, other, _where_lists_part(section.articles, ref_section.articles, section),
                    _("expected %(count)d articles in section %(section)s as in %(reference)s"),
                    count=len(ref_section.articles), section=section.number,
                )  # fmt: skip
        if len(other.sections) != len(reference.sections):
            raise _unlike(
                reference, other, _where_lists_part(other.sections, reference.sections, other.sections[-1]),
                _("expected %(count)d sections as in %(reference)s, found %(found)d"),
                count=len(reference.sections), found=len(other.sections),
            )  # fmt: skip


def _where_lists_part(items: list, expected: list, last) -> int:
    """The line of the first item too many, or, when the list stops short, the last line of `last` (a
    section or an article) after which the missing ones were expected."""
    if len(items) > len(expected):
        return items[len(expected)].line
    return _last_line(last)


def _last_line(part) -> int:
    articles = part.articles if isinstance(part, ParsedSection) else [part]
    if not articles:
        return part.line
    paragraphs = articles[-1].paragraphs
    return paragraphs[-1].line if paragraphs else articles[-1].line
