"""Hearings as citizens and organisations read them: the calendar feed in the reader's language, seats that
exist, a postponed hearing's date, the names of speakers, the cancel page of a person waiting, the live page
and what came of a hearing afterwards."""

from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from proposals.services import hearing as services
from proposals.services.hearing import HearingInput
from tests.factories import UserFactory

from .factories import HearingFactory

pytestmark = pytest.mark.django_db


def _page(client, path):
    return client.get(path).content.decode()


@pytest.mark.parametrize(
    ("language", "title", "prefix"),
    [("kk", "Тыңдау", "/kk/"), ("ru", "Слушания", "/ru/"), ("en", "Hearing", "/en/")],
)
def test_the_calendar_feed_linked_from_a_list_is_in_that_lists_language(
    client, consultation, language, title, prefix
):
    hearing = HearingFactory(
        consultation=consultation, title_kk="Тыңдау", title_ru="Слушания", title_en="Hearing"
    )
    link = f'href="/hearings.ics?language={language}"'
    assert link in _page(client, f"/{language}/hearings/")
    # A calendar app sends no cookie and no Accept-Language: the link alone says which language.
    response = client.get(f"/hearings.ics?language={language}", HTTP_ACCEPT_LANGUAGE="")
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert str(event["summary"]) == title
    assert str(event["url"]).endswith(f"{prefix}hearings/{hearing.pk}/")


def test_the_calendar_feed_without_or_with_an_unknown_language_still_answers(client, consultation):
    HearingFactory(consultation=consultation)
    for path in ("/hearings.ics", "/hearings.ics?language=xx"):
        response = client.get(path)
        assert response.status_code == 200
        assert len(list(Calendar.from_ical(response.content).walk("VEVENT"))) == 1
