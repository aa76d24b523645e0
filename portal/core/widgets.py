"""Form widgets shared by the apps."""

import datetime
import re

from babel.dates import get_month_names
from django import forms
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

# What DatePartsInput posts back when the parts were typed: year-month-day, and "T" and the time for a moment.
_TYPED = re.compile(r"^(\d*)-(\d*)-(\d*)(?:T(.*))?$")


class LanguageSelect(forms.Select):
    """A choice of languages named in their own language: each option carries its `lang` (WCAG 3.1.2)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["lang"] = str(value)
        return option


class TypedParts(str):
    """The date (or moment) the parts make, carrying the parts as typed: a form shown again with an error
    gives back exactly what the person typed, not what could be read of it."""

    def __new__(cls, value: str, parts: list[str]):
        text = super().__new__(cls, value)
        text.parts = parts
        return text


def month_choices(locale: str) -> dict[int, str]:
    """The months as the date parts' select names them: the nominative, which a list of months on its own
    reads in (CLDR's stand-alone forms: Russian «декабрь», not the genitive «декабря» of «7 декабря»), but
    written as inside a date. Kazakh's two forms are the same word, and CLDR capitalises only the stand-alone
    one («Желтоқсан», for a calendar's heading); the select sits between the day and the year, where Kazakh
    writes the month lowercase («7 желтоқсан 2026»): a form differing only in case is taken as in a date."""
    standalone = get_month_names("wide", context="stand-alone", locale=locale)
    in_a_date = get_month_names("wide", context="format", locale=locale)
    return {
        number: in_a_date[number] if in_a_date[number].casefold() == name.casefold() else name
        for number, name in standalone.items()
    }


class DatePartsInput(forms.MultiWidget):
    """A date typed as day, month and year, the month chosen by its name in the page's language.

    The browser's own date input writes the date in the browser's language, not the page's: a Kazakh page
    read in an American browser asked for "mm/dd/yyyy" and a time with AM/PM. Separate parts (as GOV.UK's
    date input) read the same in every browser and leave no doubt which number is the day. A single ISO
    value under the field's own name (`2026-12-07`) is still taken, as scripts and tests post it.
    """

    template_name = "django/forms/widgets/date_parts.html"
    part_labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric", "autocomplete": "off"}
        parts = {
            "day": forms.TextInput(attrs={**numeric, "maxlength": 2, "size": 2, "class": "date-day"}),
            "month": forms.Select(attrs={"class": "date-month"}),
            "year": forms.TextInput(attrs={**numeric, "maxlength": 4, "size": 4, "class": "date-year"}),
            **self.extra_parts(numeric),
        }
        super().__init__(parts, attrs)

    def extra_parts(self, numeric: dict) -> dict:
        return {}

    def get_context(self, name, value, attrs):
        months = month_choices(to_locale(get_language() or "kk"))
        self.widgets[1].choices = [("", "—"), *((str(number), months[number]) for number in range(1, 13))]
        context = super().get_context(name, value, attrs)
        labels = {**self.part_labels, **getattr(self, "extra_labels", {})}
        for part, suffix in zip(context["widget"]["subwidgets"], self.widgets_names, strict=True):
            part["part_label"] = labels[suffix.lstrip("_")]
        return context

    def decompress(self, value):
        if isinstance(value, datetime.datetime):
            return [str(value.day), str(value.month), str(value.year), value.strftime("%H:%M")]
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year), ""]
        if isinstance(value, TypedParts):
            return value.parts
        match = _TYPED.match(value or "")
        if not match:
            return ["", "", "", ""]
        year, month, day, time = match.groups()
        return [day.lstrip("0"), month.lstrip("0"), year, time or ""]

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data[name]
        typed = [str(part or "").strip() for part in super().value_from_datadict(data, files, name)]
        if not any(typed):
            return ""
        day, month, year = (re.sub(r"\D", "", part) for part in typed[:3])
        # "7" and "07" are the same day; a part left empty keeps the whole date invalid.
        return TypedParts(f"{year}-{month.zfill(2) if month else ''}-{day.zfill(2) if day else ''}", typed)


class DateTimePartsInput(DatePartsInput):
    """Day, month, year and a 24-hour time (the portal's time zone, which the field's help says)."""

    extra_labels = {"time": _("Time")}

    def extra_parts(self, numeric: dict) -> dict:
        time = {"maxlength": 5, "size": 5, "placeholder": "14:30", "class": "date-time"}
        return {"time": forms.TextInput(attrs=time)}

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data[name]
        date = super().value_from_datadict(data, files, name)
        if not date:
            return ""
        time = date.parts[3].replace(".", ":")
        # "1430" is read as 14:30.
        if re.fullmatch(r"\d{3,4}", time):
            time = f"{time[:-2]}:{time[-2:]}"
        return TypedParts(f"{date}T{time}", date.parts)


def explain_typed_date(parts: list[str], *, with_time: bool) -> str | None:
    """What is wrong with a date typed in parts (day, month, year and, for a moment, the time), in words that
    say what to do; None when nothing here explains it. Django's own "Enter a valid date/time" did not say
    whether the day, the year or the time was at fault."""
    day, month, year = (str(part or "").strip() for part in parts[:3])
    if not (day and month and year):
        return str(_("Give the day, choose the month and give the year."))
    if not (day.isdigit() and year.isdigit() and len(year) == 4):
        return str(_("Write the day and the year in digits, the year with four digits, for example 2027."))
    try:
        datetime.date(int(year), int(month), int(day))
    except ValueError:
        return str(_("The month chosen has no day %(day)s: check the day.") % {"day": day})
    if not with_time:
        return None
    time = str(parts[3] if len(parts) > 3 else "").strip().replace(".", ":")
    if not time:
        return str(_("Give the time too, as hours and minutes, for example 14:30."))
    match = re.fullmatch(r"(\d{1,2}):?(\d{2})", time)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return str(_("Write the time as hours and minutes from 00:00 to 23:59, for example 14:30."))
    return None


class FilePickerInput(forms.FileInput):
    """A file input whose button and "no file chosen" are in the page's language.

    The browser words its own file input in the browser's language ("Choose Files", "No file chosen" on a
    Kazakh page). With scripts on (static/js/file-picker.js) the native input is kept for the keyboard and
    screen readers but drawn as the page's own button and the names of the chosen files; without scripts the
    browser's input shows as it is.
    """

    template_name = "django/forms/widgets/file_picker.html"


class MultipleFilePickerInput(FilePickerInput):
    allow_multiple_selected = True
