"""The WSGI handler keeps each address's URL resolution (portal/core/handlers.py): the same answer as Django's
for every route and language, each request with its own copy, and nothing kept for an address that
resolves to nothing."""

import pytest
from django.urls import Resolver404, get_resolver, reverse
from django.utils import translation

from bench import wsgi_request
from portal.core.handlers import PortalWSGIHandler, _resolved
from portal.wsgi import application

pytestmark = pytest.mark.django_db

ADDRESSES = [
    ("proposal_list", {}),
    ("proposal_detail", {"pk": 12345}),
    ("notifications_centre", {}),
]


class _Request:
    def __init__(self, path):
        self.path_info = path


def test_the_portal_is_served_by_the_handler_that_keeps_resolutions():
    assert isinstance(application, PortalWSGIHandler)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize(("name", "kwargs"), ADDRESSES)
def test_a_kept_resolution_is_djangos_own(language, name, kwargs):
    handler = PortalWSGIHandler()
    with translation.override(language):
        path = reverse(name, kwargs=kwargs)
        expected = get_resolver().resolve(path)
        for _ in range(2):
            match = handler.resolve_request(_Request(path))
            assert (match.func, match.args, match.kwargs, match.url_name, match.route) == (
                expected.func,
                expected.args,
                expected.kwargs,
                expected.url_name,
                expected.route,
            )
    # Another language's prefix is another address, resolved for that language.
    with translation.override("kk" if language != "kk" else "ru"):
        assert handler.resolve_request(_Request(reverse(name, kwargs=kwargs))).url_name == name


def test_each_request_gets_its_own_copy_of_the_match():
    handler = PortalWSGIHandler()
    with translation.override("en"):
        path = reverse("proposal_detail", kwargs={"pk": 7})
        first = handler.resolve_request(_Request(path))
        first.kwargs["pk"] = 8
        assert handler.resolve_request(_Request(path)).kwargs == {"pk": 7}


def test_an_address_that_resolves_to_nothing_is_not_kept():
    handler = PortalWSGIHandler()
    before = _resolved.cache_info().currsize
    with translation.override("en"), pytest.raises(Resolver404):
        handler.resolve_request(_Request("/en/no-such-page-at-all/"))
    assert _resolved.cache_info().currsize == before


def test_a_page_served_twice_through_the_handler_is_the_same(connections_kept_open):
    def get(path):
        return wsgi_request.status_of(application, wsgi_request.environ("GET", path))

    hits = _resolved.cache_info().hits
    assert get("/kk/proposals/") == 200
    assert get("/kk/proposals/") == 200
    assert _resolved.cache_info().hits > hits
    assert get("/kk/no-such-page/") == 404
