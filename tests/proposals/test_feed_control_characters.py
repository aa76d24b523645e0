"""Control characters, which XML 1.0 forbids, never break a feed: the superusers' Django admin normalises what
is typed there as every other form does, and the feed writer leaves out any that a row still holds (an
import, a row from before), so the feed parses with a strict XML parser and in a feed reader."""

import feedparser
import pytest
from lxml import etree

from proposals.models import ResponsibleBody
from tests.conftest import give_totp
from tests.factories import UserFactory

from .factories import HearingFactory, ProposalFactory, publish_response

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _strict(content: bytes):
    """The feed as a strict XML parser reads it (lxml refuses what ElementTree's expat might let by)."""
    return etree.fromstring(content, etree.XMLParser(recover=False, resolve_entities=False))


def test_a_stored_control_character_leaves_the_hearings_feed_well_formed(client, consultation):
    HearingFactory(
        consultation=consultation, title_en="Budget\x0b hearing", description_en="Agenda\x1f: local budgets"
    )
    answer = client.get("/en/feeds/hearings.atom")
    assert answer.status_code == 200
    root = _strict(answer.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert any(title.endswith(": Budget hearing") for title in titles), titles
    assert b"\x0b" not in answer.content and b"\x1f" not in answer.content
    assert not feedparser.parse(answer.content).bozo


def test_a_stored_control_character_leaves_the_answers_feed_well_formed(
    client, consultation, commissioner, second_commissioner
):
    proposal = ProposalFactory(consultation=consultation, title="Open\x0c councils", language="en")
    publish_response(
        proposal,
        drafter=commissioner,
        approver=second_commissioner,
        reasoning_en="Accepted\x0b in part.",
    )
    answer = client.get("/en/feeds/answers.atom")
    assert answer.status_code == 200
    root = _strict(answer.content)
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title").endswith("Open councils")
    assert "Accepted in part." in entry.findtext(f"{ATOM}summary")


def test_the_django_admin_keeps_no_control_character_a_superuser_typed(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    give_totp(superuser)
    client.force_login(superuser)
    answer = client.post(
        "/en/admin/proposals/responsiblebody/add/",
        {
            "slug": "finance",
            "name_kk": "Қаржы\x0b министрлігі",
            "name_ru": "Министерство\x1f финансов",
            "name_en": "Ministry of\x0b Finance",
        },
    )
    assert answer.status_code == 302
    body = ResponsibleBody.objects.get(slug="finance")
    assert (body.name_kk, body.name_ru, body.name_en) == (
        "Қаржы министрлігі",
        "Министерство финансов",
        "Ministry of Finance",
    )
