"""Moderation beyond screening: readers' reports, hiding and restoring, appeals of a hiding, account blocks,
bulk decisions, the queue's order and filters, the transparency page and the audit log."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from portal.accounts import services as account_services
from portal.core.models import AuditEntry
from proposals.models import ModerationCase, Proposal, ProposalTransition, Report
from proposals.selectors.moderation import QueueFilters, queue_cases, transparency_report
from proposals.services.comment import comment_create
from proposals.services.moderation import (
    moderation_act,
    moderation_appeal,
    moderation_case_claim,
    moderation_case_open,
    moderation_decide,
    moderation_decide_bulk,
)
from proposals.services.reader_report import report_create
from tests.conftest import give_totp, needs_concurrent_connections
from tests.factories import UserFactory

from .factories import CommentFactory, ProposalFactory
from .moderation_helpers import LONG_AGO, STATEMENT, keep_reported_comment

pytestmark = pytest.mark.django_db


# --- reports -------------------------------------------------------------------------------------------


def test_three_distinct_reporters_hide_a_proposal_pending_review(published, settings, verify):
    assert settings.MODERATION_REPORT_HIDE_THRESHOLD == 3
    # Accounts of long standing: reports from new ones arriving together are flagged as a campaign.
    first, second, third = verify(*UserFactory.create_batch(3, date_joined=LONG_AGO))
    report_create(reporter=first, proposal=published, kind="abuse")
    report_create(reporter=first, proposal=published, kind="spam")  # the same person again: no change
    report_create(reporter=second, proposal=published, kind="abuse")
    published.refresh_from_db()
    assert published.status == "published"
    case = ModerationCase.objects.get(proposal=published, status="open")
    assert case.source == "report" and case.reports.count() == 2
    report_create(reporter=third, proposal=published, kind="off_topic")
    published.refresh_from_db()
    assert published.status == "hidden"
    assert case.reports.count() == 3
    assert set(ModerationCase.objects.get(pk=case.pk).reasons) == {"report_abuse", "report_off_topic"}


def test_a_hidden_proposal_shows_only_why_to_the_public(client, published, moderator, settings, verify):
    settings.MODERATION_REPORT_HIDE_THRESHOLD = 1
    (reporter,) = verify(UserFactory())
    report_create(reporter=reporter, proposal=published, kind="abuse")
    page = client.get(f"/en/proposals/{published.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "hidden by moderation" in html and published.body not in html
    assert published.title not in client.get("/en/proposals/").content.decode()
    assert client.get(f"/api/v1/proposals/{published.pk}").status_code == 404
    give_totp(moderator)
    client.force_login(moderator)
    assert published.body in client.get(f"/en/proposals/{published.pk}/").content.decode()


def test_the_comments_of_a_withheld_proposal_are_said_to_be_withheld_not_offered_in_three_orders(
    client, published, citizen
):
    comment_create(author=citizen, proposal=published, body="A first thought.")
    published.status = "withdrawn"
    published.save(update_fields=["status"])
    html = client.get(f"/en/proposals/{published.pk}/").content.decode()
    assert "The comments are not shown while the proposal is withdrawn or hidden." in html
    assert "?comments=newest" not in html and "A first thought." not in html


def test_impersonation_reports_go_first_in_the_queue(published, citizen):
    older = ProposalFactory(status="in_moderation")
    moderation_case_open(proposal=older)
    report_create(reporter=citizen, proposal=published, kind="impersonation", details="That is my name.")
    cases = list(queue_cases(QueueFilters()))
    assert cases[0].proposal_id == published.pk and cases[0].source == "impersonation"
    assert cases[1].proposal_id == older.pk


def test_reports_need_a_kind_and_are_not_for_own_content(published, other_citizen, citizen):
    with pytest.raises(ValidationError):
        report_create(reporter=citizen, proposal=published, kind="nonsense")
    with pytest.raises(ValidationError):
        report_create(reporter=citizen, proposal=published, kind="other", details="   ")
    with pytest.raises(ValidationError, match="own content"):
        report_create(reporter=other_citizen, proposal=published, kind="abuse")


def test_three_reports_hide_a_comment(published, citizen, settings, verify):
    comment = comment_create(author=citizen, proposal=published, body="Buy cheap watches at my shop.")
    for reporter in verify(*UserFactory.create_batch(3, date_joined=LONG_AGO)):
        report_create(reporter=reporter, proposal=published, comment=comment, kind="spam")
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert ModerationCase.objects.get(comment=comment, status="open").reports.count() == 3


def test_reports_count_per_piece_of_content_never_across_a_proposal_and_its_comments(
    published, citizen, settings, verify
):
    assert settings.MODERATION_REPORT_HIDE_THRESHOLD == 3
    first_comment = comment_create(author=citizen, proposal=published, body="Buy cheap watches at my shop.")
    second_comment = comment_create(author=citizen, proposal=published, body="Districts need open budgets.")
    first, second, third = verify(*UserFactory.create_batch(3, date_joined=LONG_AGO))
    report_create(reporter=first, proposal=published, comment=first_comment, kind="spam")
    report_create(reporter=second, proposal=published, comment=first_comment, kind="spam")
    # A third person reports the proposal and another comment: three people in all, two per piece at most.
    report_create(reporter=third, proposal=published, kind="abuse")
    report_create(reporter=third, proposal=published, comment=second_comment, kind="abuse")
    for comment in (first_comment, second_comment):
        comment.refresh_from_db()
        assert comment.hidden_at is None
    published.refresh_from_db()
    assert published.status == "published"
    report_create(reporter=third, proposal=published, comment=first_comment, kind="spam")
    first_comment.refresh_from_db()
    assert first_comment.hidden_at is not None
    published.refresh_from_db()
    assert published.status == "published"


@pytest.mark.parametrize("status", ["under_review", "responded"])
def test_reports_of_a_proposal_past_publication_reach_a_moderator_but_never_hide_it(status, settings):
    """Only a published proposal is hidden pending review; one the Commission has taken up stays visible
    (the lifecycle has no way from there to hidden) and its reports wait for a moderator."""
    proposal = ProposalFactory(status=status)
    for reporter in UserFactory.create_batch(settings.MODERATION_REPORT_HIDE_THRESHOLD):
        report_create(reporter=reporter, proposal=proposal, kind="abuse")
    proposal.refresh_from_db()
    assert proposal.status == status
    assert ModerationCase.objects.get(proposal=proposal, status="open").reports.count() == 3


@pytest.mark.parametrize("kind", ["spam", "off_topic", "personal_data", "other", "abuse"])
def test_only_an_impersonation_report_jumps_the_queue(published, kind):
    report_create(reporter=UserFactory(), proposal=published, kind=kind, details="See the second paragraph.")
    assert ModerationCase.objects.get(proposal=published, status="open").source == "report"


@needs_concurrent_connections
@pytest.mark.django_db(transaction=True)
def test_reports_arriving_at_the_same_moment_hide_the_proposal_once(verify):
    """Three people report at once, each in their own transaction: the lock on the proposal makes the count
    of distinct reporters and the hiding agree, so it is hidden once, with one case holding all three."""
    proposal = ProposalFactory(status="published")
    # Only verified people's reports count towards hiding, and new accounts together as one.
    reporters = verify(*UserFactory.create_batch(3, date_joined=LONG_AGO))
    start = threading.Barrier(3)
    errors = []

    def report(reporter):
        try:
            start.wait(timeout=30)
            report_create(reporter=reporter, proposal=proposal, kind="abuse")
        except Exception as error:  # noqa: BLE001 - collected and shown by the assert below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(reporter,)) for reporter in reporters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    proposal.refresh_from_db()
    assert proposal.status == "hidden"
    assert ProposalTransition.objects.filter(proposal=proposal, to_status="hidden").count() == 1
    assert ModerationCase.objects.get(proposal=proposal, status="open").reports.count() == 3


def test_content_a_moderator_restored_after_reports_is_not_hidden_again_by_more_reports(
    published, moderator, verify
):
    """A moderator read the reports and restored the proposal: a fourth person's report goes to the queue
    as a new case, and the proposal stays visible until a moderator decides again."""
    first, second, third, fourth = verify(*UserFactory.create_batch(4, date_joined=LONG_AGO))
    for reporter in (first, second, third):
        report_create(reporter=reporter, proposal=published, kind="abuse")
    published.refresh_from_db()
    assert published.status == "hidden"
    case = ModerationCase.objects.get(proposal=published, status="open")
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(case=case, moderator=moderator, decision="approve")
    published.refresh_from_db()
    assert published.status == "published"
    report_create(reporter=fourth, proposal=published, kind="abuse")
    published.refresh_from_db()
    assert published.status == "published"
    assert ProposalTransition.objects.filter(proposal=published, to_status="hidden").count() == 1
    reopened = ModerationCase.objects.get(proposal=published, status="open")
    assert reopened.pk != case.pk and list(reopened.reports.values_list("reporter", flat=True)) == [fourth.pk]


def test_a_proposal_restored_on_appeal_of_a_hiding_on_reports_is_not_hidden_again_by_more_reports(
    published, moderator, second_moderator, other_citizen, verify
):
    first, second, third, fourth = verify(*UserFactory.create_batch(4, date_joined=LONG_AGO))
    for reporter in (first, second, third):
        report_create(reporter=reporter, proposal=published, kind="abuse")
    case = ModerationCase.objects.get(proposal=published, status="open")
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case, moderator=moderator, decision="hide", reason_code="abuse", statement=STATEMENT
    )
    appeal = moderation_appeal(
        proposal=published, author=other_citizen, grounds="Nothing in it insults anyone."
    )
    moderation_case_claim(case=appeal, moderator=second_moderator)
    moderation_decide(case=appeal, moderator=second_moderator, decision="approve", statement=STATEMENT)
    published.refresh_from_db()
    assert published.status == "published"
    report_create(reporter=fourth, proposal=published, kind="abuse")
    published.refresh_from_db()
    assert published.status == "published"


def test_content_a_moderator_restored_on_their_own_initiative_is_not_hidden_by_readers_reports(
    published, moderator, verify
):
    moderation_act(
        moderator=moderator, proposal=published, decision="hide", reason_code="abuse", statement=STATEMENT
    )
    moderation_act(moderator=moderator, proposal=published, decision="approve")
    for reporter in verify(*UserFactory.create_batch(3, date_joined=LONG_AGO)):
        report_create(reporter=reporter, proposal=published, kind="abuse")
    published.refresh_from_db()
    assert published.status == "published"
    assert ModerationCase.objects.get(proposal=published, status="open").reports.count() == 3


def test_a_comment_a_moderator_kept_after_reports_is_not_hidden_by_more_reports(
    published, citizen, moderator, verify
):
    first, second, third = verify(*UserFactory.create_batch(3, date_joined=LONG_AGO))
    comment = keep_reported_comment(
        proposal=published, author=citizen, moderator=moderator, reporters=(first, second)
    )
    report_create(reporter=third, proposal=published, comment=comment, kind="spam")
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_an_approval_at_submission_does_not_shield_a_proposal_from_readers_reports(
    published, moderator, verify
):
    """The moderator who published it after screening saw no reports: three readers' reports still hide it."""
    screening = moderation_case_open(proposal=published)
    moderation_case_claim(case=screening, moderator=moderator)
    moderation_decide(case=screening, moderator=moderator, decision="approve")
    for reporter in verify(*UserFactory.create_batch(3, date_joined=LONG_AGO)):
        report_create(reporter=reporter, proposal=published, kind="abuse")
    published.refresh_from_db()
    assert published.status == "hidden"


