"""Screening in the database: near-duplicates and campaigns (MinHash/LSH), bursts, comments, the policy."""

import pytest
from django.core.exceptions import PermissionDenied

from portal.accounts.services import account_block
from proposals.detectors.minhash import BANDS, band_buckets, signature
from proposals.models import Comment, DuplicateBand, ModerationCase, Proposal
from proposals.services.comment import comment_create, comment_edit
from proposals.services.moderation import moderation_case_claim, moderation_decide
from proposals.services.proposal import ProposalInput, proposal_draft_save, proposal_submit
from proposals.services.screening import comment_screen
from tests.factories import UserFactory

from .factories import CommentFactory, ProposalFactory

pytestmark = pytest.mark.django_db

# About a hundred words: one changed word moves the 3-gram similarity to about 0.94, a changed sentence
# to about 0.8.
LONG = (
    "Local councils should approve local budgets after an open hearing in every district. The akim "
    "presents the draft budget at least thirty days before the vote, and every resident may send written "
    "remarks. The council publishes all remarks with the answers of the akimat. A budget approved without "
    "a hearing is void. Citizens may ask the audit commission to check any line of the budget, and the "
    "commission answers within sixty days. The results of every audit are published in full on the "
    "website of the council, in Kazakh and in Russian, together with the list of measures taken by the "
    "akimat and the deadlines for each measure."
)


def _submit(consultation, body, capture, *, author=None, ip=None, title="Budgets to councils"):
    author = author or UserFactory()
    draft = proposal_draft_save(
        author=author,
        consultation=consultation,
        data=ProposalInput(title=title, summary="Councils approve budgets.", body=body, language="en"),
    )
    with capture(execute=True):
        proposal_submit(proposal=draft, author=author, ip=ip)
    return Proposal.objects.get(pk=draft.pk)


def test_screening_indexes_the_signature_in_bands(consultation, django_capture_on_commit_callbacks):
    proposal = _submit(consultation, LONG, django_capture_on_commit_callbacks)
    assert proposal.status == "published" and proposal.minhash
    assert DuplicateBand.objects.filter(proposal=proposal).count() == BANDS


def test_a_near_identical_text_from_another_person_joins_the_campaign(
    consultation, django_capture_on_commit_callbacks
):
    original = _submit(consultation, LONG, django_capture_on_commit_callbacks)
    copy = _submit(consultation, LONG.replace("thirty", "forty"), django_capture_on_commit_callbacks)
    original.refresh_from_db()
    assert copy.cluster_of_id == original.pk and original.cluster_size == 2
    assert copy.status == "published"


def test_a_similar_but_different_text_is_flagged_as_a_possible_duplicate_and_can_be_merged(
    consultation, moderator, django_capture_on_commit_callbacks
):
    original = _submit(consultation, LONG, django_capture_on_commit_callbacks)
    reworded = LONG.replace(
        "A budget approved without a hearing is void.", "Without a hearing no budget may be approved at all."
    ).replace("sixty", "ninety")
    similar = _submit(consultation, reworded, django_capture_on_commit_callbacks)
    assert similar.cluster_of_id is None and similar.status == "in_moderation"
    case = ModerationCase.objects.get(proposal=similar, status="open")
    assert case.reasons == ["near_duplicate"]
    assert case.findings[0]["excerpt"].startswith(f"#{original.pk} (")
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(
        case=case,
        moderator=moderator,
        decision="merge",
        reason_code="duplicate",
        statement="The same proposal is already published; its supports and answer count for both.",
        merge_into=original,
    )
    similar.refresh_from_db()
    assert similar.status == "merged" and similar.merged_into_id == original.pk


def test_an_unrelated_text_is_not_a_duplicate(consultation, django_capture_on_commit_callbacks):
    _submit(consultation, LONG, django_capture_on_commit_callbacks)
    other = _submit(
        consultation,
        "Judges of the Supreme Court should be elected by the Senate for a single term of ten years, "
        "and their asset declarations should be published every year.",
        django_capture_on_commit_callbacks,
    )
    assert other.status == "published" and other.cluster_of_id is None


def test_a_burst_from_one_account_is_queued(
    consultation, citizen, settings, django_capture_on_commit_callbacks
):
    settings.MODERATION_BURST_PER_ACCOUNT = 3
    results = [
        _submit(
            consultation,
            f"Proposal number {n} about topic {n * 7}.",
            django_capture_on_commit_callbacks,
            author=citizen,
            title=f"Idea {n}",
        )  # fmt: skip
        for n in range(4)
    ]
    assert [p.status for p in results] == ["published"] * 3 + ["in_moderation"]
    assert "burst_account" in ModerationCase.objects.get(proposal=results[-1]).reasons


def test_a_burst_from_one_address_is_queued(consultation, settings, django_capture_on_commit_callbacks):
    settings.MODERATION_BURST_PER_ADDRESS = 2
    results = [
        _submit(
            consultation,
            f"Different idea {n} on article {n}.",
            django_capture_on_commit_callbacks,
            ip="203.0.113.9",
            title=f"Idea {n}",
        )  # fmt: skip
        for n in range(3)
    ]
    assert [p.status for p in results] == ["published", "published", "in_moderation"]
    assert results[0].submission_ip == "203.0.113.9"
    assert "burst_address" in ModerationCase.objects.get(proposal=results[-1]).reasons


