"""The moderation figures and the public statements of reasons as open data: the files add up to the
transparency page computed on the same data, hold only what the public pages show, and never say who decided."""

import csv
import html
import io
import json
from collections import Counter
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from proposals.models import ModerationCase
from proposals.selectors.moderation import APPROVED, transparency_report
from proposals.services.comment import comment_create
from proposals.services.moderation import (
    moderation_appeal,
    moderation_case_claim,
    moderation_case_open,
    moderation_decide,
)
from proposals.services.reader_report import report_create
from proposals.services.screening import proposal_screen
from tests.factories import UserFactory
from tests.identity import make_iin

from .factories import ConsultationFactory, ProposalFactory
from .moderation_helpers import LONG_AGO, STATEMENT, hide_comment

pytestmark = pytest.mark.django_db

REJECTION = "The proposal repeats an advertisement for a shop; the rules forbid advertising."
MERGE = "The same change of Article 5 is already proposed, with more supports, under number given."
HIDING = "Hidden: the text quotes the neighbour's private letter about their illness at length."
CHANGES = "Please remove the paragraph that quotes a private letter and send the proposal again."


def _files(client, stem, query=""):
    as_json = client.get(f"/open-data/{stem}.json{query}")
    as_csv = client.get(f"/open-data/{stem}.csv{query}")
    assert as_json.status_code == as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv") and as_json["Content-Type"].startswith(
        "application/json"
    )
    text = as_csv.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return json.loads(as_json.content), list(csv.DictReader(io.StringIO(text[1:])))


def _decide(moderator, case, decision, *, reason_code="", statement=STATEMENT, merge_into=None, weeks_ago=0):
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case,
        moderator=moderator,
        decision=decision,
        reason_code=reason_code,
        statement=statement,
        merge_into=merge_into,
    )
    if weeks_ago:
        when = timezone.now() - timedelta(weeks=weeks_ago)
        ModerationCase.objects.filter(pk=case.pk).update(
            created_at=when - timedelta(hours=5), decided_at=when
        )
    return case


def _case(consultation, **fields):
    return moderation_case_open(proposal=ProposalFactory(consultation=consultation, **fields))


@pytest.fixture
def history(moderator, second_moderator, citizen, other_citizen, verify):
    """Two consultations' moderation: decisions of every kind and reason, some weeks ago, appeals upheld and
    dismissed, a comment hidden, what screening and readers did by themselves, and cases still waiting."""
    first, second = ConsultationFactory(slug="reform"), ConsultationFactory(slug="budget")
    target = ProposalFactory(consultation=first)
    _decide(
        moderator, _case(first, status="in_moderation"), "reject", reason_code="spam", statement=REJECTION
    )
    _decide(moderator, _case(first, status="in_moderation"), "reject", reason_code="abuse", weeks_ago=2)
    _decide(
        moderator,
        _case(first, status="published"),
        "merge",
        reason_code="duplicate",
        statement=MERGE,
        merge_into=target,
    )
    _decide(moderator, _case(second, status="published"), "hide", reason_code="off_topic", statement=HIDING)
    _decide(moderator, _case(second, status="published"), "hide", reason_code="off_topic", weeks_ago=20)
    _decide(
        moderator,
        _case(second, status="in_moderation"),
        "request_changes",
        reason_code="personal_data",
        statement=CHANGES,
    )
    _decide(moderator, _case(first, status="in_moderation"), "approve")
    # A rejection reversed on appeal (its statement now stands on a public timeline), one confirmed.
    upheld = _decide(
        moderator,
        _case(first, status="in_moderation", author=citizen),
        "reject",
        reason_code="illegal",
        statement=REJECTION + " Upheld later.",
    )
    appeal = moderation_appeal(proposal=upheld.proposal, author=citizen, grounds="It is a fair criticism.")
    _decide(second_moderator, appeal, "approve")
    dismissed = _decide(
        moderator,
        _case(second, status="in_moderation", author=other_citizen),
        "reject",
        reason_code="spam",
        statement=REJECTION + " Dismissed later.",
    )
    appeal = moderation_appeal(proposal=dismissed.proposal, author=other_citizen, grounds="Not an advert.")
    _decide(second_moderator, appeal, "reject", reason_code="spam", statement=REJECTION + " Final.")
    commented = ProposalFactory(consultation=second)
    hide_comment(
        moderator=moderator,
        proposal=commented,
        comment=comment_create(author=citizen, proposal=commented, body="The district budget is a secret."),
    )
    # Screening publishes a clean submission and sends one with an IIN back; readers hide one.
    proposal_screen(proposal=ProposalFactory(consultation=first, status="submitted", published_at=None))
    proposal_screen(
        proposal=ProposalFactory(consultation=second, status="submitted", body=f"My IIN is {make_iin()}.")
    )
    reported = ProposalFactory(consultation=first)
    for reporter in verify(*UserFactory.create_batch(3, date_joined=LONG_AGO)):
        report_create(reporter=reporter, proposal=reported, kind="abuse")
    _case(second, status="in_moderation")
    return first, second


