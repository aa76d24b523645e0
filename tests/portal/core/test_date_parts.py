"""Dates are typed as day, month (named in the page's language) and year, never in the browser's own date
input, which wrote them in the browser's language ("mm/dd/yyyy" and AM/PM on a Kazakh page)."""

import datetime
import re
import zoneinfo

import pytest
from django import forms
from django.utils import translation

from portal.core.widgets import DatePartsInput, DateTimePartsInput
from proposals.forms import CommitmentForm
from proposals.forms_staff import ConsultationForm, HearingForm, IntakeOpenForm

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


class DueForm(forms.Form):
    due = forms.DateField(widget=DatePartsInput())


class MomentForm(forms.Form):
    at = forms.DateTimeField(widget=DateTimePartsInput())


@pytest.mark.parametrize(
    "form_class", [CommitmentForm, ConsultationForm, HearingForm, IntakeOpenForm], ids=lambda c: c.__name__
)
def test_no_staff_form_leaves_a_date_to_the_browsers_language(form_class, db):
    html = str(form_class().as_div())
    assert 'type="date"' not in html and 'type="datetime-local"' not in html
    assert "date-parts" in html


@pytest.mark.parametrize(
    ("language", "december", "labels"),
    [
        # Kazakh writes a month inside a date lowercase (CLDR's stand-alone «Желтоқсан» is for headings);
        # Russian names it in the nominative, as a list of months does, and English capitalises it.
        ("kk", "желтоқсан", ["Күн", "Ай", "Жыл"]),
        ("ru", "декабрь", ["День", "Месяц", "Год"]),
        ("en", "December", ["Day", "Month", "Year"]),
    ],
)
def test_the_month_is_named_and_the_parts_labelled_in_the_pages_language(language, december, labels):
    with translation.override(language):
        html = str(DueForm(initial={"due": datetime.date(2026, 12, 7)})["due"])
    assert f'<option value="12" selected>{december}</option>' in html
    assert re.findall(r"<label for=\"id_due_\d\">([^<]+)</label>", html) == labels
    assert 'value="7"' in html and 'value="2026"' in html


def test_the_parts_make_the_date_and_a_lone_iso_value_still_counts():
    typed = DueForm(data={"due_day": "7", "due_month": "12", "due_year": "2026"})
    assert typed.is_valid() and typed.cleaned_data["due"] == datetime.date(2026, 12, 7)
    posted = DueForm(data={"due": "2026-12-07"})
    assert posted.is_valid() and posted.cleaned_data["due"] == datetime.date(2026, 12, 7)


@pytest.mark.parametrize("time", ["18:05", "18.05", "1805"])
def test_a_moment_takes_a_24_hour_time_in_the_portals_time_zone(time):
    form = MomentForm(data={"at_day": "07", "at_month": "12", "at_year": "2026", "at_time": time})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["at"] == datetime.datetime(2026, 12, 7, 18, 5, tzinfo=ALMATY)


@pytest.mark.parametrize(
    "parts",
    [
        {"due_day": "31", "due_month": "2", "due_year": "2026"},  # no 31 February
        {"due_day": "", "due_month": "2", "due_year": "2026"},  # a part left out
        {"due_day": "7", "due_month": "12", "due_year": "26"},  # a two-digit year
    ],
)
def test_an_impossible_or_incomplete_date_is_refused_and_what_was_typed_stays(parts):
    form = DueForm(data=parts)
    assert not form.is_valid() and "due" in form.errors
    html = str(form["due"])
    if parts["due_day"]:
        assert f'value="{parts["due_day"]}"' in html
    assert f'<option value="{parts["due_month"]}" selected>' in html


def test_a_moment_without_its_time_is_refused():
    form = MomentForm(data={"at_day": "7", "at_month": "12", "at_year": "2026", "at_time": ""})
    assert not form.is_valid() and "at" in form.errors


def test_an_optional_date_left_empty_is_none():
    class Optional(forms.Form):
        due = forms.DateField(required=False, widget=DatePartsInput())

    form = Optional(data={"due_day": "", "due_month": "", "due_year": ""})
    assert form.is_valid() and form.cleaned_data["due"] is None


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("31", "2", "2027", "18:00"), "The month chosen has no day 31: check the day."),
        (("1", "2", "2027", ""), "Give the time too, as hours and minutes, for example 14:30."),
        (
            ("1", "2", "2027", "25:00"),
            "Write the time as hours and minutes from 00:00 to 23:59, for example 14:30.",
        ),
        (("1", "", "2027", "18:00"), "Give the day, choose the month and give the year."),
        (
            ("1", "2", "27", "18:00"),
            "Write the day and the year in digits, the year with four digits, for example 2027.",
        ),
    ],
)
def test_a_refused_moment_says_which_part_is_wrong_and_how_to_write_it(parts, expected):
    # "Enter a valid date/time." did not say that the time was missing or that February has no 31st.
    day, month, year, time = parts
    data = {"ends_at_day": day, "ends_at_month": month, "ends_at_year": year, "ends_at_time": time}
    with translation.override("en"):
        form = IntakeOpenForm(data=data)
        assert not form.is_valid()
        assert form.errors["ends_at"] == [expected]


def test_the_explanation_is_in_the_pages_language_and_a_valid_moment_is_untouched():
    data = {"ends_at_day": "1", "ends_at_month": "2", "ends_at_year": "2027", "ends_at_time": ""}
    with translation.override("kk"):
        form = IntakeOpenForm(data=data)
        assert not form.is_valid()
        assert form.errors["ends_at"] == ["Уақытын да көрсетіңіз: сағат пен минут, мысалы 14:30."]
    assert IntakeOpenForm(data={**data, "ends_at_time": "18:00"}).is_valid()
