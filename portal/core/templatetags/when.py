"""The one set of date filters of every page and email: `{% load when %}`, then `value|date_long` etc.; and
the numbers people read: `value|number`, `value|percent`."""

from django import template

from portal.core.formats import format_number, format_percent, format_when, iso_datetime

register = template.Library()

# Filter name → the format of `portal.core.formats` it applies.
FORMAT_FILTERS = {
    "date_long": "date_long",
    "date_short": "date_short",
    "datetime_long": "datetime_long",
    "datetime_short": "datetime_short",
    "time_of_day": "time",
}


def _format_filter(format_name: str):
    def apply(value):
        return format_when(value, format_name)

    return apply


for filter_name, format_name in FORMAT_FILTERS.items():
    register.filter(filter_name, _format_filter(format_name))

register.filter("iso", iso_datetime)
register.filter("number", format_number)
register.filter("percent", format_percent)
