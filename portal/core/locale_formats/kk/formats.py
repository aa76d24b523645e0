# Kazakh: day-month-year and the 24-hour clock (Django ships no Kazakh formats; its default is US English).
# The same patterns as portal.core.formats, for what Django formats itself (the admin, `date` filters).
from ..dotted import *  # noqa: F403
from ..dotted import day_first_inputs, with_time

DATE_FORMAT = "j F Y ж."
DATETIME_FORMAT = with_time(DATE_FORMAT)
YEAR_MONTH_FORMAT = "F Y ж."
MONTH_DAY_FORMAT = "j F"
DATE_INPUT_FORMATS, TIME_INPUT_FORMATS, DATETIME_INPUT_FORMATS = day_first_inputs(".")
