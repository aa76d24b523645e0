import threading
import time
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, connections
from django.utils import translation
from psycopg.errors import DeadlockDetected

from portal.core import ratelimit
from proposals.models import Proposal, Support, SupportTally
from proposals.selectors.proposal import supports_count_now
from proposals.services import support as support_module
from proposals.services.support import support_add, support_withdraw, supports_fold, supports_reconcile
from proposals.tasks import fold_support_tallies
from tests.factories import UserFactory

from .factories import ProposalFactory, close_intake

pytestmark = pytest.mark.django_db


def test_supporting_twice_counts_once(published, citizen, verify):
    verify(citizen)
    assert support_add(user=citizen, proposal=published) is True
    assert support_add(user=citizen, proposal=published) is False
    published.refresh_from_db()
    assert published.supports_count == 1
    assert Support.objects.filter(proposal=published).count() == 1


def test_withdrawing_support_lowers_the_count(published, citizen, verify):
    verify(citizen)
    support_add(user=citizen, proposal=published)
    assert support_withdraw(user=citizen, proposal=published) is True
    assert support_withdraw(user=citizen, proposal=published) is False
    published.refresh_from_db()
    assert published.supports_count == 0


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("unverified", "Verify your identity"),
        ("own", "your own proposal"),
        ("closed", "intake has ended"),
        ("unpublished", "Only published"),
    ],
)
def test_support_is_refused_with_a_reason(published, citizen, verify, situation, message):
    if situation != "unverified":
        verify(citizen)
    if situation == "own":
        published.author = citizen
        published.save()
    if situation == "closed":
        close_intake(published.consultation)
    if situation == "unpublished":
        published.status = "in_moderation"
        published.save()
    with translation.override("en"), pytest.raises(PermissionDenied, match=message):
        support_add(user=citizen, proposal=published)
    assert not Support.objects.exists()


def test_reconcile_repairs_a_drifted_counter(published, citizen, verify):
    verify(citizen)
    support_add(user=citizen, proposal=published)
    type(published).objects.filter(pk=published.pk).update(supports_count=7)
    assert supports_reconcile() == 1
    published.refresh_from_db()
    assert published.supports_count == 1


def test_reconcile_folds_pending_changes_before_comparing(published, citizen, verify):
    verify(citizen)
    Support.objects.create(user=citizen, proposal=published)
    SupportTally.objects.create(proposal=published, delta=1)  # the +1 of that support, not folded yet
    assert supports_reconcile() == 0
    published.refresh_from_db()
    assert published.supports_count == 1
    assert not SupportTally.objects.exists()


def test_fold_adds_each_pending_change_exactly_once(consultation):
    hot, other = ProposalFactory(consultation=consultation), ProposalFactory(consultation=consultation)
    Proposal.objects.filter(pk=hot.pk).update(supports_count=10)
    for proposal, delta in [(hot, 1), (hot, 1), (hot, 1), (hot, -1), (other, 1)]:
        SupportTally.objects.create(proposal=proposal, delta=delta)
    assert supports_count_now(hot.pk) == 12  # what a supporter sees before the fold
    assert supports_fold() == 5
    assert supports_fold() == 0
    hot.refresh_from_db()
    other.refresh_from_db()
    assert (hot.supports_count, other.supports_count) == (12, 1)
    assert supports_count_now(hot.pk) == 12


def test_fold_takes_at_most_its_limit_and_the_task_drains_the_rest(published):
    SupportTally.objects.bulk_create([SupportTally(proposal=published, delta=1) for _ in range(7)])
    assert supports_fold(limit=3) == 3
    assert SupportTally.objects.count() == 4
    assert fold_support_tallies() == 4
    published.refresh_from_db()
    assert published.supports_count == 7


@pytest.mark.django_db(transaction=True)
def test_a_support_does_not_wait_for_a_locked_counter(verify, monkeypatch):
    """A hot proposal: while another transaction holds the counter row, a support appends a pending +1."""
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite has one writer at a time")
    folds = []
    monkeypatch.setattr(support_module, "_schedule_fold", lambda: folds.append(1))
    proposal = ProposalFactory()
    person = UserFactory()
    verify(person)
    locked, release = threading.Event(), threading.Event()

    def hold_the_counter():
        from django.db import transaction

        try:
            with transaction.atomic():
                # The lock an UPDATE of the counter takes, as a concurrent support holds it.
                Proposal.objects.select_for_update(no_key=True).get(pk=proposal.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_counter)
    holder.start()
    try:
        assert locked.wait(10)
        supporter = threading.Thread(
            target=lambda: (support_add(user=person, proposal=proposal), connections.close_all())
        )
        supporter.start()
        supporter.join(5)
        assert not supporter.is_alive(), "the support waited for the counter's lock"
        assert SupportTally.objects.filter(proposal=proposal, delta=1).count() == 1
        assert folds == [1]
    finally:
        release.set()
        holder.join()
    assert supports_count_now(proposal.pk) == 1
    supports_fold()
    proposal.refresh_from_db()
    assert proposal.supports_count == Support.objects.filter(proposal=proposal).count() == 1


