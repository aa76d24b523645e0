"""iCalendar (RFC 5545) files of hearings, built with `icalendar`; every time is written in UTC."""

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Hearing, HearingStatus

_STATUS = {HearingStatus.CANCELLED: "CANCELLED", HearingStatus.POSTPONED: "TENTATIVE"}


def _event(hearing: Hearing, stamp) -> Event:
    event = Event()
    host = urlsplit(settings.SITE_URL).hostname or "qatysu"
    event.add("uid", f"hearing-{hearing.pk}@{host}")
    event.add("dtstamp", stamp)
    # A moved, postponed or cancelled hearing is a new revision of the same event (RFC 5545 3.8.7.4).
    event.add("sequence", hearing.sequence)
    event.add("last-modified", hearing.updated_at.astimezone(UTC))
    event.add("dtstart", hearing.starts_at.astimezone(UTC))
    event.add("dtend", hearing.ends_at.astimezone(UTC))
    event.add("summary", hearing.translated("title"))
    description = hearing.translated("description")
    if description:
        event.add("description", description)
    location = ", ".join(value for value in (hearing.translated("venue"), hearing.online_url) if value)
    if location:
        event.add("location", location)
    event.add("url", settings.SITE_URL + hearing.get_absolute_url())
    event.add("status", _STATUS.get(hearing.status, "CONFIRMED"))
    return event


def hearings_calendar(hearings) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Qatysu//Public hearings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    stamp = timezone.now().astimezone(UTC)
    for hearing in hearings:
        calendar.add_component(_event(hearing, stamp))
    return calendar.to_ical()