def test_voices_already_past_a_lowered_count_hide_the_proposal_at_the_next_report(published, verify):
    """100 supports ask for a fourth voice; once the supports are gone three suffice, and the next report,
    a fourth voice, hides the proposal (more voices than needed hide it as well as exactly enough)."""
    Proposal.objects.filter(pk=published.pk).update(supports_count=100)
    published.refresh_from_db()
    reporters = verify(*UserFactory.create_batch(4, date_joined=LONG_AGO))
    for reporter in reporters[:3]:
        report_create(reporter=reporter, proposal=published, kind="abuse")
    published.refresh_from_db()
    assert published.status == "published"
    Proposal.objects.filter(pk=published.pk).update(supports_count=0)
    published.refresh_from_db()
    report_create(reporter=reporters[3], proposal=published, kind="abuse")
    published.refresh_from_db()
    assert published.status == "hidden"


def test_report_views(client, published, citizen):
    assert client.post(f"/en/proposals/{published.pk}/report/", {"kind": "abuse"}).status_code == 302
    assert not Report.objects.exists()  # anonymous: sent to the login page
    client.force_login(citizen)
    response = client.post(f"/en/proposals/{published.pk}/report/", {"kind": "abuse"}, follow=True)
    assert "Moderators will look at this" in response.content.decode()
    comment = CommentFactory(proposal=published)
    client.post(f"/en/comments/{comment.pk}/report/", {"kind": "spam", "details": "<script>x</script>"})
    assert Report.objects.filter(comment=comment, reporter=citizen, kind="spam").exists()
    response = client.post(f"/en/proposals/{published.pk}/report/", {"kind": "bogus"}, follow=True)
    assert "Choose what is wrong." in response.content.decode()


