"""Dates as each language writes them (day-month-year, 24-hour clock, Almaty time), one set of filters in every
template, and machine-readable values that never depend on the language."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, translation

from portal.core.formats import format_when, iso_datetime
from portal.core.text import plain_text

MOMENT = datetime(2026, 12, 2, 11, 22, 5, 123456, tzinfo=UTC)  # 16:22 in Almaty
TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


@pytest.mark.parametrize(
    ("language", "kind", "expected"),
    [
        ("kk", "date_long", "2 желтоқсан 2026 ж."),
        ("kk", "datetime_short", "02.12.2026, 16:22 (Алматы уақыты)"),
        ("kk", "datetime_long", "2 желтоқсан 2026 ж., 16:22 (Алматы уақыты)"),
        ("ru", "date_long", "2 декабря 2026 г."),
        ("ru", "datetime_short", "02.12.2026, 16:22 (время Алматы)"),
        ("en", "date_long", "2 December 2026"),
        ("en", "date_short", "2 Dec 2026"),
        ("en", "datetime_short", "2 Dec 2026, 16:22 (Almaty time)"),
        ("ru", "date_short", "02.12.2026"),
        ("kk", "date_short", "02.12.2026"),
        ("en", "time", "16:22"),
    ],
)
def test_each_language_writes_dates_its_own_way_in_almaty_time(language, kind, expected):
    with translation.override(language):
        assert format_when(MOMENT, kind) == expected


def test_a_calendar_date_is_not_shifted_by_the_zone():
    with translation.override("kk"):
        assert format_when(date(2026, 12, 31), "date_short") == "31.12.2026"


def test_iso_values_have_the_zone_and_no_fraction_whatever_the_language():
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            assert iso_datetime(MOMENT) == "2026-12-02T16:22:05+05:00"
            rendered = Template("{{ moment|iso }} {{ moment|date_long }}").render(Context({"moment": MOMENT}))
            assert rendered.startswith("2026-12-02T16:22:05+05:00 ")


def test_templates_use_the_portal_date_filters_only():
    """`date:'c'` gave six-digit fractions in <time datetime>; Django's date formats gave US order in kk."""
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match}"
        for path in TEMPLATES.rglob("*.*")
        for match in re.findall(r"\|date(?!\w)(?::[^}|\s]*)?", path.read_text())
    ]
    assert offenders == []


def test_django_own_formats_follow_the_same_rules_in_the_admin():
    with translation.override("kk"):
        assert (
            formats.date_format(datetime(2026, 12, 2, 16, 22), "SHORT_DATETIME_FORMAT") == "02.12.2026, 16:22"
        )
    with translation.override("ru"):
        assert (
            formats.date_format(datetime(2026, 12, 2, 16, 22), "DATETIME_FORMAT")
            == "2 декабря 2026 г., 16:22"
        )
    with translation.override("en"):
        assert formats.date_format(date(2026, 12, 7), "SHORT_DATE_FORMAT") == "7 Dec 2026"
        assert (
            formats.date_format(datetime(2026, 12, 7, 9, 5), "SHORT_DATETIME_FORMAT") == "7 Dec 2026, 09:05"
        )


def test_stored_text_loses_control_characters_but_keeps_lines():
    assert plain_text("Құқық\x01 тар\x0bтуы\r\nекінші\tжол\x7f\x85\ufffe") == "Құқық тартуы\nекінші\tжол"
    assert plain_text("e\u0301") == "\u00e9"  # NFC


@pytest.mark.parametrize(
    ("language", "shown", "typed"),
    [
        ("kk", "03.12.2026", "03.12.2026"),
        ("ru", "03.12.2026", "03.12.2026"),
        ("en", "03/12/2026", "03/12/2026"),
    ],
)
def test_admin_date_fields_show_and_read_the_day_first(language, shown, typed):
    """The admin's date widgets show DATE_INPUT_FORMATS[0] and read what is typed with the same list: Django's
    global and English defaults read "03/12/2026" as 12 March."""
    with translation.override(language):
        field = forms.DateField()
        assert field.widget.format_value(date(2026, 12, 3)) == shown
        assert field.clean(typed) == date(2026, 12, 3)
        assert field.clean("2026-12-03") == date(2026, 12, 3)  # ISO 8601 always


@pytest.mark.parametrize(
    ("language", "count", "share"),
    [("kk", "100\xa0000", "75,0%"), ("ru", "100\xa0000", "75,0\xa0%"), ("en", "100,000", "75.0%")],
)
def test_counts_and_shares_people_read_follow_the_language(language, count, share):
    with translation.override(language):
        html = Template("{{ n|number }} {{ rate|percent }}").render(Context({"n": 100000, "rate": 75.0}))
    assert html == f"{count} {share}"
