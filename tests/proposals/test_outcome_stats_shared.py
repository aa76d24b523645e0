"""The outcome numbers at scale: counted once for everyone, and once counted, never while a reader waits
(stale-while-revalidate: the old numbers at once, one recount queued for a worker)."""

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from proposals.models import ObligationRule
from proposals.selectors import outcome as outcome_selectors
from proposals.tasks import recount_outcome_stats

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db
# The consultation, its topics, its draft and the articles changed: the numbers come from the cache.
QUERIES_OF_THE_OUTCOME_PAGE = 4


@pytest.fixture
def clock(monkeypatch):
    """The selector's clock, moved by hand: `clock.now += 31` is half a minute later."""

    class Clock:
        now = 1_000_000.0

    monkeypatch.setattr(outcome_selectors.time, "time", lambda: Clock.now)
    return Clock


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(outcome_selectors, "enqueue_on_commit", lambda *args: calls.append(args))
    return calls


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_stale_numbers_are_served_at_once_and_recounted_once_by_a_worker(
    consultation, clock, queued, settings, django_assert_num_queries
):
    settings.OUTCOME_STATS_CACHE_SECONDS = 30
    ProposalFactory(consultation=consultation)
    assert outcome_selectors.consultation_stats_shared(consultation=consultation)["published"] == 1
    ProposalFactory(consultation=consultation)
    clock.now += 10
    assert outcome_selectors.consultation_stats_shared(consultation=consultation)["published"] == 1
    assert queued == []  # still within the period

    clock.now += 21
    with django_assert_num_queries(0):  # the stale reader counts nothing
        stale = outcome_selectors.consultation_stats_shared(consultation=consultation)
        again = outcome_selectors.consultation_stats_shared(consultation=consultation)
    assert stale["published"] == again["published"] == 1
    assert queued == [("proposals.tasks.recount_outcome_stats", consultation.pk)]  # one recount, not two

    recount_outcome_stats(consultation.pk)
    assert outcome_selectors.consultation_stats_shared(consultation=consultation)["published"] == 2
    assert len(queued) == 1  # fresh again


def test_numbers_kept_by_the_release_before_are_served_and_recounted(consultation, queued):
    """It kept the numbers alone under the same key (and still reads them there during a rolling deploy)."""
    ProposalFactory(consultation=consultation)
    cache.set(f"outcome-stats:{consultation.pk}", {"published": 0}, 30)
    assert outcome_selectors.consultation_stats_shared(consultation=consultation)["published"] == 0
    assert queued == [("proposals.tasks.recount_outcome_stats", consultation.pk)]
    recount_outcome_stats(consultation.pk)
    assert cache.get(f"outcome-stats:{consultation.pk}")["published"] == 1


def test_a_recount_lost_with_the_broker_is_queued_again_in_the_next_period(
    consultation, clock, queued, settings
):
    settings.OUTCOME_STATS_CACHE_SECONDS = 30
    outcome_selectors.consultation_stats_shared(consultation=consultation)
    clock.now += 31
    outcome_selectors.consultation_stats_shared(consultation=consultation)
    assert len(queued) == 1
    cache.delete(f"outcome-stats:{consultation.pk}:recount-queued")  # what its expiry after a period does
    outcome_selectors.consultation_stats_shared(consultation=consultation)
    assert len(queued) == 2


def test_the_outcome_page_reads_the_overdue_count_from_the_shared_numbers(
    client, consultation, queued, settings, django_assert_num_queries
):
    """The page used to read up to 500 overdue proposals with their articles for each reader."""
    settings.PAGE_CACHE_SECONDS = 0  # rendered for each reader, as signed-in people get it
    ObligationRule.objects.create(name_en="Every proposal within 7 days", days=7)
    ProposalFactory.create_batch(
        3, consultation=consultation, published_at=timezone.now() - timedelta(days=10)
    )
    url = f"/en/consultations/{consultation.slug}/outcome/"
    client.get(url)
    with django_assert_num_queries(QUERIES_OF_THE_OUTCOME_PAGE):
        response = client.get(url)
    assert response.context["overdue_count"] == response.context["stats"]["overdue"] == 3
    assert "3 answers are overdue" in response.content.decode()


def test_with_nothing_kept_one_reader_counts_and_the_others_wait_for_its_numbers(consultation, monkeypatch):
    """A cold cache under a crowd: a reader who finds another counting takes that reader's numbers instead of
    counting the same aggregates again."""
    key = f"outcome-stats:{consultation.pk}"
    cache.add(f"{key}:counting", 1, 60)  # another reader is counting
    theirs = {"published": 41}
    counted = []
    monkeypatch.setattr(outcome_selectors, "consultation_stats", lambda **kwargs: counted.append(1) or {})
    finisher = threading.Timer(0.3, lambda: cache.set(key, theirs, 30))
    finisher.start()
    try:
        assert outcome_selectors.consultation_stats_shared(consultation=consultation) == theirs
    finally:
        finisher.join()
    assert counted == []


def test_a_reader_whose_wait_runs_out_counts_for_itself(consultation, monkeypatch):
    """The reader who claimed the count may have died: after the wait, the numbers are counted anyway."""
    cache.add(f"outcome-stats:{consultation.pk}:counting", 1, 60)
    monkeypatch.setattr(outcome_selectors, "COLD_WAIT_SECONDS", 0.2)
    monkeypatch.setattr(outcome_selectors, "consultation_stats", lambda **kwargs: {"published": 7})
    assert outcome_selectors.consultation_stats_shared(consultation=consultation) == {"published": 7}
    assert cache.get(f"outcome-stats:{consultation.pk}") == {"published": 7}


def test_the_reader_who_counts_releases_its_claim(consultation, monkeypatch):
    monkeypatch.setattr(outcome_selectors, "consultation_stats", lambda **kwargs: {"published": 3})
    assert outcome_selectors.consultation_stats_shared(consultation=consultation) == {"published": 3}
    assert cache.get(f"outcome-stats:{consultation.pk}:counting") is None
