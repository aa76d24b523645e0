"""The safe Markdown subset of proposals and hearing minutes: rendered with markdown-it, sanitised with nh3.
Comments are plain text (their lines kept by the template)."""

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the source is not parsed as HTML at all; nh3 then removes anything outside the allow-list
# (defence in depth: a renderer bug cannot smuggle a script or an event handler through).
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    ["image", "html_block", "html_inline"]
)
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "code",
    "pre",
    "h3",
    "h4",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(source: str) -> str:
    html = _markdown.render(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