def test_the_moderation_figures_add_up_to_the_transparency_page(client, history):
    data, rows = _files(client, "moderation")
    assert list(rows[0]) == data["fields"]
    for csv_row, json_row in zip(rows, data["results"], strict=True):
        assert csv_row == {k: "" if v is None else str(v) for k, v in json_row.items()}
    results = data["results"]
    report = transparency_report()
    total = Counter()
    for row in results:
        total.update({k: v for k, v in row.items() if isinstance(v, int)})
    assert total["moderator_decisions"] == report.decided == 12
    assert {k.removeprefix("reason_"): v for k, v in total.items() if k.startswith("reason_") and v} == dict(
        report.by_reason
    )
    assert total["screening_publications"] == report.automatic_publications >= 1
    assert total["screening_changes_requests"] == report.automatic_changes_requests == 1
    assert total["report_hidings"] == report.automatic_hidings == 1
    assert total["cases_waiting"] == report.open_cases == 2
    assert (total["appeals"], total["appeals_decided"]) == (report.appeals, report.appeals_decided) == (2, 2)
    assert total["appeals_upheld"] == report.reversals == 1 and total["appeals_dismissed"] == 1
    assert sum(total[f"decisions_{code}"] for code in ModerationCase.Decision.values) == report.decided
    # Week by week, the page's table is the files' rows of that week summed over the consultations.
    for monday, counts in report.by_week:
        week = [row for row in results if row["week_start"] == monday.isoformat()]
        assert sum(row["decisions_approve"] for row in week) == counts.get(APPROVED, 0)
        for code in ModerationCase.ReasonCode.values:
            assert sum(row[f"reason_{code}"] for row in week) == counts.get(code, 0), (monday, code)
    # Every week of a consultation from its first figure to its last, empty ones as zeros.
    reform = [row for row in results if row["consultation"] == "reform"]
    assert len(reform) == 3 and reform[1]["moderator_decisions"] == 0
    assert {row["consultation"] for row in results} == {"reform", "budget"}
    # What the page shows is the same figures.
    page = client.get("/en/transparency/moderation/").content.decode()
    assert f"<dt>Decisions by moderators</dt><dd>{total['moderator_decisions']}</dd>" in page
    assert f"<dt>Cases waiting</dt><dd>{total['cases_waiting']}</dd>" in page
    assert f"<dd>{total['appeals']} (2 decided)</dd>" in page


def test_the_median_time_to_a_decision_is_the_pages_for_one_consultation_and_week(client, moderator):
    consultation = ConsultationFactory()
    for hours in (1, 3, 8):
        case = _decide(moderator, _case(consultation, status="in_moderation"), "approve")
        case.refresh_from_db()
        ModerationCase.objects.filter(pk=case.pk).update(created_at=case.decided_at - timedelta(hours=hours))
    (row,) = _files(client, "moderation")[0]["results"]
    assert row["median_hours_to_decision"] == transparency_report().median_hours_to_decision == 3.0


def test_one_consultations_figures_and_unknown_ones(client, history):
    data, _rows = _files(client, "moderation", "?consultation=budget")
    assert {row["consultation"] for row in data["results"]} == {"budget"}
    statements, _rows = _files(client, "moderation-statements", "?consultation=budget")
    assert statements["results"] == []
    for stem in ("moderation", "moderation-statements"):
        for slug in ("no-such-thing", "%00", ""):
            assert client.get(f"/open-data/{stem}.csv?consultation={slug}").status_code == 404


def test_a_draft_consultation_is_named_in_no_file(client, moderator):
    draft = ConsultationFactory(slug="not-yet-public", status="draft")
    _decide(
        moderator, _case(draft, status="in_moderation"), "reject", reason_code="spam", statement=REJECTION
    )
    for stem in ("moderation", "moderation-statements"):
        as_json, as_csv = _files(client, stem)
        assert as_json["results"] == as_csv == []