def _in_parallel(calls):
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait()
            call()
        except Exception as error:  # collected and reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_parallel_supports_are_exact_on_postgresql(verify):
    """Acceptance 2: 50 people at once leave 50; one person 20 times at once leaves 1."""
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency guarantee is PostgreSQL's (SQLite serialises writers)")
    proposal = ProposalFactory()
    people = [UserFactory() for _ in range(50)]
    verify(*people)
    _in_parallel([lambda person=person: support_add(user=person, proposal=proposal) for person in people])
    assert supports_count_now(proposal.pk) == 50
    fold_support_tallies()  # supports that found the counter locked left their +1 pending
    proposal.refresh_from_db()
    assert Support.objects.filter(proposal=proposal).count() == 50
    assert proposal.supports_count == 50
    assert not SupportTally.objects.exists()

    other = ProposalFactory()
    one = people[0]
    _in_parallel([lambda: support_add(user=one, proposal=other) for _ in range(20)])
    fold_support_tallies()
    other.refresh_from_db()
    assert Support.objects.filter(proposal=other).count() == 1
    assert other.supports_count == 1


def test_support_view_answers_htmx_with_the_new_block(client, published, citizen, verify):
    verify(citizen)
    client.force_login(citizen)
    response = client.post(f"/en/proposals/{published.pk}/support/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"You support this proposal." in response.content
    assert b"<strong>1</strong>" in response.content


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_an_unverified_reader_is_led_to_verification_in_every_language(client, published, citizen, language):
    client.force_login(citizen)
    page = client.get(f"/{language}/proposals/{published.pk}/").content.decode()
    assert f'href="/{language}/accounts/verify/?next=' in page


def test_a_withdrawn_proposal_does_not_ask_an_anonymous_reader_to_sign_in_to_support_it(client, published):
    published.status = "withdrawn"
    published.save(update_fields=["status"])
    page = client.get(f"/en/proposals/{published.pk}/").content.decode()
    assert "Only published proposals can be supported." in page
    assert "Sign in to support" not in page


def test_support_view_needs_login_and_post(client, published):
    assert client.post(f"/en/proposals/{published.pk}/support/").status_code == 302
    assert client.get(f"/en/proposals/{published.pk}/support/").status_code in (302, 405)


def test_supports_are_rate_limited(client, citizen, verify, consultation, monkeypatch):
    now = time.time()
    monkeypatch.setattr(ratelimit, "clock", lambda: now)  # all 31 attempts in one window, however slow
    verify(citizen)
    client.force_login(citizen)
    proposals = [ProposalFactory(consultation=consultation) for _ in range(31)]
    statuses = [
        client.post(f"/en/proposals/{p.pk}/support/", HTTP_HX_REQUEST="true").status_code for p in proposals
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_a_support_refused_for_going_too_fast_says_so_beside_the_button_once(
    client, citizen, verify, consultation, monkeypatch
):
    """In the message region at the top of the page, the reason was out of sight on a phone; beside the button
    it is an alert, and the message region (replaced by the same answer) does not say it again."""
    monkeypatch.setattr(support_module, "SUPPORTS_PER_MINUTE", 0)
    verify(citizen)
    client.force_login(citizen)
    proposal = ProposalFactory(consultation=consultation)
    response = client.post(f"/en/proposals/{proposal.pk}/support/", HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    page = response.content.decode()
    block, region = page.split('<div id="messages"')
    assert '<p class="message message-error" role="alert">' in block
    assert "too" in block.split('role="alert">')[1].split("</p>")[0].lower()
    assert "message" not in region.split(">", 1)[1]


def test_without_skip_locked_the_counter_moves_in_the_supports_transaction(
    published, citizen, other_citizen, verify, monkeypatch
):
    """SQLite (the embedded default) has no SKIP LOCKED: the counter then moves directly, both ways."""
    monkeypatch.setattr(connection.features, "has_select_for_update_skip_locked", False)
    supporter = UserFactory()
    verify(citizen, supporter)
    support_add(user=citizen, proposal=published)
    support_add(user=supporter, proposal=published)
    support_withdraw(user=citizen, proposal=published)
    assert Proposal.objects.get(pk=published.pk).supports_count == 1
    assert not SupportTally.objects.exists()


def _failing_statements(monkeypatch, error: Exception, times: int) -> list:
    """The support's counted statement raises `error` its first `times` runs, then runs; returns the runs."""
    if connection.vendor != "postgresql":
        pytest.skip("the counted statement is PostgreSQL's")
    real_cursor = support_module.prepared_cursor
    attempts = []

    @contextmanager
    def failing(*args, **kwargs):
        attempts.append(1)
        if len(attempts) <= times:
            raise error
        with real_cursor(*args, **kwargs) as cursor:
            yield cursor

    monkeypatch.setattr(support_module, "prepared_cursor", failing)
    return attempts


@pytest.mark.django_db(transaction=True)
def test_a_support_that_lost_a_deadlock_is_written_once_on_its_second_try(verify, monkeypatch):
    """PostgreSQL aborts one side of a deadlock; the support's own statement runs again and counts once."""
    deadlock = OperationalError("deadlock detected")
    deadlock.__cause__ = DeadlockDetected("deadlock detected")
    attempts = _failing_statements(monkeypatch, deadlock, times=1)
    proposal = ProposalFactory()
    (person,) = verify(UserFactory())
    assert support_add(user=person, proposal=proposal) is True
    assert len(attempts) == 2
    assert Support.objects.filter(proposal=proposal).count() == 1 == supports_count_now(proposal.pk)


@pytest.mark.django_db(transaction=True)
def test_other_database_errors_of_a_support_are_not_repeated(verify, monkeypatch):
    attempts = _failing_statements(monkeypatch, OperationalError("the server closed the connection"), times=9)
    proposal = ProposalFactory()
    (person,) = verify(UserFactory())
    with pytest.raises(OperationalError):
        support_add(user=person, proposal=proposal)
    assert len(attempts) == 1
