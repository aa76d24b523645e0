"""Moderation as an auditor checks it: statements of reasons that are published carry no personal data, the
transparency figures agree with the decisions counted one by one, and nothing erases a decision from the
record."""

from collections import Counter
from datetime import datetime, time, timedelta
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.core.models import AuditEntry
from proposals.models import ModerationCase, Proposal, ProposalTransition
from proposals.selectors.moderation import transparency_report
from proposals.services.moderation import (
    moderation_act,
    moderation_appeal,
    moderation_case_claim,
    moderation_case_open,
    moderation_decide,
)
from proposals.services.reader_report import report_create
from proposals.services.screening import proposal_screen
from tests.conftest import give_totp, sign_in_staff
from tests.factories import OrganisationFactory, UserFactory
from tests.identity import make_iin

from .factories import ProposalFactory
from .moderation_helpers import LONG_AGO, STATEMENT

pytestmark = pytest.mark.django_db

# A valid IIN (its check digit holds), as a moderator might quote it.
IIN = make_iin(4242)


def _claimed_case(moderator, **proposal_fields):
    case = moderation_case_open(proposal=ProposalFactory(**proposal_fields))
    moderation_case_claim(case=case, moderator=moderator)
    return case


@pytest.mark.parametrize(
    "statement",
    [
        f"Rejected: the text names a neighbour, IIN {IIN}, and accuses them.",
        "Rejected: the text gives the private address aigul.s@mail.kz of a neighbour.",
        "Rejected: the text gives a private phone, +7 701 234 56 78, of a neighbour.",
        # A zero-width space between the digits hides an IIN from a detector, not from the reader.
        f"Rejected: the text names a neighbour, IIN {IIN[:6]}\u200b{IIN[6:]}, and accuses them.",
    ],
)
def test_a_statement_written_on_the_timeline_may_not_quote_personal_data(moderator, statement):
    """A rejection's reasons stand on the proposal's timeline, which everyone reads once an appeal is upheld
    (or the draft sent back is published); only a hiding's reasons go to the author alone."""
    case = _claimed_case(moderator, status="in_moderation")
    with pytest.raises(ValidationError) as refusal:
        moderation_decide(
            case=case,
            moderator=moderator,
            decision="reject",
            reason_code="personal_data",
            statement=statement,
        )
    assert "statement" in refusal.value.message_dict
    assert Proposal.objects.get(pk=case.proposal_id).status == "in_moderation"
    assert not ProposalTransition.objects.filter(
        proposal=case.proposal, reason__contains="neighbour"
    ).exists()


def test_a_hiding_statement_goes_to_the_author_only_and_may_quote_what_was_hidden(moderator):
    proposal = ProposalFactory(status="published")
    case = moderation_act(
        moderator=moderator,
        proposal=proposal,
        decision="hide",
        reason_code="personal_data",
        statement=f"Hidden: the text gives the IIN {IIN} of a neighbour.",
    )
    assert case.status == "decided"
    assert not ProposalTransition.objects.filter(proposal=proposal, reason__contains=IIN).exists()


def test_the_decision_page_says_why_a_merge_statement_was_refused(client, moderator):
    target = ProposalFactory(status="published")
    case = _claimed_case(moderator, status="published", consultation=target.consultation)
    give_totp(moderator)
    client.force_login(moderator)
    response = client.post(
        f"/ru/moderation/cases/{case.pk}/decide/",
        {
            "decision": "merge",
            "reason_code": "duplicate",
            "merge_into": target.pk,
            "statement": "Дубликат; пишите автору на ivanov@example.kz, если не согласны.",
        },
    )
    assert response.status_code == 400
    assert "удалите ИИН, номер телефона, адрес электронной почты" in response.content.decode()
    assert ModerationCase.objects.get(pk=case.pk).status == "open"
    assert "ivanov@example.kz" not in client.get(f"/en/proposals/{case.proposal_id}/").content.decode()


def test_a_statement_without_personal_data_is_published_as_before(client, moderator):
    target = ProposalFactory(status="published")
    case = _claimed_case(moderator, status="published", consultation=target.consultation)
    moderation_decide(
        case=case,
        moderator=moderator,
        decision="merge",
        reason_code="duplicate",
        statement=STATEMENT,
        merge_into=target,
    )
    assert STATEMENT in client.get(f"/en/proposals/{case.proposal_id}/").content.decode()


# --- the transparency figures against the decisions themselves ----------------------------------------


