"""A page's text as a reader reads it: without tags, so that a phrase marked up in the middle (a quoted reason
in its own language, a link) is still found whole."""

import re


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
