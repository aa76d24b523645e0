"""The WSGI handler that serves the portal: Django's, with each address's URL resolution kept per process.

Django walks the URL patterns for every request; under the language prefix a page deep in the tree (a
proposal, an article) tries some forty patterns, about a tenth of the CPU of a signed-in page served from the
shared rendering (docs/BENCHMARKS.md). What an address resolves to depends only on the URL conf, the active
language (the prefix and any translated route) and the address, so the answer is kept for the last few
thousand addresses. An address that resolves to nothing raises as before and is not kept: a scanner's
made-up paths cannot fill the memory.

It also keeps the collector's full passes short (`portal/core/heap.py`): the process's long-lived objects are
set aside when it starts and again after its first requests.
"""

import functools

import django
from django.core.handlers.wsgi import WSGIHandler
from django.urls import ResolverMatch, get_resolver
from django.utils.translation import get_language

from . import heap

RESOLVED_ADDRESSES = 4096


class PortalWSGIHandler(WSGIHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.heap = heap.SettlesOnce()

    def __call__(self, environ, start_response):
        try:
            return super().__call__(environ, start_response)
        finally:
            self.heap.request_served()

    def resolve_request(self, request):
        if hasattr(request, "urlconf"):  # a middleware chose another URL conf for this request
            return super().resolve_request(request)
        kept = _resolved(get_resolver(), get_language(), request.path_info)
        # Each request its own copy (ResolverMatch refuses `copy`): middleware is handed the match's kwargs
        # dict and may change it.
        match = object.__new__(ResolverMatch)
        match.__dict__.update(kept.__dict__, kwargs=dict(kept.kwargs))
        request.resolver_match = match
        return match


@functools.lru_cache(maxsize=RESOLVED_ADDRESSES)
def _resolved(resolver, language, path):
    return resolver.resolve(path)


def portal_wsgi_application() -> PortalWSGIHandler:
    """As `django.core.wsgi.get_wsgi_application`, with the handler above."""
    django.setup(set_prefix=False)
    handler = PortalWSGIHandler()
    heap.settle()
    return handler