def test_review_all_policy_set_on_the_consultation_queues_clean_proposals(
    consultation, django_capture_on_commit_callbacks
):
    consultation.moderation_policy = "review_all"
    consultation.save()
    proposal = _submit(consultation, LONG, django_capture_on_commit_callbacks)
    assert proposal.status == "in_moderation"
    assert ModerationCase.objects.get(proposal=proposal).reasons == []


# --- comments ------------------------------------------------------------------------------------------


def test_an_abusive_comment_is_hidden_pending_review_and_restored_on_approval(
    published, citizen, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        clean = comment_create(author=citizen, proposal=published, body="A reasoned remark on the budget.")
        abusive = comment_create(author=citizen, proposal=published, body="Only an idiot would write this.")
    clean.refresh_from_db()
    abusive.refresh_from_db()
    assert clean.screened_at and clean.hidden_at is None
    assert abusive.hidden_at is not None
    published.refresh_from_db()
    assert published.comments_count == 1
    case = ModerationCase.objects.get(comment=abusive)
    assert case.kind == "comment" and case.reasons == ["abuse"]
    moderation_case_claim(case=case, moderator=moderator)
    moderation_decide(case=case, moderator=moderator, decision="approve")
    abusive.refresh_from_db()
    published.refresh_from_db()
    assert abusive.hidden_at is None and published.comments_count == 2


def test_an_edited_comment_is_screened_again(published, citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(author=citizen, proposal=published, body="Fine words.")
    with django_capture_on_commit_callbacks(execute=True):
        comment_edit(comment=comment, editor=citizen, body="Fine words, you moron.")
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert ModerationCase.objects.filter(comment=comment, status="open").exists()


def test_a_blocked_author_cannot_rewrite_a_comment_in_its_edit_window(published, citizen, moderator):
    """A block stops new text: an edit of a comment posted just before the block is new text too."""
    comment = comment_create(author=citizen, proposal=published, body="Fine words.")
    account_block(user=citizen, blocked_by=moderator, days=3, reason="Insults in several comments today.")
    citizen.__dict__.pop("_portal_blocked", None)
    with pytest.raises(PermissionDenied, match="blocked"):
        comment_edit(comment=comment, editor=citizen, body="Now something else entirely.")
    comment.refresh_from_db()
    assert comment.body == "Fine words." and comment.edited_at is None


def test_the_sweep_screens_comments_the_broker_missed(published, citizen):
    from datetime import timedelta

    from django.utils import timezone

    from proposals.tasks import screen_unscreened

    comment = CommentFactory(proposal=published, author=citizen, body="You are all idiots.")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    screen_unscreened()  # tasks run in-process in tests
    comment.refresh_from_db()
    assert comment.screened_at and comment.hidden_at
    screen_unscreened()
    assert ModerationCase.objects.filter(comment=comment).count() == 1


def test_a_moderator_decision_on_a_comment_is_hide_or_approve_only(published, citizen, moderator):
    from proposals.services.moderation import allowed_decisions

    comment = CommentFactory(proposal=published, author=citizen)
    from proposals.services.moderation import moderation_case_open

    case = moderation_case_open(proposal=published, comment=comment, source="report", reasons=["report_spam"])
    assert allowed_decisions(case) == ["approve", "hide"]
    moderation_case_claim(case=case, moderator=moderator)
    with pytest.raises(Exception, match="decisions offered"):
        moderation_decide(
            case=case, moderator=moderator, decision="reject", reason_code="spam", statement="x" * 30
        )
    with pytest.raises(PermissionDenied):
        moderation_case_claim(case=case, moderator=citizen)


def test_a_possible_duplicate_alone_is_queued_with_a_risk_of_four_tenths(
    consultation, django_capture_on_commit_callbacks
):
    _submit(consultation, LONG, django_capture_on_commit_callbacks)
    reworded = LONG.replace(
        "A budget approved without a hearing is void.", "Without a hearing no budget may be approved at all."
    ).replace("sixty", "ninety")
    similar = _submit(consultation, reworded, django_capture_on_commit_callbacks)
    case = ModerationCase.objects.get(proposal=similar, status="open")
    assert (case.reasons, case.risk_score) == (["near_duplicate"], 0.4)


def test_a_text_that_shares_a_band_but_little_else_is_not_a_possible_duplicate(
    consultation, django_capture_on_commit_callbacks
):
    # Another published proposal lands in every bucket of the new text while its own words are unrelated:
    # the bands only choose whom to compare with, the similarity decides.
    unrelated = ProposalFactory(
        consultation=consultation,
        status="published",
        minhash=signature("Judges of the Supreme Court should be elected by the Senate for a single term."),
    )
    buckets = band_buckets(signature("Budgets to councils", "Councils approve budgets.", LONG))
    DuplicateBand.objects.bulk_create(
        DuplicateBand(proposal=unrelated, band=band, bucket=bucket) for band, bucket in buckets
    )
    proposal = _submit(consultation, LONG, django_capture_on_commit_callbacks)
    assert proposal.status == "published"
    assert not ModerationCase.objects.filter(proposal=proposal).exists()


def test_screening_a_comment_answers_whether_it_hid_it(published, citizen):
    # Without the on-commit callbacks the comments wait unscreened, as when the broker is down.
    clean = comment_create(author=citizen, proposal=published, body="A reasoned remark on the budget.")
    abusive = comment_create(author=citizen, proposal=published, body="Only an idiot would write this.")
    assert comment_screen(comment=clean) is False
    assert comment_screen(comment=abusive) is True
    assert comment_screen(comment=abusive) is False  # screened once