# --- hiding, restoring, appeals ------------------------------------------------------------------------


def test_a_moderator_hides_published_content_and_the_author_is_told_and_may_appeal_once(
    client, published, other_citizen, moderator, second_moderator, django_capture_on_commit_callbacks
):
    other_citizen.preferred_language = "en"
    other_citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        moderation_act(
            moderator=moderator, proposal=published, decision="hide", reason_code="abuse", statement=STATEMENT
        )
    published.refresh_from_db()
    assert published.status == "hidden"
    assert any(
        STATEMENT in m.body and "appeal" in m.body for m in mail.outbox if m.to == [other_citizen.email]
    )
    client.force_login(other_citizen)
    page = client.get(f"/en/proposals/{published.pk}/").content.decode()
    assert STATEMENT in page and "Appeal this decision" in page
    appeal = moderation_appeal(
        proposal=published, author=other_citizen, grounds="It criticises a policy only."
    )
    assert appeal.source == "appeal" and appeal.priority == 20
    with pytest.raises(PermissionDenied, match="another moderator"):
        moderation_case_claim(case=appeal, moderator=moderator)
    moderation_case_claim(case=appeal, moderator=second_moderator)
    moderation_decide(case=appeal, moderator=second_moderator, decision="approve", statement=STATEMENT)
    published.refresh_from_db()
    assert published.status == "published"
    assert AuditEntry.objects.filter(action="moderation.approve", details__appeal=True).exists()