def test_the_statements_are_those_the_public_timelines_show(client, history, moderator):
    data, rows = _files(client, "moderation-statements")
    results = data["results"]
    assert [row["statement"] for row in rows] == [row["statement"] for row in results]
    # The merge, and the rejection an appeal reversed; not the rejections that stand (their page is not
    # public), nor what goes to the author alone: a hiding, a request for changes, a comment's hiding.
    assert {(row["decision"], row["reason"], row["statement"]) for row in results} == {
        ("merge", "duplicate", MERGE),
        ("reject", "illegal", REJECTION + " Upheld later."),
    }
    for row in results:
        assert row["url"].endswith(f"/proposals/{row['proposal']}/")
        assert row["consultation"] == "reform"
        case = ModerationCase.objects.get(pk=row["id"])
        assert row["decided_at"] == case.decided_at.astimezone(UTC).isoformat(timespec="seconds")
        page = client.get(f"/en/proposals/{row['proposal']}/")
        assert page.status_code == 200 and html.escape(row["statement"]) in page.content.decode()
    everything = json.dumps(results)
    for private in (HIDING, CHANGES, "Dismissed later", "Final."):
        assert private not in everything


def test_a_statement_with_personal_data_stays_out_though_written_before_the_check(client, moderator):
    consultation = ConsultationFactory()
    target = ProposalFactory(consultation=consultation)
    case = _decide(
        moderator,
        _case(consultation, status="published"),
        "merge",
        reason_code="duplicate",
        statement=MERGE,
        merge_into=target,
    )
    assert len(_files(client, "moderation-statements")[0]["results"]) == 1
    iin = make_iin(77)
    # Fullwidth digits, another script's digits, a fullwidth at sign: a reader reads them all the same.
    for personal in (
        iin,
        "".join(chr(ord(digit) + 0xFEE0) for digit in iin),
        "".join(chr(0x0660 + int(digit)) for digit in iin),
        "aliya＠example.kz",
    ):
        ModerationCase.objects.filter(pk=case.pk).update(statement=f"{MERGE} Author's IIN {personal}.")
        assert _files(client, "moderation-statements")[0]["results"] == [], personal


def test_no_file_says_who_decided_reported_or_appealed(client, history, moderator, second_moderator, citizen):
    seen = ""
    for stem in ("moderation", "moderation-statements"):
        for kind in ("csv", "json"):
            answer = client.get(f"/open-data/{stem}.{kind}")
            assert answer.status_code == 200
            seen += answer.content.decode()
    seen += client.get("/open-data/datapackage.json").content.decode()
    for person in (moderator, second_moderator, citizen):
        for trace in (person.display_name, person.email):
            assert trace not in seen, trace
    assert "It is a fair criticism." not in seen and "Not an advert." not in seen
    assert MERGE in seen  # the files hold what they should
    for field in ("decided_by", "moderator", "claimed_by", "author", "reporter", "grounds"):
        assert f'"{field}"' not in seen


def test_the_files_are_listed_with_their_dictionary_in_every_language(client):
    page = client.get("/kk/open-data/").content.decode()
    for stem in ("moderation", "moderation-statements"):
        assert f'href="/open-data/{stem}.csv"' in page and f'href="/open-data/{stem}.json"' in page
    assert "Модерация сандармен: консультациялар мен апталар бойынша" in page
    assert "Аптада берілген апелляциялар." in page
    ru = client.get("/ru/open-data/").content.decode()
    assert "Публичные обоснования решений модерации" in ru and "Когда принято решение (UTC, ISO 8601)." in ru
    package = client.get("/open-data/datapackage.json").json()
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert resources["moderation"]["schema"]["primaryKey"] == ["consultation", "week_start"]
    data = _files(client, "moderation-statements")[0]
    assert [f["name"] for f in resources["moderation-statements"]["schema"]["fields"]] == data["fields"]
    transparency = client.get("/ru/transparency/moderation/").content.decode()
    assert 'href="/open-data/moderation.csv"' in transparency and "в виде открытых данных" in transparency


@pytest.mark.parametrize("stem", ["moderation", "moderation-statements"])
def test_the_files_revalidate_and_other_sites_may_read_them(client, history, stem):
    for kind in ("csv", "json"):
        path = f"/open-data/{stem}.{kind}"
        first = client.get(path, HTTP_ORIGIN="https://newsroom.example")
        assert (
            first["Access-Control-Allow-Origin"] == "*" and "ETag" in first["Access-Control-Expose-Headers"]
        )
        assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        assert client.head(path)["ETag"] == first["ETag"]
        assert client.post(path).status_code == 405
    moderation_case_open(proposal=ProposalFactory(status="in_moderation"))
    if stem == "moderation":
        assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_frictionless_finds_the_files_valid_against_the_served_schema(client, history, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    package = client.get("/open-data/datapackage.json").json()
    package["resources"] = [r for r in package["resources"] if r["name"].startswith("moderation")]
    for resource in package["resources"]:
        local = resource["path"].rsplit("/", 1)[1]
        (tmp_path / local).write_bytes(client.get(f"/open-data/{local}").content)
        resource["path"] = local
    report = frictionless.Package(package, basepath=str(tmp_path)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert [task.stats["rows"] for task in report.tasks] == [3 + 21, 2]
