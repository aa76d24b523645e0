"""Hidden content and appeals: what a hidden proposal's public page keeps to its author, appeals of a hidden
comment, and reports of content that is already hidden."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from proposals.models import ModerationCase, ProposalTransition, Report
from proposals.services.comment import comment_create, comment_edit
from proposals.services.moderation import (
    comment_set_hidden,
    moderation_act,
    moderation_appeal,
    moderation_case_claim,
    moderation_case_open,
    moderation_decide,
)
from proposals.services.proposal import proposal_transition
from proposals.services.reader_report import report_create
from tests.factories import UserFactory

from .factories import ProposalFactory
from .moderation_helpers import LONG_AGO, STATEMENT, hide_comment, keep_reported_comment

pytestmark = pytest.mark.django_db


def test_the_statement_of_a_hiding_reaches_the_author_but_not_the_public_page(
    client, published, other_citizen, moderator
):
    """The page of a hidden proposal stays public to say so; what the moderator wrote to the author may
    quote what was hidden, so it is not on the public timeline."""
    quoting = (
        "Your text gives the home address of a named official, Abay street 12; that may not be published."
    )
    moderation_act(
        moderator=moderator,
        proposal=published,
        decision="hide",
        reason_code="personal_data",
        statement=quoting,
    )
    public = client.get(f"/en/proposals/{published.pk}/").content.decode()
    assert "Hidden by moderation" in public and "Abay street 12" not in public
    client.force_login(other_citizen)
    assert "Abay street 12" in client.get(f"/en/proposals/{published.pk}/").content.decode()
    case = ModerationCase.objects.get(proposal=published, decision="hide")
    assert case.statement == quoting
    transition = ProposalTransition.objects.get(proposal=published, to_status="hidden")
    assert transition.reason == "" and str(case.pk) in transition.internal_note


def _hidden_comment(*, by, under, moderator, capture):
    """A comment of `by` (who reads English) under a proposal of `under`, hidden by `moderator`; the notice
    of the hiding goes out at once."""
    proposal = ProposalFactory(author=under, status="published")
    comment = comment_create(author=by, proposal=proposal, body="The article forgets small towns.")
    by.preferred_language = "en"
    by.save()
    with capture(execute=True):
        hide_comment(moderator=moderator, proposal=proposal, comment=comment)
    return proposal, comment


def test_the_author_of_a_hidden_comment_appeals_once_from_my_participation(
    client, moderator, second_moderator, citizen, other_citizen, django_capture_on_commit_callbacks
):
    proposal, comment = _hidden_comment(
        by=citizen, under=other_citizen, moderator=moderator, capture=django_capture_on_commit_callbacks
    )
    assert any(
        STATEMENT in m.body
        and "appeal once from My participation" in m.body
        and f"#my-comment-{comment.pk}" in m.body
        for m in mail.outbox
        if m.to == [citizen.email]
    )
    client.force_login(other_citizen)
    assert (
        client.post(f"/en/comments/{comment.pk}/appeal/", {"grounds": "It is a fair criticism."}).status_code
        == 404
    )
    client.force_login(citizen)
    mine = client.get("/en/me/").content.decode()
    assert f'action="/en/comments/{comment.pk}/appeal/"' in mine
    client.post(
        f"/en/comments/{comment.pk}/appeal/", {"grounds": "It criticises the article, nobody in person."}
    )
    appeal = ModerationCase.objects.get(comment=comment, status="open")
    assert appeal.source == "appeal" and appeal.appeal_of.decided_by == moderator
    assert f'action="/en/comments/{comment.pk}/appeal/"' not in client.get("/en/me/").content.decode()
    with pytest.raises(PermissionDenied, match="another moderator"):
        moderation_case_claim(case=appeal, moderator=moderator)
    moderation_case_claim(case=appeal, moderator=second_moderator)
    moderation_decide(case=appeal, moderator=second_moderator, decision="approve", statement=STATEMENT)
    comment.refresh_from_db()
    assert comment.hidden_at is None
    hide_comment(moderator=moderator, proposal=proposal, comment=comment)
    again = moderation_appeal(
        proposal=proposal, comment=comment, author=citizen, grounds="Still fair criticism."
    )
    moderation_case_claim(case=again, moderator=second_moderator)
    moderation_decide(
        case=again, moderator=second_moderator, decision="hide", reason_code="abuse", statement=STATEMENT
    )
    with pytest.raises(ValidationError, match="final"):
        moderation_appeal(
            proposal=proposal, comment=comment, author=citizen, grounds="Please look once more."
        )


def test_a_comment_held_by_screening_or_reports_is_not_appealed_before_a_moderator_decides(
    moderator, citizen, other_citizen
):
    proposal = ProposalFactory(author=other_citizen, status="published")
    comment = comment_create(author=citizen, proposal=proposal, body="A comment held for review.")
    moderation_case_open(proposal=proposal, comment=comment, reasons=["report_abuse"])
    comment_set_hidden(comment=comment, hidden=True)
    with pytest.raises(PermissionDenied):
        moderation_appeal(
            proposal=proposal, comment=comment, author=citizen, grounds="It is a fair criticism."
        )


def test_hidden_content_is_not_reported_and_a_report_never_blocks_the_authors_appeal(
    client, published, other_citizen, moderator, second_moderator, verify
):
    moderation_act(
        moderator=moderator, proposal=published, decision="hide", reason_code="abuse", statement=STATEMENT
    )
    (reader,) = verify(UserFactory(date_joined=LONG_AGO))
    with pytest.raises(ValidationError, match="already hidden"):
        report_create(reporter=reader, proposal=published, kind="spam")
    client.force_login(reader)
    client.post(f"/en/proposals/{published.pk}/report/", {"kind": "spam"})
    assert not Report.objects.filter(proposal=published).exists()
    # A case left open on the content (reported before this rule) becomes the appeal instead of a 500.
    waiting = ModerationCase.objects.create(
        proposal=published,
        source="report",
        priority=10,
        reasons=["report_spam"],
        claimed_by=moderator,
        claimed_at=timezone.now(),
    )
    client.force_login(other_citizen)
    response = client.post(
        f"/en/proposals/{published.pk}/appeal/", {"grounds": "It criticises a policy only."}
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.source == "appeal" and waiting.appeal_of.decision == "hide" and waiting.claimed_by is None
    assert "report_spam" in waiting.reasons
    moderation_case_claim(case=waiting, moderator=second_moderator)
    moderation_decide(case=waiting, moderator=second_moderator, decision="approve", statement=STATEMENT)
    published.refresh_from_db()
    assert published.status == "published"


def test_the_author_reads_a_hidden_comment_as_held_only_while_its_case_is_open(
    client, moderator, citizen, other_citizen
):
    proposal = ProposalFactory(author=other_citizen, status="published")
    held = comment_create(author=citizen, proposal=proposal, body="A comment held for review.")
    moderation_case_open(proposal=proposal, comment=held, reasons=["report_abuse"])
    comment_set_hidden(comment=held, hidden=True)
    decided = comment_create(author=citizen, proposal=proposal, body="A comment a moderator hid.")
    hide_comment(moderator=moderator, proposal=proposal, comment=decided)
    client.force_login(citizen)
    page = client.get(f"/en/proposals/{proposal.pk}/").content.decode()
    held_part = page.split(f'id="comment-{held.pk}"', 1)[1].split("</article>", 1)[0]
    decided_part = page.split(f'id="comment-{decided.pk}"', 1)[1].split("</article>", 1)[0]
    assert "held until a moderator has looked at it" in held_part
    assert "held until" not in decided_part
    assert "A moderator hid your comment" in decided_part and 'href="/en/me/"' in decided_part


# --- the outcome of an appeal, told to its author --------------------------------------------------------

UPHELD = "The text criticises a policy and names no private person; it may stay published."


def _mails_to(person) -> list[str]:
    return [message.body for message in mail.outbox if message.to == [person.email]]


def _hidden_and_appealed(proposal, moderator, second_moderator, capture):
    """The proposal hidden by `moderator` (its author, who reads English, told at once), appealed by its
    author, and the appeal claimed by `second_moderator`."""
    author = proposal.author
    author.preferred_language = "en"
    author.save()
    with capture(execute=True):
        moderation_act(
            moderator=moderator, proposal=proposal, decision="hide", reason_code="abuse", statement=STATEMENT
        )
    appeal = moderation_appeal(proposal=proposal, author=author, grounds="It criticises a policy.")
    moderation_case_claim(case=appeal, moderator=second_moderator)
    return appeal


def test_an_appeal_is_upheld_only_with_reasons_and_its_author_reads_them(
    client, published, other_citizen, moderator, second_moderator, django_capture_on_commit_callbacks
):
    appeal = _hidden_and_appealed(published, moderator, second_moderator, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="at least 20 characters"):
        moderation_decide(case=appeal, moderator=second_moderator, decision="approve")
    published.refresh_from_db()
    assert published.status == "hidden"  # nothing half-done
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(case=appeal, moderator=second_moderator, decision="approve", statement=UPHELD)
    published.refresh_from_db()
    assert published.status == "published"
    # One notice, the appeal's, with its reasons; not a bare "published".
    bodies = _mails_to(other_citizen)
    assert len(bodies) == 1 and "Your appeal was upheld" in bodies[0] and UPHELD in bodies[0]
    # The author's page shows the appeal's answer, not the hiding it reversed, and offers no appeal.
    client.force_login(other_citizen)
    page = client.get(f"/en/proposals/{published.pk}/").content.decode()
    decision = page.split('<div class="message message-warning" role="status">', 1)[1].split("</div>", 1)[0]
    assert "Appeal upheld" in decision and UPHELD in decision
    assert STATEMENT not in page and "Appeal this decision" not in page
    mine = client.get("/en/me/").content.decode()
    assert "Appeal upheld" in mine and UPHELD in mine


def test_an_appeal_not_upheld_is_told_as_final_not_as_a_new_decision_to_appeal(
    client, published, other_citizen, moderator, second_moderator, django_capture_on_commit_callbacks
):
    appeal = _hidden_and_appealed(published, moderator, second_moderator, django_capture_on_commit_callbacks)
    kept = "The text names a private person and calls them a thief; it stays hidden."
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(
            case=appeal, moderator=second_moderator, decision="hide", reason_code="abuse", statement=kept
        )
    bodies = _mails_to(other_citizen)
    assert len(bodies) == 1 and "not upheld" in bodies[0] and "final" in bodies[0] and kept in bodies[0]
    assert "You can appeal" not in bodies[0]
    client.force_login(other_citizen)
    page = client.get(f"/en/proposals/{published.pk}/").content.decode()
    assert "Appeal not upheld" in page and kept in page and "Appeal this decision" not in page


def test_the_outcome_of_a_comment_appeal_reaches_its_author_with_reasons(
    client, moderator, second_moderator, citizen, other_citizen, django_capture_on_commit_callbacks
):
    proposal, comment = _hidden_comment(
        by=citizen, under=other_citizen, moderator=moderator, capture=django_capture_on_commit_callbacks
    )
    appeal = moderation_appeal(proposal=proposal, comment=comment, author=citizen, grounds="Fair criticism.")
    moderation_case_claim(case=appeal, moderator=second_moderator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(case=appeal, moderator=second_moderator, decision="approve", statement=UPHELD)
    comment.refresh_from_db()
    assert comment.hidden_at is None
    bodies = _mails_to(citizen)
    assert len(bodies) == 1 and "restored your comment" in bodies[0] and UPHELD in bodies[0]
    # The appeal is listed on the comment author's page (the proposal is someone else's).
    client.force_login(citizen)
    mine = client.get("/en/me/").content.decode()
    assert "Appeal upheld" in mine and "your comment" in mine


def test_a_comment_edited_after_a_moderator_kept_it_is_hidden_by_reports_again(
    published, citizen, moderator, verify
):
    """Keeping a reported comment judged its text then; an edit within the window is new text."""
    first, second, third = verify(*UserFactory.create_batch(3, date_joined=LONG_AGO))
    comment = keep_reported_comment(
        proposal=published, author=citizen, moderator=moderator, reporters=(first, second)
    )
    comment_edit(comment=comment, editor=citizen, body="Now the text says something else entirely.")
    report_create(reporter=third, proposal=published, comment=comment, kind="abuse")
    comment.refresh_from_db()
    assert comment.hidden_at is not None


def test_the_grounds_of_an_appeal_stay_off_the_public_timeline(
    client, moderator, second_moderator, other_citizen
):
    """The author writes them to a moderator, often about themselves; an upheld appeal publishes the page."""
    rejected = ProposalFactory(author=other_citizen, status="in_moderation")
    case = moderation_case_open(proposal=rejected)
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case, moderator=moderator, decision="reject", reason_code="abuse", statement=STATEMENT
    )
    grounds = "I teach at school 12 in Taraz and quoted a pupil; call me on 8 701 555 12 34."
    appeal = moderation_appeal(proposal=rejected, author=other_citizen, grounds=grounds)
    assert appeal.appeal_grounds == grounds
    moderation_case_claim(case=appeal, moderator=second_moderator)
    moderation_decide(case=appeal, moderator=second_moderator, decision="approve", statement=UPHELD)
    rejected.refresh_from_db()
    assert rejected.status == "published"
    assert "school 12" not in client.get(f"/en/proposals/{rejected.pk}/").content.decode()
    assert not ProposalTransition.objects.filter(proposal=rejected, reason__contains="school 12").exists()


def test_grounds_already_on_timelines_are_taken_off_by_the_migration(other_citizen):
    """Appeals made before the fix left their grounds on the step back to moderation."""
    proposal = ProposalFactory(author=other_citizen, status="published")
    appealed = proposal.transitions.create(
        from_status="rejected", to_status="in_moderation", actor=other_citizen, reason="I teach at school 12."
    )
    rejected = proposal.transitions.create(
        from_status="in_moderation", to_status="rejected", reason=STATEMENT
    )
    import_module("proposals.migrations.0015_appeal_grounds_off_the_timeline").grounds_off_the_timeline(
        apps, None
    )
    appealed.refresh_from_db()
    rejected.refresh_from_db()
    assert (appealed.reason, rejected.reason) == ("", STATEMENT)


def test_what_a_moderator_asked_to_change_stays_off_the_public_timeline(client, moderator, other_citizen):
    """The request was about text nobody else saw, and may quote it; the author reads it in their notices."""
    proposal = ProposalFactory(author=other_citizen, status="in_moderation")
    case = moderation_case_open(proposal=proposal)
    moderation_case_claim(case=case, moderator=moderator)
    asked = "Remove the phone number of your neighbour, 8 701 555 12 34, and send it again."
    moderation_decide(
        case=case,
        moderator=moderator,
        decision="request_changes",
        reason_code="personal_data",
        statement=asked,
    )
    proposal_transition(proposal=proposal, to_status="submitted", actor=other_citizen)
    proposal_transition(proposal=proposal, to_status="published", actor=None)
    assert "555 12 34" not in client.get(f"/en/proposals/{proposal.pk}/").content.decode()