def test_hide_needs_reasons_and_restore_brings_it_back(published, moderator):
    with pytest.raises(ValidationError):
        moderation_act(
            moderator=moderator, proposal=published, decision="hide", reason_code="abuse", statement="no"
        )
    published.refresh_from_db()
    assert published.status == "published"  # nothing half-done
    moderation_act(
        moderator=moderator, proposal=published, decision="hide", reason_code="abuse", statement=STATEMENT
    )
    moderation_act(moderator=moderator, proposal=published, decision="approve")
    published.refresh_from_db()
    assert published.status == "published"


def test_a_moderator_hides_a_reported_comment_keeps_another_and_restores_the_first(
    published, citizen, moderator
):
    """A hidden comment leaves the proposal's count of comments, one less; restored, it is counted again."""
    hidden, kept = (
        comment_create(author=citizen, proposal=published, body=body)
        for body in ("Buy cheap watches at my shop.", "Districts need open budgets.")
    )
    published.refresh_from_db()
    assert published.comments_count == 2
    for comment, decision in ((hidden, "hide"), (kept, "approve")):
        report_create(reporter=UserFactory(), proposal=published, comment=comment, kind="spam")
        case = ModerationCase.objects.get(comment=comment, status="open")
        moderation_case_claim(case=case, moderator=moderator)
        moderation_decide(
            case=case, moderator=moderator, decision=decision, reason_code="spam", statement=STATEMENT
        )
    hidden.refresh_from_db()
    kept.refresh_from_db()
    assert hidden.hidden_at is not None and kept.hidden_at is None
    published.refresh_from_db()
    assert published.comments_count == 1
    moderation_act(moderator=moderator, proposal=published, comment=hidden, decision="approve")
    hidden.refresh_from_db()
    published.refresh_from_db()
    assert hidden.hidden_at is None and published.comments_count == 2


def test_content_act_view_is_for_moderators_only(client, published, citizen, moderator):
    data = {"decision": "hide", "reason_code": "abuse", "statement": STATEMENT}
    url = f"/en/moderation/proposals/{published.pk}/act/"
    assert client.post(url, data).status_code == 302  # anonymous → login
    client.force_login(citizen)
    assert client.post(url, data).status_code == 403
    published.refresh_from_db()
    assert published.status == "published"
    give_totp(moderator)
    client.force_login(moderator)
    client.post(url, data)
    published.refresh_from_db()
    assert published.status == "hidden"


# --- blocks --------------------------------------------------------------------------------------------


