"""The Atom feeds, read as a feed reader reads them: valid Atom in kk, ru and en (the required elements, and
feedparser finds nothing malformed), only public content, the latest entries only, a few queries whatever
their number, and linked from the pages where a person following the Commission looks."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import feedparser
import pytest
from django.utils import timezone

from proposals.models import Commitment, CommitmentStatus, Proposal
from proposals.selectors import feeds as feed_selectors
from proposals.services.hearing import hearing_transition

from .commitment_helpers import adopted_change, post, record
from .factories import ConsultationFactory, HearingFactory, ProposalFactory, publish_response

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _atom(client, path: str) -> ET.Element:
    """The feed at `path`, checked for what RFC 4287 requires of a feed and of each entry."""
    answer = client.get(path)
    assert answer.status_code == 200
    # application/xml: Chromium shows application/atom+xml as plain text, without the feed's stylesheet.
    assert answer["Content-Type"].startswith("application/xml")
    root = ET.fromstring(answer.content)  # noqa: S314 (the portal's own answer)
    assert root.tag == f"{ATOM}feed"
    for element in (root, *root.findall(f"{ATOM}entry")):
        for required in ("id", "title", "updated"):
            assert (element.findtext(f"{ATOM}{required}") or "").strip(), (required, element)
        assert element.find(f"{ATOM}link").get("href").startswith("http")
        # RFC 3339 with the offset, whole seconds.
        updated = datetime.fromisoformat(element.findtext(f"{ATOM}updated"))
        assert updated.utcoffset() is not None and updated.microsecond == 0
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    assert any(link.get("rel") == "self" for link in root.findall(f"{ATOM}link"))
    parsed = feedparser.parse(answer.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return root


def _titles(root: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]


@pytest.fixture
def answered(consultation, commissioner, second_commissioner):
    """An answered proposal with quotes and an ampersand in its title, and the answers that must stay out:
    one to a proposal hidden since, one in a draft consultation."""
    proposal = ProposalFactory(
        consultation=consultation, title='Courts "review" arrests & detentions', language="kk"
    )
    publish_response(
        proposal,
        drafter=commissioner,
        approver=second_commissioner,
        reasoning_kk="Комиссия келіседі.",
        reasoning_ru="Комиссия согласна.",
    )
    hidden = ProposalFactory(consultation=consultation, title="Hidden since")
    publish_response(hidden, drafter=commissioner, approver=second_commissioner)
    Proposal.objects.filter(pk=hidden.pk).update(status="hidden")
    draft = ConsultationFactory(slug="not-yet")
    unseen = ProposalFactory(consultation=draft, title="In a draft consultation")
    publish_response(unseen, drafter=commissioner, approver=second_commissioner)
    draft.status = "draft"
    draft.save(update_fields=["status"])
    return proposal


def test_answers_feed_reads_right_in_each_language(client, answered):
    titles = {}
    for language in ("kk", "ru", "en"):
        root = _atom(client, f"/{language}/feeds/answers.atom")
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == language
        titles[language] = _titles(root)
        entry = root.find(f"{ATOM}entry")
        assert entry.find(f"{ATOM}link").get("href").endswith(f"/{language}/proposals/{answered.pk}/")
    # The decision in the feed's language, the title as its author wrote it: quotes, not &quot;.
    assert titles == {
        "kk": ['Қабылданды: Courts "review" arrests & detentions'],
        "ru": ['Принято: Courts "review" arrests & detentions'],
        "en": ['Accepted: Courts "review" arrests & detentions'],
    }


def test_answer_summary_is_in_the_feed_language_or_says_which_it_is_in(client, answered):
    summaries = {}
    for language in ("kk", "ru", "en"):
        parsed = feedparser.parse(client.get(f"/{language}/feeds/answers.atom").content)
        summaries[language] = parsed.entries[0].summary
    assert "Комиссия келіседі." in summaries["kk"]
    assert "Комиссия согласна." in summaries["ru"]
    # No English reasons: the Kazakh ones, marked as such in English.
    assert "Комиссия келіседі." in summaries["en"] and "available in Kazakh only" in summaries["en"]


def test_a_consultations_answers_feed_holds_its_answers_only(
    client, answered, commissioner, second_commissioner
):
    other = ProposalFactory(consultation=ConsultationFactory(), title="Elsewhere")
    publish_response(other, drafter=commissioner, approver=second_commissioner)
    slug = answered.consultation.slug
    root = _atom(client, f"/en/consultations/{slug}/outcome/answers.atom")
    assert _titles(root) == ['Accepted: Courts "review" arrests & detentions']
    assert "Elsewhere" in " ".join(_titles(_atom(client, "/en/feeds/answers.atom")))
    assert client.get("/en/consultations/no-such-consultation/outcome/answers.atom").status_code == 404
    # A draft consultation has no feed, whoever asks.
    assert client.get("/en/consultations/not-yet/outcome/answers.atom").status_code == 404


def test_answers_feed_is_bounded_and_cheap(
    client, consultation, commissioner, second_commissioner, monkeypatch, django_assert_max_num_queries
):
    for number in range(6):
        proposal = ProposalFactory(consultation=consultation, title=f"Proposal {number}")
        publish_response(proposal, drafter=commissioner, approver=second_commissioner)
    monkeypatch.setattr(feed_selectors, "FEED_LENGTH", 4)
    with django_assert_max_num_queries(3):
        root = _atom(client, "/en/feeds/answers.atom")
    assert _titles(root) == [f"Accepted: Proposal {number}" for number in (5, 4, 3, 2)]


def test_a_feed_answers_not_modified_to_a_reader_that_has_it(client, answered):
    first = client.get("/en/feeds/answers.atom")
    assert first["ETag"] and first["Last-Modified"]
    again = client.get("/en/feeds/answers.atom", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_implementation_feed_tells_updates_and_missed_due_dates(
    client, consultation, commissioner, second_commissioner, django_assert_max_num_queries
):
    commissioner.display_name = "Member Dana"
    commissioner.save(update_fields=["display_name"])
    change = adopted_change(consultation, drafter=commissioner, approver=second_commissioner)
    commitment = record(change, commissioner)
    post(commitment, commissioner, to_status=CommitmentStatus.IN_PROGRESS, progress=40)
    # Marking it done waits for a second member: not public, not in the feed.
    post(commitment, commissioner, to_status=CommitmentStatus.DONE, progress=100)
    late = record(change, commissioner, title_en="Open the registry", title_ru="Открыть реестр")
    Commitment.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=3))

    with django_assert_max_num_queries(3):  # updates, missed due dates (the site's row is read once)
        root = _atom(client, "/en/feeds/implementation.atom")
    titles = _titles(root)
    assert "Courts review every arrest — status: In progress, progress: 40 %" in titles
    assert not any("Done" in title for title in titles)
    assert any(
        title.startswith("Open the registry: due date") and "passed, not done" in title for title in titles
    )
    ru = _titles(_atom(client, f"/ru/consultations/{consultation.slug}/implementation/updates.atom"))
    assert "Суд проверяет каждый арест — статус: Выполняется, ход исполнения: 40 %" in ru
    # Who posted or approved an update stays internal.
    body = client.get("/en/feeds/implementation.atom").content.decode()
    assert "Member Dana" not in body and commissioner.email not in body


def test_hearings_feed_tells_a_postponement_and_its_reason(
    client, consultation, commissioner, django_assert_max_num_queries
):
    hearing = HearingFactory(
        consultation=consultation, title_en="Hearing on courts", title_ru="Слушания о судах"
    )
    hearing_transition(
        hearing=hearing, to_status="postponed", actor=commissioner, reason="The hall is closed."
    )
    draft = ConsultationFactory(status="draft")
    HearingFactory(consultation=draft, title_en="Of a draft")

    HearingFactory(consultation=consultation, title_en="Another hearing")
    with django_assert_max_num_queries(3):  # hearings, their status logs
        root = _atom(client, "/en/feeds/hearings.atom")
    assert _titles(root)[1:] == ["Postponed: Hearing on courts"]
    summary = feedparser.parse(client.get("/en/feeds/hearings.atom").content).entries[1].summary
    assert "The hall is closed." in summary
    assert _titles(_atom(client, "/ru/feeds/hearings.atom"))[1:] == ["Перенесено: Слушания о судах"]
    # The old time is void, as the hearing's page says: under "Перенесено" it read as the new date.
    summary = feedparser.parse(client.get("/ru/feeds/hearings.atom").content).entries[1].summary
    assert "Не подтверждено: слушания перенесены, Комиссия объявит их дату." in summary
    assert "Когда:" not in summary


def test_pages_name_their_feeds_for_readers_and_for_browsers(client, consultation):
    slug = consultation.slug
    for path, feed in (
        (f"/en/consultations/{slug}/", f"/en/consultations/{slug}/outcome/answers.atom"),
        (f"/en/consultations/{slug}/outcome/", f"/en/consultations/{slug}/outcome/answers.atom"),
        (
            f"/en/consultations/{slug}/implementation/",
            f"/en/consultations/{slug}/implementation/updates.atom",
        ),
        ("/en/hearings/", "/en/feeds/hearings.atom"),
        ("/en/open-data/", "/en/feeds/implementation.atom"),
    ):
        page = client.get(path).content.decode()
        assert f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in page, path
        assert f'<a href="{feed}" type="application/atom+xml">' in page, path


def test_a_draft_consultation_names_no_feed_to_the_staff_who_see_it(staff_client, admin_user):
    draft = ConsultationFactory(status="draft")
    page = staff_client(admin_user).get(f"/en/consultations/{draft.slug}/").content.decode()
    assert "This consultation is a draft" in page
    assert "application/atom+xml" not in page
