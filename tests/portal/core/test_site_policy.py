"""The Content-Security-Policy is built once per process (portal/core/csp.py), the same header django-csp
builds; a response that changes its policy still gets its own."""

import pytest
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from portal.core import csp

pytestmark = pytest.mark.django_db


def _policy_of(middleware, response):
    return middleware.process_response(RequestFactory().get("/en/"), response)["Content-Security-Policy"]


def test_the_site_policy_is_built_once_and_is_django_csps_own(monkeypatch):
    built = []
    build = csp.build_policy
    monkeypatch.setattr(csp, "build_policy", lambda **kwargs: built.append(kwargs) or build(**kwargs))
    csp._built.clear()
    ours, theirs = csp.SitePolicyMiddleware(HttpResponse), CSPMiddleware(HttpResponse)
    headers = {_policy_of(ours, HttpResponse()) for _ in range(5)}
    assert headers == {_policy_of(theirs, HttpResponse())}
    assert "script-src 'self'" in headers.pop()
    assert len(built) == 2  # the policy and its (empty) report-only twin, once each


def test_a_response_that_changes_its_policy_gets_its_own(client, settings):
    @csp_update({"img-src": ["https://maps.example"]})
    def view(request):
        return HttpResponse()

    response = csp.SitePolicyMiddleware(view)(RequestFactory().get("/en/"))
    assert "https://maps.example" in response["Content-Security-Policy"]


def test_a_changed_setting_is_a_new_policy(settings):
    middleware = csp.SitePolicyMiddleware(HttpResponse)
    before = _policy_of(middleware, HttpResponse())
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert _policy_of(middleware, HttpResponse()) == "default-src 'none'"
    assert before != "default-src 'none'"
