"""What Lighthouse's SEO audit scores, checked on every public page type in kk, ru and en (Lighthouse itself
is not installed here): HTTP 200, a <title>, a meta description, <html lang>, hreflang alternates for the
three languages that resolve, crawlable links, not blocked from indexing, a viewport, and /robots.txt."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.browser.test_page_gate import GATE_PAGES
from tests.security.matrix_support import resolve_url, url_patterns
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

# Pages a search engine should find: the public ones that are not forms of the account flow.
PUBLIC = [
    name
    for name in GATE_PAGES["anonymous"]
    if not name.startswith(("account_", "notifications_", "hearing_cancel"))
]


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang, self.title, self.in_title = None, "", False
        self.meta, self.alternates, self.links = {}, {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "title":
            self.in_title = True
        elif tag == "meta" and "name" in attrs:
            self.meta[attrs["name"]] = attrs.get("content", "")
        elif tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_public_pages_meet_the_seo_audit(client, citizen, other_citizen, language):
    world = build_world(citizen=citizen, other_citizen=other_citizen)
    routes = dict(url_patterns())
    problems = {}
    for name in PUBLIC:
        path = resolve_url(name, routes[name], world, language=language)
        response = client.get(path)
        head = _Head()
        head.feed(response.content.decode())
        found = []
        if response.status_code != 200:
            found.append(f"status {response.status_code}")
        if head.lang != language:
            found.append(f"lang {head.lang!r}")
        if len(head.title.strip()) < 10:
            found.append(f"title {head.title!r}")
        if len(head.meta.get("description", "").strip()) < 50:
            found.append("no meta description")
        if "width=device-width" not in head.meta.get("viewport", ""):
            found.append("no viewport")
        if "noindex" in head.meta.get("robots", ""):
            found.append("noindex")
        if set(head.alternates) != {"kk", "ru", "en"}:
            found.append(f"hreflang {sorted(head.alternates)}")
        for code, href in head.alternates.items():
            if not href.startswith("http") or Client().get(urlsplit(href).path).status_code != 200:
                found.append(f"hreflang {code} → {href} does not answer 200")
        if any(href.startswith("javascript:") or not href.strip() for href in head.links):
            found.append("uncrawlable link")
        if found:
            problems[path] = found
    assert problems == {}


def test_robots_txt_is_valid_and_lets_crawlers_read_public_pages(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    directives = [line.split(":", 1)[0] for line in lines if line.strip()]
    assert set(directives) <= {"User-agent", "Allow", "Disallow", "Sitemap"}
    assert "Disallow: /" not in lines  # nothing blocks the whole site
