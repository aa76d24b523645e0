"""What the portal's languages format alike, as portal.core.formats writes it: the 24-hour clock, weeks that
start on Monday, and dates typed day first. Each language's formats module starts from this one."""

TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1


def with_time(date_format: str) -> str:
    """The date-and-time pattern of a date pattern: the date, a comma, the time."""
    return f"{date_format}, {TIME_FORMAT}"


def day_first_inputs(separator: str) -> tuple[list[str], list[str], list[str]]:
    """What the admin's date, time and date-time fields accept (the first is what they show), day first:
    without them Django's global defaults read "12/03/2026" as 3 December. ISO 8601 is always accepted."""
    dates = [f"%d{separator}%m{separator}%Y", f"%d{separator}%m{separator}%y"]
    times = ["%H:%M:%S", "%H:%M"]
    return dates, times, [f"{date} {time}" for date in dates for time in times]
