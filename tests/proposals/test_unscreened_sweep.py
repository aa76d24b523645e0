"""With the broker stopped, submissions are accepted; once it is back, every one is
screened exactly once (real Redis and a real worker)."""

import time

import pytest

from portal.celery import app
from proposals.models import Proposal, ProposalTransition
from proposals.services.proposal import ProposalInput, proposal_draft_save, proposal_submit
from proposals.tasks import screen_unscreened
from tests.conftest import use_broker, wait_until
from tests.factories import UserFactory
from tests.services import redis_url_or_skip

from .factories import ConsultationFactory

pytestmark = pytest.mark.services


@pytest.fixture
def broker_down():
    redis_url_or_skip()
    use_broker(app, "redis://127.0.0.1:1/0")  # nothing listens on port 1
    yield
    use_broker(app, None)


@pytest.mark.django_db(transaction=True)
def test_submissions_during_a_broker_outage_are_screened_once_when_it_returns(broker_down, settings, request):
    consultation = ConsultationFactory()
    for n in range(20):
        author = UserFactory()
        draft = proposal_draft_save(
            author=author,
            consultation=consultation,
            data=ProposalInput(
                title=f"Proposal {n}", summary="Summary.", body="Text of the proposal.", language="en"
            ),
        )
        proposal_submit(proposal=draft, author=author)  # the broker refuses; the request must still succeed
    assert Proposal.objects.filter(status="submitted").count() == 20

    request.getfixturevalue("real_worker")  # the broker is back, and a worker with it
    screen_unscreened.delay(older_than_seconds=0)
    screen_unscreened.delay(older_than_seconds=0)  # a second sweep must not screen anything twice

    last_sweep = [time.monotonic()]

    def screened_with_beat_sweeping() -> bool:
        # Beat sweeps every few seconds in production; a sweep also picks up a task that another consumer of
        # the shared test broker took. Sweeping again must never screen anything twice (checked below).
        if not Proposal.objects.filter(status="submitted").exists():
            return True
        if time.monotonic() - last_sweep[0] > 2:
            screen_unscreened.delay(older_than_seconds=0)
            last_sweep[0] = time.monotonic()
        return False

    assert wait_until(screened_with_beat_sweeping, timeout=60)
    assert Proposal.objects.filter(status="published").count() == 20
    for proposal in Proposal.objects.all():
        steps = list(
            ProposalTransition.objects.filter(proposal=proposal).values_list("from_status", flat=True)
        )
        assert steps.count("submitted") == 1


@pytest.mark.django_db
def test_the_sweep_queues_a_waiting_submission_once_not_at_every_round(monkeypatch):
    """A backlog still waiting in the queue is not queued again at every sweep (the screening drill's backlog
    grew by itself every two seconds); once the re-queue interval is over it is queued again."""
    from django.core.cache import cache

    from proposals.tasks import screen_proposal

    consultation = ConsultationFactory()
    author = UserFactory()
    draft = proposal_draft_save(
        author=author,
        consultation=consultation,
        data=ProposalInput(title="Waiting", summary="Summary.", body="Text.", language="en"),
    )
    queued = []
    monkeypatch.setattr(screen_proposal, "delay", queued.append)  # the task waits in the queue
    proposal_submit(proposal=draft, author=author)
    screen_unscreened(older_than_seconds=0)
    screen_unscreened(older_than_seconds=0)
    assert queued == [draft.pk]
    cache.clear()  # the marks expire after the re-queue interval (or vanish with a lost Redis)
    screen_unscreened(older_than_seconds=0)
    assert queued == [draft.pk, draft.pk]