def test_a_blocked_person_reads_but_cannot_comment_support_report_or_submit(
    client, published, citizen, moderator, consultation, verify
):
    from proposals.services.proposal import ProposalInput, proposal_draft_save

    verify(citizen)
    account_services.account_block(user=citizen, blocked_by=moderator, days=7, reason=STATEMENT)
    citizen.refresh_from_db()
    citizen.__dict__.pop("_portal_blocked", None)
    with pytest.raises(PermissionDenied):
        comment_create(author=citizen, proposal=published, body="Hello")
    with pytest.raises(PermissionDenied):
        report_create(reporter=citizen, proposal=published, kind="spam")
    with pytest.raises(PermissionDenied):
        proposal_draft_save(
            author=citizen,
            consultation=consultation,
            data=ProposalInput(title="T", summary="S", body="B", language="en"),
        )
    client.force_login(citizen)
    page = client.get(f"/en/proposals/{published.pk}/").content.decode()
    assert "Your account is blocked for now" in page
    from portal.notifications.models import Notification

    assert Notification.objects.filter(recipient=citizen, kind="account.blocked").exists()


def test_a_block_ends_and_can_be_lifted(citizen, moderator):
    from portal.accounts.models import AccountBlock
    from portal.accounts.permissions import is_blocked

    account_services.account_block(user=citizen, blocked_by=moderator, days=1, reason=STATEMENT)
    assert is_blocked(citizen)
    AccountBlock.objects.update(blocked_until=timezone.now() - timedelta(seconds=1))
    citizen.__dict__.pop("_portal_blocked", None)
    assert not is_blocked(citizen)
    account_services.account_block(user=citizen, blocked_by=moderator, days=1, reason=STATEMENT)
    assert account_services.account_unblock(user=citizen, lifted_by=moderator) == 1
    assert not is_blocked(citizen)


def test_only_moderators_block_and_never_staff(citizen, other_citizen, moderator, second_moderator):
    with pytest.raises(PermissionDenied):
        account_services.account_block(user=other_citizen, blocked_by=citizen, days=3, reason=STATEMENT)
    with pytest.raises(PermissionDenied):
        account_services.account_block(user=second_moderator, blocked_by=moderator, days=3, reason=STATEMENT)
    with pytest.raises(ValidationError):
        account_services.account_block(user=other_citizen, blocked_by=moderator, days=3, reason="short")


def test_block_view(client, citizen, moderator):
    proposal = ProposalFactory(author=citizen, status="in_moderation")
    case = moderation_case_open(proposal=proposal)
    url = f"/en/moderation/cases/{case.pk}/block/"
    client.force_login(citizen)
    assert client.post(url, {"days": 3, "reason": STATEMENT}).status_code == 403
    give_totp(moderator)
    client.force_login(moderator)
    assert client.post(url, {"days": 0, "reason": STATEMENT}).status_code == 400
    assert client.post(url, {"days": 3, "reason": STATEMENT}).status_code == 302
    assert citizen.blocks.count() == 1


# --- bulk ----------------------------------------------------------------------------------------------


def test_bulk_rejection_skips_a_case_held_by_a_colleague(moderator, second_moderator):
    proposals = ProposalFactory.create_batch(3, status="in_moderation")
    cases = [moderation_case_open(proposal=p) for p in proposals]
    moderation_case_claim(case=cases[2], moderator=second_moderator)
    outcome = moderation_decide_bulk(
        case_ids=[c.pk for c in cases],
        moderator=moderator,
        decision="reject",
        reason_code="spam",
        statement="Advertising for a shop, not a proposal about the draft.",
    )
    assert outcome.decided == [cases[0].pk, cases[1].pk]
    assert "Moderator Asel" in outcome.skipped[cases[2].pk]
    assert list(
        Proposal.objects.filter(pk__in=[p.pk for p in proposals])
        .order_by("pk")
        .values_list("status", flat=True)
    ) == [
        "rejected",
        "rejected",
        "in_moderation",
    ]


def test_bulk_view_reports_what_was_not_decided(client, moderator):
    proposals = ProposalFactory.create_batch(2, status="in_moderation")
    cases = [moderation_case_open(proposal=p) for p in proposals]
    give_totp(moderator)
    client.force_login(moderator)
    response = client.post(
        "/en/moderation/cases/bulk/",
        {"cases": [c.pk for c in cases], "decision": "reject", "reason_code": "spam", "statement": "short"},
        follow=True,
    )
    html = response.content.decode()
    assert "not decided" in html and "20 characters" in html
    assert Proposal.objects.filter(status="in_moderation").count() == 2
    client.post(
        "/en/moderation/cases/bulk/",
        {"cases": [c.pk for c in cases], "decision": "approve"},
    )
    assert Proposal.objects.filter(status="published").count() == 2


