"""Short dates and numbers as Kazakh and Russian write them: 06.12.2026, 1 234,5."""

from .common import *  # noqa: F403

SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = with_time(SHORT_DATE_FORMAT)  # noqa: F405
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
