"""What an auditor reads of moderation and of the Commission's answers, with nothing to press; and the trace
a hiding by readers' reports leaves, as a moderator's hiding does."""

import pytest
from django.urls import reverse

from portal.accounts import services as account_services
from portal.core.models import AuditEntry
from portal.core.roles import Role
from proposals.models import ModerationCase
from proposals.services.comment import comment_create
from proposals.services.moderation import moderation_case_claim, moderation_decide
from proposals.services.reader_report import report_create
from proposals.services.response import commission_note_add
from proposals.services.response_approval import response_return, response_submit
from tests.factories import UserFactory

from .factories import ProposalFactory
from .moderation_helpers import LONG_AGO, STATEMENT
from .response_helpers import draft_answer

pytestmark = pytest.mark.django_db


def _kk(name, **kwargs):
    return reverse(name, kwargs=kwargs or None).replace("/en/", "/kk/", 1)


def test_a_comment_hidden_by_readers_reports_leaves_an_entry_in_the_audit_log(published, citizen, verify):
    comment = comment_create(author=citizen, proposal=published, body="Buy cheap watches at my shop.")
    for reporter in verify(*UserFactory.create_batch(3, date_joined=LONG_AGO)):
        report_create(reporter=reporter, proposal=published, comment=comment, kind="spam")
    case = ModerationCase.objects.get(comment=comment, status="open")
    entry = AuditEntry.objects.get(action="moderation.hidden_by_reports")
    assert entry.actor is None
    assert (entry.target_type, entry.target_id) == ("proposals.comment", str(comment.pk))
    assert entry.details == {"case": case.pk, "voices": 3}


def test_a_proposal_hidden_by_readers_reports_leaves_an_entry_too(published, verify):
    for reporter in verify(*UserFactory.create_batch(3, date_joined=LONG_AGO)):
        report_create(reporter=reporter, proposal=published, kind="abuse")
    entry = AuditEntry.objects.get(action="moderation.hidden_by_reports")
    assert (entry.target_type, entry.target_id) == ("proposals.proposal", str(published.pk))


def test_an_auditor_reads_the_hiding_in_words(staff_client, auditor, published, citizen, verify):
    comment = comment_create(author=citizen, proposal=published, body="Buy cheap watches at my shop.")
    for reporter in verify(*UserFactory.create_batch(3, date_joined=LONG_AGO)):
        report_create(reporter=reporter, proposal=published, comment=comment, kind="spam")
    log = staff_client(auditor).get("/ru/staff/audit/?action=moderation.").content.decode()
    assert "Скрыто после жалоб читателей до решения модератора" in log
    assert "Независимые подтверждённые заявители: 3" in log


def test_an_auditor_reads_the_queue_and_a_decided_case_without_a_button(
    staff_client, auditor, moderator, published
):
    open_case = ModerationCase.objects.create(proposal=ProposalFactory(), source="report")
    decided = ModerationCase.objects.create(proposal=published, source="report")
    moderation_case_claim(case=decided, moderator=moderator)
    moderation_decide(
        case=decided, moderator=moderator, decision="hide", reason_code="abuse", statement=STATEMENT
    )
    client = staff_client(auditor)
    queue = client.get(_kk("moderation_queue"))
    html = queue.content.decode()
    assert queue.status_code == 200 and _kk("moderation_case", pk=open_case.pk) in html
    assert "moderation_case_bulk" not in html and 'name="cases"' not in html
    assert 'name="mine"' not in html  # an auditor claims no case
    assert reverse("moderation_case_bulk").replace("/en/", "/kk/") not in html
    case = client.get(_kk("moderation_case", pk=decided.pk)).content.decode()
    assert STATEMENT in case and "Moderator Dana" in case
    for action in ("moderation_case_claim", "moderation_case_decide", "moderation_account_block"):
        assert _kk(action, pk=decided.pk) not in case
    # The link to the proposal's page leads somewhere: a hidden proposal's page says what happened.
    link = published.get_absolute_url().replace("/en/", "/kk/", 1)
    assert f'href="{link}"' in case and client.get(link).status_code == 200
    opened = client.get(_kk("moderation_case", pk=open_case.pk)).content.decode()
    assert _kk("moderation_case_claim", pk=open_case.pk) not in opened
    assert "Ашық: әзірге бірде-бір модератор шешім қабылдаған жоқ." in opened


def test_a_moderator_still_has_every_button(staff_client, moderator):
    case = ModerationCase.objects.create(proposal=ProposalFactory(), source="report")
    client = staff_client(moderator)
    assert 'name="cases"' in client.get(_kk("moderation_queue")).content.decode()
    assert (
        _kk("moderation_case_claim", pk=case.pk)
        in client.get(_kk("moderation_case", pk=case.pk)).content.decode()
    )


def test_an_auditor_reads_the_four_eyes_record_and_the_notes_of_an_answer(
    staff_client, auditor, commissioner, published
):
    second = UserFactory(display_name="Commissioner Aliya")
    account_services.user_grant_role(user=second, role=Role.COMMISSION, granted_by=None)
    response = draft_answer(published, commissioner)
    response_submit(response=response, actor=commissioner)
    response_return(response=response, reviewer=second, note="Name the article the answer changes.")
    commission_note_add(proposal=published, author=second, body="The ministry asked for a week.")
    client = staff_client(auditor)
    queue = client.get("/ru/staff/commission/").content.decode()
    assert reverse("commission_work", kwargs={"pk": published.pk}).replace("/en/", "/ru/") in queue
    assert 'name="proposals"' not in queue and "commission_assign" not in queue
    page = client.get(reverse("commission_work", kwargs={"pk": published.pk}).replace("/en/", "/ru/"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Commissioner Aliya" in html and "Name the article the answer changes." in html
    assert (
        "The ministry asked for a week." in html
        and "Эти заметки видят только члены Комиссии и аудиторы." in html
    )
    assert 'method="post"' not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_audit_log_leads_to_the_case_the_proposal_and_the_person_it_names(
    staff_client, auditor, moderator, published
):
    case = ModerationCase.objects.create(proposal=published, source="report")
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case, moderator=moderator, decision="hide", reason_code="abuse", statement=STATEMENT
    )
    account_services.user_grant_role(user=published.author, role=Role.COMMISSION, granted_by=None)
    client = staff_client(auditor)
    log = client.get("/kk/staff/audit/").content.decode()
    for url in (
        _kk("moderation_case", pk=case.pk),
        _kk("commission_work", pk=published.pk),
        _kk("staff_person", pk=published.author_id),
    ):
        assert f'href="{url}"' in log
        assert client.get(url).status_code == 200, url
