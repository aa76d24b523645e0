"""Texts of a hearing that staff write and the public reads exist per language; a text that exists in another
language only is shown marked with that language (`lang`, WCAG 3.1.2) and says so. Calendar events carry
their revision (SEQUENCE, LAST-MODIFIED), so a moved or cancelled hearing replaces the earlier copy."""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from proposals.services import hearing as services
from proposals.services import hearing_registration
from proposals.services.hearing import HearingInput
from tests.factories import UserFactory

from .factories import AgendaItemFactory, HearingFactory, ProposalFactory, held, publish_response

pytestmark = pytest.mark.django_db


def _page(client, path):
    return client.get(path).content.decode()


def test_venue_and_speakers_are_shown_in_the_reader_language(client, consultation):
    hearing = HearingFactory(
        consultation=consultation,
        venue_kk="Астана, 2-зал",
        venue_ru="Астана, зал 2",
        venue_en="Astana, hall 2",
    )
    AgendaItemFactory(hearing=hearing, speakers_kk="Комиссия хатшысы", speakers_ru="Секретарь Комиссии")
    kk, ru = _page(client, f"/kk/hearings/{hearing.pk}/"), _page(client, f"/ru/hearings/{hearing.pk}/")
    assert '<span lang="kk">Астана, 2-зал</span>' in kk and "Astana, hall 2" not in kk
    assert '<span lang="ru">Астана, зал 2</span>' in ru and "Astana, hall 2" not in ru
    assert '<span lang="ru">Секретарь Комиссии</span>' in ru
    assert "тек" not in kk.split("Комиссия хатшысы")[1][:80]  # kk has its own text: no note


def test_a_text_in_another_language_only_is_marked_and_says_so(client, consultation):
    hearing = HearingFactory(consultation=consultation, venue_kk="Астана, 2-зал", venue_ru="", venue_en="")
    ru = _page(client, f"/ru/hearings/{hearing.pk}/")
    assert '<span lang="kk">Астана, 2-зал</span>' in ru
    assert "есть только на казахском языке" in ru
    en = _page(client, f"/en/hearings/{hearing.pk}/")
    assert "available in Kazakh only" in en


def test_minutes_are_kept_per_language(client, consultation, commissioner):
    hearing = held(HearingFactory(consultation=consultation))
    services.hearing_outcome_save(
        actor=commissioner, hearing=hearing, minutes_kk="**Шешілді**", minutes_en="**Decided**"
    )
    hearing.refresh_from_db()
    assert hearing.minutes_html_kk == "<p><strong>Шешілді</strong></p>\n"
    assert "<strong>Decided</strong>" in _page(client, f"/en/hearings/{hearing.pk}/")
    ru = _page(client, f"/ru/hearings/{hearing.pk}/")
    assert re.search(r'<div lang="kk" class="proposal-body"><p><strong>Шешілді</strong></p>', ru)
    assert "есть только на казахском языке" in ru


def test_an_answer_written_only_in_kazakh_says_so_on_russian_and_english_pages(
    client, consultation, commissioner, second_commissioner
):
    proposal = ProposalFactory(consultation=consultation, language="kk")
    publish_response(
        proposal, drafter=commissioner, approver=second_commissioner, reasoning_kk="Комиссия келіседі."
    )
    ru = _page(client, f"/ru/proposals/{proposal.pk}/")
    assert '<div lang="kk"><p>Комиссия келіседі.</p></div>' in ru
    assert "есть только на казахском языке" in ru
    assert (
        "есть только"
        not in _page(client, f"/kk/proposals/{proposal.pk}/").split("Комиссия келіседі.")[1][:300]
    )


def _event(client, hearing):
    return Calendar.from_ical(client.get(f"/en/hearings/{hearing.pk}.ics").content).walk("VEVENT")[0]


def test_a_moved_or_cancelled_hearing_is_a_new_calendar_revision(client, consultation, commissioner):
    hearing = HearingFactory(consultation=consultation)
    first = _event(client, hearing)
    assert first.decoded("sequence") == 0
    assert abs(first.decoded("last-modified") - hearing.updated_at) < timedelta(seconds=1)
    later = hearing.starts_at + timedelta(days=1)
    services.hearing_save(
        actor=commissioner,
        hearing=hearing,
        data=replace(HearingInput.of(hearing), starts_at=later, ends_at=later + timedelta(hours=2)),
    )
    assert _event(client, hearing).decoded("sequence") == 1
    services.hearing_transition(hearing=hearing, to_status="cancelled", actor=commissioner, reason="")
    cancelled = _event(client, hearing)
    assert cancelled.decoded("sequence") == 2
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled.decoded("last-modified") >= first.decoded("last-modified")
    assert cancelled.decoded("last-modified") <= timezone.now()


def test_a_proposal_title_is_marked_with_the_language_it_was_written_in(client, consultation):
    """Citizens write in their own language: an English title on a Kazakh page is read out as English."""
    proposal = ProposalFactory(
        consultation=consultation, title="Amend Article 32", summary="Widen the article.", language="en"
    )
    hearing = HearingFactory(consultation=consultation)
    AgendaItemFactory(hearing=hearing, proposals=[proposal])
    marked = re.compile(
        r'<(?:a|h1|h2|p|span)\b[^>]*\blang="en"[^>]*>\s*(Amend Article 32|Widen the article\.)'
    )
    pages = {
        "list": _page(client, "/kk/proposals/"),
        "detail": _page(client, f"/kk/proposals/{proposal.pk}/"),
        "hearing": _page(client, f"/kk/hearings/{hearing.pk}/"),
    }
    found = {name: set(marked.findall(page)) for name, page in pages.items()}
    assert found == {
        "list": {"Amend Article 32", "Widen the article."},
        "detail": {"Amend Article 32", "Widen the article."},
        "hearing": {"Amend Article 32"},
    }


@pytest.mark.parametrize(
    ("language", "start"),
    [
        ("kk", "Басталуы: 15 наурыз 2030 ж., 10:00 (Алматы уақыты)"),
        ("ru", "Начало: 15 марта 2030 г., 10:00 (время Алматы)"),
        ("en", "Starts: 15 March 2030, 10:00 (Almaty time)"),
    ],
)
def test_the_registration_email_writes_the_start_in_words_of_the_readers_language(
    consultation, language, start, django_capture_on_commit_callbacks
):
    """A date in figures reads differently from country to country (15.03 or 03/15); the month's name does not."""
    hearing = HearingFactory(
        consultation=consultation,
        starts_at=datetime(2030, 3, 15, 5, tzinfo=UTC),
        ends_at=datetime(2030, 3, 15, 7, tzinfo=UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        hearing_registration.hearing_register(user=UserFactory(preferred_language=language), hearing=hearing)
    assert start in mail.outbox[0].body
