"""Text kept once per language, shown in the reader's language or, where it exists in another language only,
marked with that language (`lang`, WCAG 3.1.2) and a note saying so."""

from django import template
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import get_language

from portal.core.language import detect_language

register = template.Library()


@register.inclusion_tag("includes/translated_text.html")
def translated_text(obj, name: str, block: bool = False, html: bool = False, words: int = 0):
    """`obj` has per-language fields `<name>_kk`, `<name>_ru`, `<name>_en` and `translated_in(name)`.
    `html`: the text is already sanitised HTML (rendered Markdown). `words`: at most that many words of a
    plain text, as the `truncatewords` filter cuts them."""
    reader = (get_language() or "kk")[:2]
    text, language = obj.translated_in(name, reader)
    if words and not html:
        text = Truncator(text).words(words, truncate=" …")
    return {"text": text, "language": language, "elsewhere": language != reader, "block": block, "html": html}


@register.inclusion_tag("includes/other_language_note.html")
def other_language_note(language: str):
    """ "Available in Kazakh only" etc., for a text shown in `language` on a page in another one."""
    return {"language": language, "elsewhere": language != (get_language() or "kk")[:2]}


@register.filter
def lang_of(text) -> str:
    """` lang="kk"` (or ru, en) for a text someone wrote in one language nobody recorded (a reason, a note),
    as its letters tell; "" when they do not. A screen reader on a Russian page read a Kazakh reason with
    Russian sounds: `<p{{ reason|lang_of }}>{{ reason }}</p>`."""
    language = detect_language(str(text or ""), default="")
    return format_html(' lang="{}"', language) if language else ""
