"""A web process sets its long-lived objects aside from the garbage collector (portal/core/heap.py): when the
application is built and once after its first requests, so that no full pass walks them while it serves."""

import gc

import pytest

from bench import wsgi_request
from portal.core import heap
from portal.core.handlers import PortalWSGIHandler, portal_wsgi_application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_stays_frozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def _serve(handler, path: str) -> int:
    return wsgi_request.status_of(handler, wsgi_request.environ("GET", path))


def test_the_application_sets_what_start_up_built_aside():
    assert gc.get_freeze_count() == 0
    application = portal_wsgi_application()
    assert isinstance(application, PortalWSGIHandler)
    # Every module, URL pattern and model's metadata is out of the collector's walk.
    assert gc.get_freeze_count() > 10_000


def test_settling_collects_garbage_before_setting_the_rest_aside():
    class Cycle:
        pass

    cycle = Cycle()
    cycle.itself = cycle
    survivor = Cycle()
    survivor.itself = survivor
    del cycle
    heap.settle()
    # The collector walks none of ours any more.
    assert not any(type(each) is Cycle for each in gc.get_objects())
    gc.unfreeze()
    cycles = [each for each in gc.get_objects() if type(each) is Cycle]
    # The garbage cycle was collected, not set aside with the living one.
    assert cycles == [survivor]


@pytest.fixture
def settled(monkeypatch):
    """Each settling of the heap, counted instead of done."""
    calls = []
    monkeypatch.setattr(heap, "settle", lambda: calls.append(True))
    return calls


def test_the_heap_settles_once_after_the_first_requests(settled):
    counter = heap.SettlesOnce(after=3)
    counter.request_served()
    counter.request_served()
    assert settled == []
    counter.request_served()
    assert settled == [True]
    for _ in range(10):
        counter.request_served()
    assert settled == [True]


def test_every_request_served_counts_towards_settling(settled, connections_kept_open):
    handler = PortalWSGIHandler()
    handler.heap = heap.SettlesOnce(after=2)
    assert _serve(handler, "/livez") == 200
    assert settled == []
    # An address that answers 404 is a request served too.
    assert _serve(handler, "/no-such-address/") == 404
    assert settled == [True]


def test_the_served_application_settles_its_heap_after_its_first_requests():
    application = portal_wsgi_application()
    assert application.heap.after == heap.SETTLE_AFTER_REQUESTS
    gc.unfreeze()
    application.heap = heap.SettlesOnce(after=1)
    _serve(application, "/livez")
    assert gc.get_freeze_count() > 10_000


def test_settling_now_counts_as_the_settling_after_the_first_requests(settled):
    counter = heap.SettlesOnce(after=3)
    counter.settle_now()
    counter.settle_now()
    for _ in range(5):
        counter.request_served()
    assert settled == [True]
