"""Text stored once per language (`title_kk`, `title_ru`, `title_en`) and read in the current one."""

from django.utils.translation import get_language

LANGUAGE_ORDER = ("kk", "ru", "en")


class TranslatedFieldsMixin:
    """`translated("title")` gives the current language's text, falling back to the others in order."""

    translated_fields: tuple[str, ...] = ()

    def translated(self, name: str, language: str | None = None) -> str:
        language = (language or get_language() or "kk")[:2]
        for code in (language, *LANGUAGE_ORDER):
            value = getattr(self, f"{name}_{code}", "")
            if value:
                return value
        return ""

    def __getattr__(self, attribute: str):
        # Templates read `translated_heading`, `translated_title`… as the current language's text.
        if attribute.startswith("translated_"):
            name = attribute[len("translated_") :]
            if name in type(self).translated_fields:
                return self.translated(name)
        raise AttributeError(attribute)

    def languages_of(self, name: str) -> list[str]:
        return [code for code in LANGUAGE_ORDER if getattr(self, f"{name}_{code}", "")]
