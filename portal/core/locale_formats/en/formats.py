# English for readers in Kazakhstan: day-month-year and the 24-hour clock, as portal.core.formats writes it.
from ..common import *  # noqa: F403
from ..common import day_first_inputs, with_time

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = with_time(DATE_FORMAT)
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
# The month by its short name, as portal.core.formats writes it: "07/12/2026" is 12 July in US order.
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = with_time(SHORT_DATE_FORMAT)
# Day first as shown: Django's English reads "03/12/2026" as 12 March.
DATE_INPUT_FORMATS, TIME_INPUT_FORMATS, DATETIME_INPUT_FORMATS = day_first_inputs("/")
