"""Form widgets shared by the apps."""

from django import forms


class LanguageSelect(forms.Select):
    """A choice of languages named in their own language: each option carries its `lang` (WCAG 3.1.2)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["lang"] = str(value)
        return option