def _decide(moderator, *, decision, reason_code="", weeks_ago=0, **proposal_fields):
    case = _claimed_case(moderator, **proposal_fields)
    moderation_decide(
        case=case, moderator=moderator, decision=decision, reason_code=reason_code, statement=STATEMENT
    )
    if weeks_ago:
        when = timezone.now() - timedelta(weeks=weeks_ago)
        ModerationCase.objects.filter(pk=case.pk).update(
            created_at=when - timedelta(hours=2), decided_at=when
        )
    return case


@pytest.fixture
def moderation_history(moderator, second_moderator, citizen, verify):
    """Decisions of every kind, some long ago, and what the portal did by itself."""
    _decide(moderator, decision="reject", reason_code="abuse", status="in_moderation")
    _decide(moderator, decision="reject", reason_code="spam", status="in_moderation", weeks_ago=3)
    _decide(moderator, decision="hide", reason_code="off_topic", status="published", weeks_ago=5)
    _decide(moderator, decision="hide", reason_code="off_topic", status="published", weeks_ago=30)
    _decide(moderator, decision="approve", status="in_moderation")
    appealed = _decide(
        moderator, decision="reject", reason_code="abuse", status="in_moderation", author=citizen
    )
    appeal = moderation_appeal(proposal=appealed.proposal, author=citizen, grounds="It is a fair criticism.")
    moderation_case_claim(case=appeal, moderator=second_moderator)
    moderation_decide(case=appeal, moderator=second_moderator, decision="approve", statement=STATEMENT)
    # Screening sends a submission with an IIN back to its author: no moderator decided that.
    proposal_screen(proposal=ProposalFactory(status="submitted", body=f"My IIN is {make_iin()}, call me."))
    # Three readers hide a published proposal until a moderator looks at it.
    reported = ProposalFactory(status="published")
    for reporter in verify(*UserFactory.create_batch(3, date_joined=LONG_AGO)):
        report_create(reporter=reporter, proposal=reported, kind="abuse")
    moderation_case_open(proposal=ProposalFactory(status="in_moderation"))


def test_the_transparency_figures_agree_with_the_decisions_counted_one_by_one(moderation_history):
    cases = list(ModerationCase.objects.all())
    by_people = [case for case in cases if case.status == "decided" and case.decided_by_id]
    report = transparency_report()
    assert report.decided == len(by_people) == 7
    assert dict(report.by_reason) == dict(
        Counter(case.reason_code for case in by_people if case.decision != "approve")
    )
    assert report.automatic_changes_requests == 1
    assert report.automatic_hidings == 1
    assert report.open_cases == sum(case.status == "open" for case in cases) == 2
    assert (report.appeals, report.appeals_decided, report.reversals) == (1, 1, 1)
    # The weekly table: every one of the last twelve weeks, empty ones too, adding up to the decisions of
    # those weeks and to nothing older.
    today = timezone.localdate()
    mondays = [week for week, _counts in report.by_week]
    assert len(mondays) == 12 and mondays[-1] == today - timedelta(days=today.weekday())
    assert all(later - earlier == timedelta(weeks=1) for earlier, later in pairwise(mondays))
    first_day = timezone.make_aware(datetime.combine(mondays[0], time.min))
    in_period = [case for case in by_people if case.decided_at >= first_day]
    assert sum(sum(counts.values()) for _week, counts in report.by_week) == len(in_period) == 6
    assert sum(1 for _week, counts in report.by_week if not counts) >= 9


def test_the_transparency_page_shows_the_figures_and_its_period_in_the_readers_language(
    client, moderation_history, moderator, citizen
):
    report = transparency_report()
    today = timezone.localdate()
    first_monday = today - timedelta(days=today.weekday(), weeks=11)
    page = client.get("/ru/transparency/moderation/").content.decode()
    main = page.split("<main", 1)[1]
    assert "Последние 12 недель, включая текущую" in main
    assert "Предложения, автоматически возвращённые автору для удаления персональных данных" in main
    assert f'<time datetime="{first_monday.isoformat()}">{first_monday:%d.%m.%Y}</time>' in main
    assert main.count("<tr>") == 1 + len(report.by_reason) + 1 + 12
    kk = client.get("/kk/transparency/moderation/").content.decode()
    assert "Ағымдағы аптаны қоса алғанда, соңғы 12 апта" in kk
    assert "Оқырмандардың шағымдарынан кейін модератор шешім қабылдағанға дейін" in kk
    for name in (moderator.display_name, citizen.display_name, moderator.email, citizen.email):
        assert name not in page and name not in kk


