# Russian as portal.core.formats writes it: Django's own Russian formats omit the comma before the time.
from ..dotted import *  # noqa: F403
from ..dotted import with_time

DATE_FORMAT = "j E Y г."
DATETIME_FORMAT = with_time(DATE_FORMAT)
YEAR_MONTH_FORMAT = "F Y г."
MONTH_DAY_FORMAT = "j E"
