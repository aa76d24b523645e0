"""Text stored once per language (`title_kk`, `title_ru`, `title_en`) and read in the current one."""

from django.db import models
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

LANGUAGE_ORDER = ("kk", "ru", "en")
# The note pages put beside a text shown in another language than the reader's (includes/other_language_note).
ONLY_IN = {
    "kk": _("available in Kazakh only"),
    "ru": _("available in Russian only"),
    "en": _("available in English only"),
}


def with_language_note(text: str, language: str, reader: str) -> str:
    """`text`, written in `language` ("" if unknown), as a reader of `reader`'s language gets it where no page
    marks it (a notification): followed, in their language, by the note a page shows beside it."""
    if not text or not language or language == reader:
        return text
    with override(reader):
        return f"{text} ({ONLY_IN[language]})"


class TranslatedFieldsMixin:
    """`translated("title")` gives the current language's text, falling back to the others in order."""

    translated_fields: tuple[str, ...] = ()

    def translated(self, name: str, language: str | None = None) -> str:
        return self.translated_in(name, language)[0]

    def translated_in(self, name: str, language: str | None = None) -> tuple[str, str]:
        """(text, its language): the `language` text, else the first language that has one. Pages mark a
        text in another language with `lang` and say so (WCAG 3.1.2)."""
        language = (language or get_language() or "kk")[:2]
        for code in (language, *LANGUAGE_ORDER):
            value = getattr(self, f"{name}_{code}", "")
            if value:
                return value, code
        return "", language

    def in_every_language(self, name: str) -> dict[str, str]:
        """The text as each language reads it (with `translated`'s fallback), for something shown later in a
        language not known yet: a notification keeps all three and shows its reader's."""
        return {code: self.translated(name, code) for code in LANGUAGE_ORDER}

    def in_every_language_noted(self, name: str) -> dict[str, str]:
        """As `in_every_language`, with a text that falls back to another language followed by the note a page
        shows beside it, in the reader's language: a notification is read without the page."""
        return {code: with_language_note(*self.translated_in(name, code), code) for code in LANGUAGE_ORDER}

    def __getattr__(self, attribute: str):
        # Templates read `translated_heading`, `translated_title`… as the current language's text.
        if attribute.startswith("translated_"):
            name = attribute[len("translated_") :]
            if name in type(self).translated_fields:
                return self.translated(name)
        raise AttributeError(attribute)

    def languages_of(self, name: str) -> list[str]:
        return [code for code in LANGUAGE_ORDER if getattr(self, f"{name}_{code}", "")]


class TitledInLanguages(TranslatedFieldsMixin, models.Model):
    """A title and a description that staff write in each language (consultations, hearings)."""

    title_kk = models.CharField(_("title (Kazakh)"), max_length=200, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        abstract = True