# --- hidden content in public ----------------------------------------------------------------------------


@pytest.mark.parametrize("on_behalf", [False, True])
def test_a_hidden_proposal_names_neither_its_author_nor_their_organisation_in_public(
    client, moderator, citizen, other_citizen, on_behalf
):
    """It may be hidden for using another person's name, or for what it says of someone: a reader learns
    that it was hidden, not whom to tie it to."""
    fields = {"author": citizen, "status": "published"}
    if on_behalf:
        fields["organisation"] = OrganisationFactory(name="Almaty Residents Union")
        fields["submitter_type"] = "organisation"
    proposal = ProposalFactory(**fields)
    moderation_act(
        moderator=moderator,
        proposal=proposal,
        decision="hide",
        reason_code="impersonation",
        statement=STATEMENT,
    )
    for reader in (None, other_citizen):
        if reader:
            client.force_login(reader)
        page = client.get(f"/en/proposals/{proposal.pk}/").content.decode()
        assert "This proposal is hidden by moderation." in page
        assert citizen.display_name not in page and "Almaty Residents Union" not in page
        assert "Submitted by" not in page and "Submitted on behalf of" not in page
    # Its author still sees their own proposal as it was, with the decision and the way to appeal.
    client.force_login(citizen)
    own = client.get(f"/en/proposals/{proposal.pk}/").content.decode()
    assert STATEMENT in own and proposal.title in own


# --- refused attempts ------------------------------------------------------------------------------------


def test_a_moderator_trying_to_decide_on_their_own_content_is_refused_and_on_record(
    client, moderator, second_moderator, citizen
):
    own = ProposalFactory(author=moderator, status="in_moderation")
    case = moderation_case_open(proposal=own)
    give_totp(moderator)
    client.force_login(moderator)
    client.post(f"/en/moderation/cases/{case.pk}/claim/")
    published = ProposalFactory(author=moderator, status="published")
    client.post(
        f"/en/moderation/proposals/{published.pk}/act/",
        {"decision": "hide", "reason_code": "abuse", "statement": STATEMENT},
    )
    assert ModerationCase.objects.get(pk=case.pk).claimed_by is None
    assert Proposal.objects.get(pk=published.pk).status == "published"
    refused = AuditEntry.objects.filter(action="moderation.refused_conflict", actor=moderator)
    assert sorted(refused.values_list("target_id", flat=True)) == sorted([str(own.pk), str(published.pk)])
    assert refused.get(target_id=str(own.pk)).details == {"case": case.pk, "appeal": False}


def test_a_moderator_confirming_their_own_decision_on_appeal_is_refused_and_on_record(
    client, moderator, citizen
):
    case = _claimed_case(moderator, status="in_moderation", author=citizen)
    moderation_decide(
        case=case, moderator=moderator, decision="reject", reason_code="abuse", statement=STATEMENT
    )
    appeal = moderation_appeal(proposal=case.proposal, author=citizen, grounds="It is a fair criticism.")
    # Held by them somehow (an old claim): the decision itself is refused, and recorded.
    ModerationCase.objects.filter(pk=appeal.pk).update(claimed_by=moderator, claimed_at=timezone.now())
    give_totp(moderator)
    client.force_login(moderator)
    response = client.post(
        f"/en/moderation/cases/{appeal.pk}/decide/",
        {"decision": "reject", "reason_code": "abuse", "statement": STATEMENT},
    )
    assert response.status_code == 400
    assert ModerationCase.objects.get(pk=appeal.pk).status == "open"
    entry = AuditEntry.objects.get(action="moderation.refused_conflict")
    assert (entry.actor, entry.target_id, entry.details) == (
        moderator,
        str(case.proposal_id),
        {"case": appeal.pk, "appeal": True},
    )
    sign_in_staff(client, UserFactory(is_superuser=True))
    log = client.get("/ru/staff/audit/?action=moderation.refused").content.decode()
    assert "Модерация отклонена: собственный материал или своё же решение на апелляции" in log


def test_an_ordinary_refusal_is_not_called_a_conflict(client, moderator, second_moderator):
    case = _claimed_case(second_moderator, status="in_moderation")
    give_totp(moderator)
    client.force_login(moderator)
    client.post(
        f"/en/moderation/cases/{case.pk}/decide/",
        {"decision": "reject", "reason_code": "abuse", "statement": STATEMENT},
    )
    assert ModerationCase.objects.get(pk=case.pk).status == "open"
    assert not AuditEntry.objects.filter(action="moderation.refused_conflict").exists()
