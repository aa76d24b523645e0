"""The streamed open-data files carry an ETag and a Last-Modified, so that a nightly mirror downloads only what
changed: sent back, either is answered 304 without the file being read, and any change a row of the file
shows gives a new ETag and a later Last-Modified."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from portal.accounts import privacy
from portal.accounts.models import User
from proposals.models import Proposal, ProposalStatus
from proposals.selectors import commitment as commitment_selectors
from proposals.services.comment import comment_create
from proposals.services.document import document_version_import, document_version_publish
from proposals.services.proposal import proposal_transition
from proposals.services.response import (
    ResponseCorrection,
    ResponseInput,
    response_correct,
    response_draft_save,
)
from proposals.services.response_approval import response_recall, response_return, response_submit
from proposals.services.support import support_add, support_withdraw
from tests.factories import UserFactory

from .commitment_helpers import adopted_change, post, record
from .factories import ProposalFactory, publish_response

pytestmark = pytest.mark.django_db

STREAMED = (
    "proposals.csv",
    "proposals.json",
    "commitments.csv",
    "commitments.json",
    "commitment-updates.csv",
    "commitment-updates.json",
)


@pytest.fixture
def change(consultation, commissioner, second_commissioner):
    change = adopted_change(consultation, drafter=commissioner, approver=second_commissioner)
    post(record(change, commissioner), commissioner, to_status="in_progress", progress=10)
    return change


def _get(client, name, **headers):
    answer = client.get(f"/open-data/{name}", headers=headers)
    if answer.streaming:
        b"".join(answer.streaming_content)
    return answer


@pytest.mark.parametrize("name", STREAMED)
def test_a_streamed_file_answers_304_to_its_etag_or_its_last_modified(client, change, name):
    first = _get(client, name)
    assert first.status_code == 200 and first.streaming
    assert first["ETag"].startswith('"') and first["Last-Modified"]
    for headers in ({"If-None-Match": first["ETag"]}, {"If-Modified-Since": first["Last-Modified"]}):
        again = client.get(f"/open-data/{name}", headers=headers)
        assert again.status_code == 304, headers
        assert again["ETag"] == first["ETag"] and not again.content
    head = client.head(f"/open-data/{name}")
    assert (head["ETag"], head["Last-Modified"]) == (first["ETag"], first["Last-Modified"])
    one = _get(client, f"{name}?consultation={change.consultation.slug}")
    assert (
        one["ETag"]
        and client.get(
            f"/open-data/{name}?consultation={change.consultation.slug}",
            headers={"If-None-Match": one["ETag"]},
        ).status_code
        == 304
    )
    assert client.get(f"/open-data/{name}?consultation=unknown").status_code == 404


def test_a_revalidation_reads_no_row_of_the_file(client, change, django_assert_max_num_queries):
    for _extra in range(30):
        ProposalFactory(consultation=change.consultation, supports_count=2)
    etag = _get(client, "proposals.json")["ETag"]
    with mock.patch("proposals.views.open_data.open_data_rows") as rows, django_assert_max_num_queries(12):
        assert client.get("/open-data/proposals.json", headers={"If-None-Match": etag}).status_code == 304
    rows.assert_not_called()


def _changes_version(client, names, make_change):
    before = {name: _get(client, name) for name in names}
    make_change()
    for name, answer in before.items():
        after = _get(client, name, **{"If-None-Match": answer["ETag"]})
        assert after.status_code == 200, name
        assert after["ETag"] != answer["ETag"], name
        by_date = client.get(f"/open-data/{name}", headers={"If-Modified-Since": answer["Last-Modified"]})
        assert by_date.status_code == 200, name


PROPOSAL_FILES = ("proposals.csv", "proposals.json")


@pytest.mark.parametrize("status", [ProposalStatus.UNDER_REVIEW, ProposalStatus.HIDDEN])
def test_a_status_change_or_a_hidden_proposal_gives_the_proposals_file_a_new_version(client, change, status):
    proposal = ProposalFactory(consultation=change.consultation)
    _changes_version(
        client, PROPOSAL_FILES, lambda: proposal_transition(proposal=proposal, to_status=status, actor=None)
    )


def test_a_published_answer_gives_the_proposals_file_a_new_version(
    client, change, commissioner, second_commissioner
):
    proposal = ProposalFactory(consultation=change.consultation)
    _changes_version(
        client,
        PROPOSAL_FILES,
        lambda: publish_response(proposal, drafter=commissioner, approver=second_commissioner),
    )


def test_an_erased_author_taking_their_proposal_back_gives_a_new_version(client, change):
    author = UserFactory()
    ProposalFactory(consultation=change.consultation, author=author)

    def erase():
        privacy.account_deletion_request(user=author, requested_by=author, withdraw_content=True)
        User.objects.filter(pk=author.pk).update(deletion_due_at=timezone.now() - timedelta(seconds=1))
        assert privacy.account_erase(user_id=author.pk)

    _changes_version(client, PROPOSAL_FILES, erase)
    assert Proposal.objects.get(author=author).status == ProposalStatus.WITHDRAWN


def test_a_support_or_its_withdrawal_gives_a_new_version(client, change, verify):
    supporter = UserFactory()
    verify(supporter)
    _changes_version(client, PROPOSAL_FILES, lambda: support_add(user=supporter, proposal=change.proposal))
    _changes_version(
        client, PROPOSAL_FILES, lambda: support_withdraw(user=supporter, proposal=change.proposal)
    )


def test_a_comment_moved_from_one_proposal_to_another_count_gives_a_new_version(client, change):
    """One proposal's count going down while another's goes up leaves the sum of counts as it was."""
    other = ProposalFactory(consultation=change.consultation, comments_count=1)

    def move():
        Proposal.objects.filter(pk=other.pk).update(comments_count=0)
        Proposal.objects.filter(pk=change.proposal.pk).update(comments_count=1)

    _changes_version(client, PROPOSAL_FILES, move)
    _changes_version(
        client,
        PROPOSAL_FILES,
        lambda: comment_create(proposal=change.proposal, author=UserFactory(), body="Agreed."),
    )


def test_an_update_or_a_new_day_gives_the_commitment_files_a_new_version(
    client, change, commissioner, monkeypatch
):
    commitment = change.response.commitments.get()
    _changes_version(
        client,
        ("commitments.csv", "commitments.json", "commitment-updates.json"),
        lambda: post(commitment, commissioner, progress=50),
    )
    tomorrow = commitment_selectors.today() + timedelta(days=1)
    _changes_version(
        client,
        ("commitments.json",),
        lambda: monkeypatch.setattr(commitment_selectors, "today", lambda: tomorrow),
    )


def test_spellings_of_an_address_share_one_stored_moment_that_expires(client, change):
    """The moment a version was first served is kept once per file and consultation, for a while: each
    spelling of the address (a parameter repeated, percent-encoded) kept an entry of its own for good."""
    slug = change.consultation.slug
    spellings = [
        f"proposals.json?consultation={slug}",
        f"proposals.json?consultation={slug}&consultation={slug}",
        f"proposals.json?consultation={slug}&",
        f"proposals.json?consultation=%{ord(slug[0]):02X}{slug[1:]}",
    ]
    with mock.patch("proposals.views.open_data.cache") as cache:
        cache.get.return_value = None
        answers = [_get(client, name) for name in spellings]
    assert {answer.status_code for answer in answers} == {200}
    keys = {call.args[0] for call in cache.set.call_args_list}
    assert len(keys) == 1, keys
    assert all(call.args[2] is not None for call in cache.set.call_args_list)


def test_the_commissions_work_on_an_unpublished_answer_leaves_the_proposals_file_as_it_was(
    client, change, commissioner, second_commissioner
):
    """Drafting, sending, returning and taking back an answer show in no file: a version that moved with each
    told whoever polled it when the Commission deliberated, and sent mirrors a file that had not changed."""
    proposal = ProposalFactory(consultation=change.consultation, status=ProposalStatus.PUBLISHED)
    before = {name: _get(client, name)["ETag"] for name in PROPOSAL_FILES}
    text = ResponseInput(status="accepted", reasoning_en="Agreed.", article_ids=(change.article.pk,))
    draft = response_draft_save(proposal=proposal, author=commissioner, data=text)
    response_submit(response=draft, actor=commissioner)
    response_return(response=draft, reviewer=second_commissioner, note="Name the article.")
    response_submit(response=draft, actor=commissioner)
    response_recall(response=draft, actor=commissioner)
    for name, etag in before.items():
        assert client.get(f"/open-data/{name}", headers={"If-None-Match": etag}).status_code == 304, name


def test_a_correction_of_a_published_answer_gives_the_proposals_file_a_new_version(
    client, change, commissioner
):
    correction = ResponseCorrection(
        reason="No version carries the change yet.", article_ids=(change.article.pk,)
    )
    _changes_version(
        client,
        PROPOSAL_FILES,
        lambda: response_correct(response=change.response, actor=commissioner, data=correction),
    )


def test_a_draft_version_imported_leaves_the_proposals_file_as_it_was_until_it_is_published(client, change):
    """Staff preparing the next text of a document is not yet public: the file's version told of it."""
    before = {name: _get(client, name)["ETag"] for name in PROPOSAL_FILES}
    source = {"en": ("next.md", "# 1. Rights\n## 1. Article 1 {#article-1}\n1. A next text.")}
    draft = document_version_import(
        document=change.article.document, labels={"en": "Next draft"}, sources=source, imported_by=None
    )
    for name, etag in before.items():
        assert client.get(f"/open-data/{name}", headers={"If-None-Match": etag}).status_code == 304, name
    _changes_version(client, PROPOSAL_FILES, lambda: document_version_publish(version=draft, actor=None))
