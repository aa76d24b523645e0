"""A feed opened in a browser reads as a page in the feed's language (the XSL stylesheet it names, applied
here as the browser applies it): its title, entries with dates and links, what a feed is and how to follow
it, a way back to the portal; nothing in it the site's CSP would refuse. Feed readers still parse it
(tests/proposals/test_feeds.py)."""

import re

import feedparser
import pytest
from django.contrib.staticfiles import finders
from lxml import etree, html

from .factories import HearingFactory

pytestmark = pytest.mark.django_db


def _as_the_browser_shows(content: bytes) -> html.HtmlElement:
    stylesheet = re.search(rb'<\?xml-stylesheet href="([^"]+)"[^>]* type="text/xsl"\?>', content)
    assert stylesheet, content[:300]
    path = finders.find(stylesheet.group(1).decode().removeprefix("/static/"))
    assert path, stylesheet.group(1)
    transform = etree.XSLT(etree.parse(path))
    return html.fromstring(str(transform(etree.fromstring(content))))


@pytest.mark.parametrize(
    ("language", "title", "about", "home"),
    [
        ("kk", "Комиссияның қоғамдық тыңдаулары", "жаңалықтар арнасы", "Qatysu-ға оралу"),
        ("ru", "Общественные слушания Комиссии", "лента новостей", "Вернуться на Qatysu"),
        ("en", "Public hearings of the Commission", "news feed", "Back to Qatysu"),
    ],
)
def test_a_feed_opened_in_a_browser_reads_as_a_page_in_its_language(
    client, consultation, language, title, about, home
):
    hearing = HearingFactory(consultation=consultation)
    answer = client.get(f"/{language}/feeds/hearings.atom")
    assert answer["Content-Type"].startswith("application/xml")
    assert not feedparser.parse(answer.content).bozo
    page = _as_the_browser_shows(answer.content)
    assert page.get("lang") == language
    assert page.findtext(".//h1") == title
    text = page.text_content()
    assert about in text
    assert f"/{language}/feeds/hearings.atom" in page.findtext(".//code")
    entry = page.find(".//li")
    assert entry.find(".//a").get("href").endswith(f"/{language}/hearings/{hearing.pk}/")
    time = entry.find(".//time")
    assert re.match(r"\d{4}-\d\d-\d\dT", time.get("datetime")) and re.search(r"\d{4}", time.text)
    back = [a for a in page.iter("a") if a.text_content() == home]
    assert back and back[0].get("href") == f"/{language}/"
    # The page lives under the feed's CSP: its stylesheet only, no inline style or script.
    assert [link.get("href") for link in page.iter("link")] == ["/static/css/portal.css"]
    assert not page.xpath("//script | //style | //@style | //@*[starts-with(name(), 'on')]")


def test_an_empty_feed_says_so_on_its_page(client):
    page = _as_the_browser_shows(client.get("/en/feeds/answers.atom").content)
    assert "Nothing has been published here yet." in page.text_content()
    assert page.find(".//li") is None
