"""What moderators and authors read about moderation: the queue (its count, the cases to leave to a
colleague, column names on a phone), the transparency figures by dated week, and My participation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from proposals.models import ModerationCase
from proposals.selectors.moderation import transparency_report
from proposals.services.comment import comment_create
from proposals.services.moderation import (
    comment_set_hidden,
    moderation_appeal,
    moderation_case_claim,
    moderation_case_open,
    moderation_decide,
)
from proposals.services.reader_report import report_create
from tests.conftest import give_totp

from .factories import ProposalFactory
from .moderation_helpers import STATEMENT, hide_comment

pytestmark = pytest.mark.django_db


def test_queue_counts_its_cases_and_names_each_column_on_a_phone(client, moderator, citizen):
    for _ in range(3):
        moderation_case_open(proposal=ProposalFactory(author=citizen, status="in_moderation", language="ru"))
    moderation_case_open(proposal=ProposalFactory(author=citizen, status="in_moderation", language="kk"))
    # A case whose language is not known (the column is blank) says so.
    ModerationCase.objects.filter(
        pk=moderation_case_open(proposal=ProposalFactory(status="in_moderation")).pk
    ).update(language="")
    give_totp(moderator)
    client.force_login(moderator)
    everything = client.get("/ru/moderation/").content.decode()
    assert "5 открытых дел." in everything and 'data-label="Язык">—</td>' in everything
    assert 'data-label="Риск"' in everything and 'data-label="Язык"' in everything
    # Languages by name, not by code.
    assert 'data-label="Язык">Русский</td>' in everything and 'data-label="Язык">Казахский</td>' in everything
    filtered = client.get("/en/moderation/?language=ru").content.decode()
    assert "3 open cases match the filters." in filtered


def test_queue_marks_the_cases_a_moderator_must_leave_to_a_colleague(
    client, moderator, second_moderator, citizen
):
    own = moderation_case_open(proposal=ProposalFactory(author=moderator, status="in_moderation"))
    rejected = ProposalFactory(author=citizen, status="in_moderation")
    first = moderation_case_open(proposal=rejected)
    moderation_case_claim(case=first, moderator=moderator)
    moderation_decide(
        case=first, moderator=moderator, decision="reject", reason_code="abuse", statement=STATEMENT
    )
    appeal = moderation_appeal(proposal=rejected, author=citizen, grounds="It is a fair criticism.")
    other = moderation_case_open(proposal=ProposalFactory(author=citizen, status="in_moderation"))
    give_totp(moderator)
    client.force_login(moderator)
    page = client.get("/en/moderation/").content.decode()
    marked = "for another moderator: your own content or decision"
    rows = {
        pk: page.split(f'data-case="{pk}"', 1)[1].split("</tr>", 1)[0] for pk in (own.pk, appeal.pk, other.pk)
    }
    assert marked in rows[own.pk] and marked in rows[appeal.pk] and marked not in rows[other.pk]
    give_totp(second_moderator)
    client.force_login(second_moderator)
    assert marked not in client.get("/en/moderation/").content.decode()


def test_transparency_weeks_are_dates_in_the_readers_language(client, moderator, citizen):
    case = moderation_case_open(proposal=ProposalFactory(author=citizen, status="in_moderation"))
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case, moderator=moderator, decision="reject", reason_code="abuse", statement=STATEMENT
    )
    day = timezone.localdate(ModerationCase.objects.get(pk=case.pk).decided_at)
    monday = day - timedelta(days=day.weekday())
    assert [week for week, counts in transparency_report().by_week if counts] == [monday]
    html = client.get("/ru/transparency/moderation/").content.decode()
    assert "-W" not in html.split("<main", 1)[1]
    assert f'<time datetime="{monday.isoformat()}">' in html
    assert f'<time datetime="{(monday + timedelta(days=6)).isoformat()}">' in html


def test_my_participation_tells_a_held_comment_from_a_hidden_one_and_names_reports(
    client, moderator, citizen, other_citizen
):
    proposal = ProposalFactory(author=other_citizen, status="published")
    held = comment_create(author=citizen, proposal=proposal, body="A comment someone reported.")
    hidden = comment_create(author=citizen, proposal=proposal, body="A comment a moderator hid.")
    moderation_case_open(proposal=proposal, comment=held, reasons=["report_abuse"])
    comment_set_hidden(comment=held, hidden=True)
    hide_comment(moderator=moderator, proposal=proposal, comment=hidden)
    report_create(reporter=citizen, proposal=ProposalFactory(status="published"), kind="spam")
    client.force_login(citizen)
    page = client.get("/ru/me/").content.decode()
    comments = page.split('id="comments"', 1)[1].split('id="follows"', 1)[0]
    held_row = comments.split("A comment someone reported.", 1)[1].split("</li>", 1)[0]
    hidden_row = comments.split("A comment a moderator hid.", 1)[1].split("</li>", 1)[0]
    assert "задержан для проверки" in held_row and "задержан для проверки" not in hidden_row
    assert "скрыт модерацией" in hidden_row and "скрыт модерацией" not in held_row
    assert "<li>Жалоба: " in page and "Пожаловаться:" not in page


def test_a_bulk_decision_is_chosen_never_approval_by_default(client, moderator):
    cases = [
        moderation_case_open(proposal=p) for p in ProposalFactory.create_batch(2, status="in_moderation")
    ]
    give_totp(moderator)
    client.force_login(moderator)
    page = client.get("/en/moderation/").content.decode()
    bulk = page.split('name="decision"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>— choose —</option>' in bulk
    response = client.post("/en/moderation/cases/bulk/", {"cases": [c.pk for c in cases]}, follow=True)
    assert "This field is required." in response.content.decode()
    assert ModerationCase.objects.filter(pk__in=[c.pk for c in cases], status="open").count() == 2


@pytest.mark.parametrize(
    ("status", "offered"),
    [("responded", set()), ("hidden", {"reason_code"}), ("in_moderation", {"reason_code", "merge_into"})],
)
def test_a_case_offers_only_the_fields_its_decisions_use(client, moderator, status, offered):
    """A case on an answered proposal can only be approved, yet its form asked for a reason and for the
    number of a proposal to merge into, which nothing would take."""
    case = moderation_case_open(proposal=ProposalFactory(status=status, language="kk"))
    moderation_case_claim(case=case, moderator=moderator)
    give_totp(moderator)
    client.force_login(moderator)
    page = client.get(f"/kk/moderation/cases/{case.pk}/").content.decode()
    shown = {name for name in ("reason_code", "merge_into") if f'name="{name}"' in page}
    assert shown == offered
    assert 'name="statement"' in page


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ({"statement": "Жарнама: консультацияға қатысы жоқ."}, "Себебін таңдаңыз."),
        (
            {"reason_code": "spam", "statement": "Жарнама."},
            "Шешімді авторға кемінде 20 таңбамен түсіндіріңіз.",
        ),
    ],
)
def test_a_refused_hiding_shows_the_form_again_with_what_the_moderator_typed(
    client, published, moderator, sent, expected
):
    """The refusal was flashed over the proposal's page, and the statement of reasons typed was gone."""
    give_totp(moderator)
    client.force_login(moderator)
    response = client.post(f"/kk/moderation/proposals/{published.pk}/act/", {"decision": "hide", **sent})
    page = response.content.decode()
    assert response.status_code == 400
    assert expected in page
    assert sent["statement"] in page
    assert 'value="spam" selected' in page or "reason_code" not in sent
    published.refresh_from_db()
    assert published.status == "published"
