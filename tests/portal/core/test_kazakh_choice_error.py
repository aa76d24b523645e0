"""Django's own Kazakh catalogue misspells «таңдау» (choice) as «тандау» in the error a form gives for a value
that is not among its choices; the portal's catalogue, read first, says it right."""

from django import forms
from django.utils import translation


class _Form(forms.Form):
    colour = forms.ChoiceField(choices=[("red", "Red")])


def test_an_invalid_choice_reads_right_in_kazakh():
    with translation.override("kk"):
        [error] = _Form({"colour": "blue"}).errors["colour"]
    assert error == "Дұрыс нұсқаны таңдаңыз: blue таңдауға болатын нұсқалардың арасында жоқ."
    assert "тандау" not in error
