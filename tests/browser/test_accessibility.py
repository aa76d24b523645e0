"""Acceptance: axe-core finds no WCAG 2.1 A/AA violation on the entrance pages, in every language."""

import pytest

from tests.services import axe_source_or_skip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def bypass_csp():
    return True


PAGES = ["/{lang}/", "/{lang}/accounts/login/", "/{lang}/accounts/signup/"]


def axe_violations(page) -> list[dict]:
    page.add_script_tag(content=axe_source_or_skip())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def axe_failures_at(page, paths) -> dict[str, list[dict]]:
    """axe-core's violations on each page of `paths`, opened in turn, by path; a page that redirects the
    reader elsewhere fails at once, as the check would otherwise judge another page."""
    failures = {}
    for path in paths:
        page.goto(path)
        assert page.url.endswith(path), f"redirected away from {path}"
        violations = axe_violations(page)
        if violations:
            failures[path] = violations
    return failures


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_no_wcag_violations(page, path, language):
    page.goto(path.format(lang=language))
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []


def test_no_wcag_violations_at_320_pixels(page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/kk/accounts/signup/")
    assert axe_violations(page) == []
    # Nothing forces a horizontal scroll at 320 px (WCAG 1.4.10 Reflow).
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
