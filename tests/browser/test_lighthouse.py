"""Lighthouse (pinned in package.json) audits the portal's main pages in kk, ru and en in Debian's Chromium.

Thresholds, per category (0–100):
- SEO ≥ 95 on every page a search engine may index, so that people find the consultation. One failed SEO
  audit costs at least 7 points (ten audits, `is-crawlable` weighted four), so 95 means: no failed audit.
- Accessibility 100: each audit is an axe rule (contrast, names, target size…); a failed one is a barrier for
  somebody, and every page meets them all today.
- Best practices 100: the audits look at what our own pages do (console errors, doctype, charset, deprecated
  APIs, image ratios, issues Chromium reports); the pages load nothing from elsewhere, so nothing outside our
  control can cost points.
Pages that robots.txt keeps out of search engines on purpose (signing in) must fail no SEO audit but that one.
A crafted page without a description, `lang` or image text is audited in the same run and must fall below
every threshold: the gate can fail.
"""

import json
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.security.matrix_support import resolve_url, url_patterns
from tests.security.world import build_world
from tests.services import chromium_path_or_skip, lighthouse_or_skip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("kk", "ru", "en")
THRESHOLDS = {"seo": 95, "accessibility": 100, "best-practices": 100}
INDEXED_PAGES = [
    "home",
    "consultation_detail",
    "consultation_outcome",
    "document_detail",
    "proposal_list",
    "proposal_detail",
    "hearing_detail",
    "open_data",
]
NOT_INDEXED_PAGES = ["account_login"]
NOT_INDEXED_SEO_AUDITS = {"is-crawlable"}
# The audits of Lighthouse 12's SEO category.
SEO_AUDITS = {
    "is-crawlable",
    "document-title",
    "meta-description",
    "http-status-code",
    "link-text",
    "crawlable-anchors",
    "robots-txt",
    "image-alt",
    "hreflang",
    "canonical",
}

BROKEN_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head>
<body><main><h1>Broken</h1><img src="/missing.png"><a href="javascript:void(0)">click here</a>
<button></button></main></body></html>"""


@pytest.fixture
def broken_page_url(tmp_path):
    """A page with known faults, served from a folder by a server of its own (not the portal)."""
    (tmp_path / "broken.html").write_text(BROKEN_PAGE)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/broken.html"
    server.shutdown()
    server.server_close()


def _audit(urls: list[str]) -> dict[str, dict]:
    result = subprocess.run(
        lighthouse_or_skip(),
        input=json.dumps({"urls": urls}),
        env={"CHROME_PATH": chromium_path_or_skip(), "PATH": "/usr/bin:/bin", "HOME": "/tmp"},
        capture_output=True,
        text=True,
        timeout=1200,
        check=True,
    )
    return {report["url"]: report for report in json.loads(result.stdout)}


def _failures(report: dict, indexed: bool) -> list[str]:
    if report["runtimeError"]:
        return [report["runtimeError"]]
    problems = [
        f"{category} {report['scores'][category]} < {threshold}"
        for category, threshold in THRESHOLDS.items()
        if report["scores"][category] < threshold and (indexed or category != "seo")
    ]
    if not indexed:
        seo_audits = {audit["id"] for audit in report["failing"]} & SEO_AUDITS
        problems += [f"SEO audit failed: {name}" for name in seo_audits - NOT_INDEXED_SEO_AUDITS]
    if problems:
        problems += [f"  {audit['id']}: {audit['title']} {audit['items']}" for audit in report["failing"]]
    return problems


def test_main_pages_meet_the_lighthouse_thresholds_in_every_language(
    live_server, citizen, other_citizen, broken_page_url
):
    world = build_world(citizen=citizen, other_citizen=other_citizen)
    routes = dict(url_patterns())
    pages = {}
    for language in LANGUAGES:
        for name in INDEXED_PAGES + NOT_INDEXED_PAGES:
            url = live_server.url + resolve_url(name, routes.get(name, ""), world, language=language)
            pages[url] = name in INDEXED_PAGES
    reports = _audit([*pages, broken_page_url])

    broken = reports.pop(broken_page_url)
    assert all(broken["scores"][category] < threshold for category, threshold in THRESHOLDS.items()), broken
    problems = {url: _failures(reports[url], indexed) for url, indexed in pages.items()}
    problems = {url: found for url, found in problems.items() if found}
    report = "\n".join(f"{url}:\n  " + "\n  ".join(found) for url, found in problems.items())
    assert not problems, f"{len(problems)} pages below the thresholds:\n{report}"
