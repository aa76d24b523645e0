from html.parser import HTMLParser

import pytest

from proposals.rich_text import ALLOWED_TAGS, render_markdown


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)


def parsed(html):
    parser = _Tags()
    parser.feed(html)
    return parser


XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="https://e.kz" onclick="alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=//evil.example>",
]


def test_markdown_subset_renders_paragraphs_lists_emphasis_and_links():
    html = render_markdown("Hello **world**\n\n- one\n- two\n\n[portal](https://qatysu.kz)")
    assert "<strong>world</strong>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://qatysu.kz" rel="nofollow noopener noreferrer ugc">portal</a>' in html


@pytest.mark.parametrize("payload", XSS)
def test_markup_and_dangerous_links_never_survive(payload):
    result = parsed(render_markdown(payload))
    assert set(result.tags) <= ALLOWED_TAGS
    for name, value in result.attributes:
        assert not name.startswith("on")
        if name == "href":
            assert value.startswith(("http://", "https://", "mailto:"))
