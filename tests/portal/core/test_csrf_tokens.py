"""The CSRF token of a shared page (portal/core/csrf_tokens.py) is Django's token: masked anew for each
response, unmasked by Django to the reader's secret, and accepted by CsrfViewMiddleware on the next POST."""

from collections import Counter

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CsrfViewMiddleware,
    _unmask_cipher_token,
)
from django.test import RequestFactory

from portal.core.csrf_tokens import _random_indices, masked_token

SECRET = "abcdefghijABCDEFGHIJ0123456789xy"


def _view(request):
    return HttpResponse("ok")


def _through_middleware(request):
    middleware = CsrfViewMiddleware(_view)
    middleware.process_request(request)
    return middleware


def test_the_token_unmasks_to_the_readers_secret_and_differs_on_every_response():
    request = RequestFactory().get("/", HTTP_COOKIE=f"{settings.CSRF_COOKIE_NAME}={SECRET}")
    _through_middleware(request)
    tokens = {masked_token(request) for _response in range(50)}
    assert len(tokens) == 50  # the mask is drawn anew: a compressed page does not show the secret (BREACH)
    for token in tokens:
        assert len(token) == 64
        assert set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == SECRET
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True  # the cookie is sent again, as Django does


def test_a_reader_without_a_secret_gets_one_from_django_with_its_cookie():
    request = RequestFactory().get("/")
    middleware = _through_middleware(request)
    token = masked_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert _unmask_cipher_token(token) == secret
    response = middleware.process_response(request, HttpResponse("page"))
    assert response.cookies[settings.CSRF_COOKIE_NAME].value == secret


def test_csrf_middleware_accepts_the_token_on_the_next_post():
    cookie = f"{settings.CSRF_COOKIE_NAME}={SECRET}"
    page = RequestFactory().get("/", HTTP_COOKIE=cookie)
    _through_middleware(page)
    token = masked_token(page)
    post = RequestFactory().post("/", {"csrfmiddlewaretoken": token}, HTTP_COOKIE=cookie)
    middleware = _through_middleware(post)
    assert middleware.process_view(post, _view, (), {}) is None  # None: let through
    forged = RequestFactory().post("/", {"csrfmiddlewaretoken": token[:-1] + "A"}, HTTP_COOKIE=cookie)
    refused = _through_middleware(forged).process_view(forged, _view, (), {})
    assert refused.status_code == 403


def test_every_mask_character_is_drawn_alike():
    drawn = Counter(_random_indices(62 * 5000))
    assert set(drawn) == set(range(62))
    # 5,000 expected each (a standard deviation of 70); a byte taken modulo 62 without drawing again would
    # give 0 to 7 about 6,050 each.
    assert max(drawn.values()) < 5450
    assert min(drawn.values()) > 4550