# --- queue ---------------------------------------------------------------------------------------------


def test_queue_filters_by_type_language_risk_age_and_marks_overdue(client, moderator, published, settings):
    kk = ProposalFactory(status="in_moderation", language="kk", title="Kazakh text")
    case_kk = moderation_case_open(proposal=kk)
    ModerationCase.objects.filter(pk=case_kk.pk).update(
        risk_score=0.9, created_at=timezone.now() - timedelta(days=3)
    )
    comment = CommentFactory(proposal=published, body="x")
    moderation_case_open(proposal=published, comment=comment, source="report", reasons=["report_spam"])

    def titles(**filters):
        return [c.pk for c in queue_cases(QueueFilters(**filters))]

    assert titles(kind="comment") == [ModerationCase.objects.get(comment=comment).pk]
    assert titles(kind="proposal") == [case_kk.pk]
    assert titles(language="kk") == [case_kk.pk]
    assert titles(min_risk=0.5) == [case_kk.pk]
    assert titles(min_age_days=2) == [case_kk.pk]
    assert titles(reason="report") == [ModerationCase.objects.get(comment=comment).pk]

    settings.MODERATION_OVERDUE_DAYS = 2
    give_totp(moderator)
    client.force_login(moderator)
    html = client.get("/en/moderation/?kind=proposal").content.decode()
    assert "overdue" in html and "Kazakh text" in html
    assert "Report: Spam or advertising" in client.get("/en/moderation/?kind=comment").content.decode()
    settings.MODERATION_OVERDUE_DAYS = 7
    assert "overdue" not in client.get("/en/moderation/?kind=proposal").content.decode()


# --- transparency and audit ----------------------------------------------------------------------------


def test_transparency_counts_decisions_appeals_and_reversals(client, moderator, second_moderator, citizen):
    proposal = ProposalFactory(author=citizen, status="in_moderation")
    case = moderation_case_open(proposal=proposal)
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case, moderator=moderator, decision="reject", reason_code="abuse", statement=STATEMENT
    )
    appeal = moderation_appeal(proposal=proposal, author=citizen, grounds="It is a fair criticism.")
    moderation_case_claim(case=appeal, moderator=second_moderator)
    moderation_decide(case=appeal, moderator=second_moderator, decision="approve", statement=STATEMENT)
    report = transparency_report()
    assert report.decided == 2 and report.appeals == 1 and report.reversals == 1
    assert dict(report.by_reason) == {"abuse": 1}
    assert report.columns[:2] == ["approved", "personal_data"]
    assert [counts for _week, counts in report.by_week if counts] == [{"abuse": 1, "approved": 1}]
    html = client.get("/en/transparency/moderation/").content.decode()
    assert "Decisions reversed on appeal" in html and "Abusive or hateful language" in html
    assert "Decisions per week and reason" in html and "Approved or kept" in html
    assert moderator.display_name not in html and citizen.display_name not in html


@pytest.mark.parametrize(
    ("persona", "status"), [(None, 302), ("citizen", 403), ("moderator", 403), ("admin_user", 200)]
)
def test_audit_log_is_for_admins(client, request, persona, status):
    if persona:
        user = request.getfixturevalue(persona)
        give_totp(user)
        client.force_login(user)
    assert client.get("/en/staff/audit/").status_code == status


def test_audit_log_filters(client, admin_user, moderator, published):
    moderation_act(
        moderator=moderator, proposal=published, decision="hide", reason_code="abuse", statement=STATEMENT
    )
    give_totp(admin_user)
    client.force_login(admin_user)
    html = client.get(f"/en/staff/audit/?action=moderation.&actor={moderator.pk}").content.decode()
    assert "moderation.hide" in html
    assert "moderation.hide" not in client.get("/en/staff/audit/?action=account.").content.decode()
    assert client.get("/en/staff/audit/?since=yesterday").status_code == 400


def test_a_block_lasts_from_one_day_to_a_year(citizen, moderator):
    for days in (0, 366):
        with pytest.raises(ValidationError):
            account_services.account_block(user=citizen, blocked_by=moderator, days=days, reason=STATEMENT)
    for days in (1, 365):
        account_services.account_unblock(user=citizen, lifted_by=moderator)
        block = account_services.account_block(
            user=citizen, blocked_by=moderator, days=days, reason=STATEMENT
        )
        assert (
            timedelta(days=days) - timedelta(minutes=1)
            < block.blocked_until - timezone.now()
            <= timedelta(days=days)
        )
