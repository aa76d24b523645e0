"""An Atom feed that a feed reader parses and a person opening it in a browser can read.

A browser shows a bare feed as raw XML: a dead end for someone who followed a "feed" link from a page. The
feed names an XSL stylesheet (`static/feeds/atom.xsl.xml`, through `<?xml-stylesheet?>`) with which the
browser turns it into a page: the feed's title, its entries with their dates and links, a line on what a
feed is and how to follow one, and a link back to the portal. XSLT 1.0 can neither translate nor write a
date in words, so the feed carries those texts itself, in its own language, as Atom extension elements in
`PAGE_NS` (RFC 4287 §6: readers ignore what they do not know): `<page:reading>` once, `<page:when>` on each
entry.

The stylesheet's name ends in `.xml` so that whitenoise and nginx both serve it as `text/xml` (neither knows
`.xsl`), which a browser under `nosniff` requires of a stylesheet. The feed itself is `application/xml`:
Chromium shows `application/atom+xml` as plain text and applies no stylesheet to it, while feed readers
read the format from the document, not from its media type.

Every text is written without the characters XML 1.0 forbids (C0 controls other than tab and line ends,
U+FFFE, U+FFFF, lone surrogates): one stored by any way in, an import or an old row, would otherwise make
the whole feed fail (Django refuses to write it) or, written by another writer, make it unreadable.
"""

from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator

from .text import xml_text

PAGE_NS = "urn:qatysu:feed-page"


class _XmlTextGenerator(SimplerXMLGenerator):
    """Writes texts and attribute values as `xml_text` leaves them (Django's generator raises instead)."""

    def characters(self, content):
        super().characters(xml_text(content) if content else content)

    def startElement(self, name, attrs):
        super().startElement(name, {key: xml_text(str(value)) for key, value in (attrs or {}).items()})


class ReadableAtomFeed(Atom1Feed):
    """Atom with a stylesheet for browsers. Takes `reading`, a dict of the page's texts (`about`, `subscribe`,
    `home_label`, `empty`) and its links (`home`, `css`), from the view's `feed_extra_kwargs`, and `when`,
    an entry's date in words, from `item_extra_kwargs`."""

    content_type = "application/xml; charset=utf-8"

    def write(self, outfile, encoding):
        handler = _XmlTextGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        # Django's Atom writer leaves out the stylesheets its RSS writer puts here, before the first tag.
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", stylesheet)
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:page": PAGE_NS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        reading = self.feed.get("reading")
        if not reading:
            return
        handler.startElement("page:reading", {"home": reading["home"], "css": reading["css"]})
        for name in ("about", "subscribe", "home_label", "empty"):
            handler.addQuickElement(f"page:{name.replace('_', '-')}", str(reading[name]))
        handler.endElement("page:reading")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("when"):
            handler.addQuickElement("page:when", str(item["when"]))
