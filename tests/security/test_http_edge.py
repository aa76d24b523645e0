"""The HTTP edge of every page: what a script or a scanner sends besides form fields and API bodies (those are
fuzzed in test_input_fuzzing.py and test_api_fuzzing.py).

Every GET route of the URL conf, its parameters filled from the access matrix's world (tests/security/world.py),
is asked by an anonymous reader, a citizen and a moderator with a second factor: plainly, with HEAD and
OPTIONS, and, where the page answers 200, with odd query strings and odd headers. Every route with parameters
is also asked with odd path segments (NUL, overlong UTF-8, `..%2F`, 2,000 characters, look-alike letters,
numbers beyond any id) and must answer without a server error; a number beyond any id is not found.

A server error is a 5xx or an ERROR on `django.request` (an alert for the operators). PostgreSQL refuses more
than SQLite, so a query carrying a NUL or an integer beyond its bigint counts as one too, on either database:
there it would have been a DataError, a 500.

Seen to fail once without their fixes: `/kk/proposals/<2**63>/` (its hand-written query got the number;
proposals/selectors/proposal.py), `/kk/accounts/oidc/%00/login/` (allauth looked the NUL up; the social account
adapter) and a session cookie `"\\000\\000…"` (looked up as a session key; PageSessionMiddleware).
"""

import logging
import re
from itertools import zip_longest

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import give_totp
from tests.security.matrix_support import resolve_url, url_patterns
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

HUGE = str(10**30)
NULS = '"' + "\\000" * 10 + '"'  # a quoted cookie value: Python's cookie parser reads octal escapes

# A page ignores what it does not read, so one table serves every page; each request carries one odd query and
# one set of odd headers (the two lists are independent, and a page answers 40 odd requests in 20).
ODD_QUERIES = [
    "page=abc",
    "page=-1",
    f"page={HUGE}",
    "page=",
    "page=1&page=2&page=abc",
    "ordering=garbage&comments=garbage&show=garbage&when=garbage",
    "q=%00",
    "q=%E2%80%AEevil%E2%80%AC&topic=%E2%80%AE",
    "q=" + "ы" * 5000,
    "q=a&q=b&consultation=reform&consultation=%00",
    "language=xx&format=xml",
    "language=%00&format=%00",
    "since=garbage&until=2026-02-30",
    f"since=99999-01-01&until=0000-00-00&actor={HUGE}&target_id=%00&target_type=%00",
    f"version={HUGE}&from=abc&to=%00",
    f"article={HUGE}&consultation=%00&p={HUGE}",
    "article=-1&p=-1&version=-1&was=%00&next=%00",
    f"min_risk=nan&min_age={HUGE}&reason=%00&status=%00&body=%00",
    "%ff=%ff&%00=%00",
    "a=%C0%AF&b=%",
]

ODD_HEADERS = [
    {"HTTP_ACCEPT_LANGUAGE": "xx-YY;q=garbage,;;,*;q=2"},
    {"HTTP_ACCEPT_LANGUAGE": "kk-" * 3000},
    {"HTTP_ACCEPT_LANGUAGE": "\x00\u202e"},
    {"HTTP_COOKIE": "sessionid=garbage; csrftoken=garbage"},
    {"HTTP_COOKIE": f"sessionid={NULS}; csrftoken={NULS}; django_language={NULS}"},
    {"HTTP_COOKIE": "sessionid=" + "a" * 300 + "; csrftoken=" + "a" * 300},
    {"HTTP_COOKIE": "junk=" + "x" * 4096},
    {"HTTP_COOKIE": "=; ;;; \x00=\x01; sessionid; messages=garbage"},
    {"HTTP_COOKIE": f"portal_primary={NULS}; django_language=xx"},
    {"HTTP_X_FORWARDED_FOR": "garbage, , 999.999.1.1, ::::"},
    {"HTTP_X_FORWARDED_FOR": "1.1.1.1, " * 500},
    {"HTTP_IF_NONE_MATCH": 'garbage, W/"x", "', "HTTP_IF_MODIFIED_SINCE": "garbage"},
    {"HTTP_IF_MODIFIED_SINCE": "Mon, 99 Foo 99999 99:99:99 GMT", "HTTP_IF_NONE_MATCH": "*"},
    {"HTTP_IF_MATCH": "garbage", "HTTP_IF_UNMODIFIED_SINCE": "garbage"},
    {"HTTP_RANGE": "bytes=garbage"},
    {"HTTP_RANGE": "bytes=999999999999999999999-"},
    {"HTTP_X_REQUEST_START": "t=garbage"},
    {"HTTP_ACCEPT": "\x00/\x00", "HTTP_USER_AGENT": "\x00" * 10, "HTTP_REFERER": "%00"},
    {"HTTP_AUTHORIZATION": "Bearer \x00garbage"},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "\x00", "HTTP_HX_CURRENT_URL": "\x00"},
]

# Raw (already percent-encoded) path segments. The int converter hands any run of digits to the view, and
# refuses anything else itself: the text parameters are asked the rest.
OVERFLOWING = [str(2**63), str(2**64), HUGE]
DIGITS = [*OVERFLOWING, str(2**31), "0" * 30 + "1"]
ODD_SEGMENTS = [
    *DIGITS,
    "%00",
    "..%2F..%2F%C0%AF",
    "x" * 2000,
    "r%D0%B5form",  # the world's consultation with a Cyrillic е
    "%EF%BD%92eform%E2%80%AE",  # and with a fullwidth r, then a bidi override
]
SENTINEL_TEXT = "zq9sentinel9qz"
SENTINEL_INT = 987654321987
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>")

ROLES = ("anonymous", "citizen", "moderator")


@pytest.fixture
def world(citizen, other_citizen):
    return build_world(citizen=citizen, other_citizen=other_citizen)


@pytest.fixture
def clients(citizen, moderator):
    give_totp(moderator)
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in {"citizen": citizen, "moderator": moderator}.items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    return clients


def _refused_by_postgresql(value) -> bool:
    if isinstance(value, dict):
        return any(_refused_by_postgresql(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_refused_by_postgresql(item) for item in value)
    if isinstance(value, str):
        return "\x00" in value
    # Compared, not `in range(…)`: for an int subclass (a choice's value) `in` walks the whole range.
    return isinstance(value, int) and not -(2**63) <= value < 2**63


@pytest.fixture
def server_errors(caplog):
    """`take()` gives the server errors since it was last called: ERRORs on `django.request`, and queries
    PostgreSQL would have refused (their SQL)."""
    caplog.set_level(logging.ERROR, logger="django.request")
    refused = []

    def watch(execute, sql, params, many, context):
        if _refused_by_postgresql(params):
            refused.append(f"query refused by PostgreSQL: {sql[:80]}")
        return execute(sql, params, many, context)

    def take() -> list[str]:
        found = [
            record.getMessage()
            for record in caplog.records
            if record.name == "django.request" and record.levelno >= logging.ERROR
        ] + refused
        caplog.clear()
        refused.clear()
        return found

    with connection.execute_wrapper(watch):
        yield take


def _report(role, method, url, extra, response, errors) -> str | None:
    if response.status_code < 500 and not errors:
        return None
    return f"{role} {method} {url[:120]} {str(extra)[:60]}: {response.status_code} {errors[:1]}"


def test_every_page_survives_odd_queries_headers_and_methods(world, clients, server_errors):
    routes = {name: route for name, route in url_patterns() if not name.startswith("admin:")}
    urls = [resolve_url(name, route, world, language="kk") for name, route in routes.items()]
    wrong = []
    for url in [*urls, "/kk/admin/"]:
        for role in ROLES:
            client = clients[role]
            plain = client.get(url)
            asks = [("GET", url, {}, plain), ("HEAD", url, {}, None), ("OPTIONS", url, {}, None)]
            if plain.status_code == 200:
                odd = zip_longest(ODD_QUERIES, ODD_HEADERS, fillvalue=None)
                asks += [("GET", f"{url}?{query or ''}", headers or {}, None) for query, headers in odd]
            for method, target, headers, response in asks:
                response = response or client.generic(method, target, **headers)
                wrong.append(_report(role, method, target, headers, response, server_errors()))
    wrong = [line for line in wrong if line]
    assert wrong == [], "\n".join(wrong)


# Methods no page answers: a scanner's and a WebDAV client's.
UNANSWERED_METHODS = ("TRACE", "OPTIONS", "PROPFIND", "PUT", "DELETE")


def _allowed(response) -> set[str]:
    return {method.strip() for method in response.get("Allow", "").split(",") if method.strip()}


def test_a_method_no_page_answers_is_405_with_the_methods_the_page_does_answer(world, clients):
    """Every page of the URL conf and the admin, asked by a signed-in citizen: a 405 with an `Allow` naming GET,
    HEAD or POST and no page in the body, never the page itself or a CSRF refusal. The `Allow` agrees with the
    view: a page that answers GET names GET, and a view whose own decorator refuses GET (a POST-only action)
    names what that decorator names."""
    routes = {name: route for name, route in url_patterns() if not name.startswith("admin:")}
    urls = [resolve_url(name, route, world, language="kk") for name, route in routes.items()]
    client = clients["citizen"]
    wrong = []
    for url in [*urls, "/kk/admin/"]:
        if url.startswith("/api/"):
            continue
        plain = client.get(url)
        for method in UNANSWERED_METHODS:
            response = client.generic(method, url)
            allowed = _allowed(response)
            body = b"" if response.streaming else response.content
            if response.status_code != 405 or body or not allowed or not allowed <= {"GET", "HEAD", "POST"}:
                wrong.append(f"{method} {url}: {response.status_code} Allow={allowed} body={body[:40]!r}")
            elif plain.status_code == 405 and allowed != _allowed(plain) & {"GET", "HEAD", "POST"}:
                wrong.append(f"{method} {url}: Allow={allowed}, but GET names {_allowed(plain)}")
            elif plain.status_code == 200 and "GET" not in allowed:
                wrong.append(f"{method} {url}: answers GET, Allow={allowed}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/en/proposals/", "GET, HEAD, POST"),  # a page that declares nothing
        ("/en/accounts/login/", "GET, HEAD, POST"),  # allauth's class-based view: not its PUT
        ("/en/notifications/read/", "POST"),  # require_POST under login_required
        ("/open-data/proposals.csv", "GET, HEAD"),  # require_safe
        ("/sitemap.xml", "GET, HEAD"),  # require_safe: crawlers ask with HEAD too
    ],
)
def test_the_allow_header_names_what_the_view_declares(client, url, allowed):
    for method in ("TRACE", "OPTIONS", "PROPFIND"):
        response = client.generic(method, url)
        assert (response.status_code, response["Allow"]) == (405, allowed), method


def test_get_head_and_post_go_on_to_the_view_as_before(client, citizen):
    assert client.get("/en/proposals/").status_code == 200
    assert client.head("/en/proposals/").status_code == 200
    client.force_login(citizen)
    assert client.get("/en/notifications/read/").status_code == 405  # the view's own decorator
    assert client.post("/en/notifications/read/").status_code == 302


def test_the_api_answers_methods_itself_as_before(client):
    """In JSON, with its own `Allow` (CORS preflights, answered before any view: test_api_cors.py)."""
    api = client.options("/api/v1/proposals")
    assert api.status_code == 405
    assert api["Content-Type"].startswith("application/json")
    assert _allowed(api) == {"GET", "POST"}


def _with_odd_segments(name, route, world):
    """(parameter, kind, segment, url) for each odd segment in each parameter of `route`, every other
    parameter filled from the world."""
    for match in PARAMETER.finditer(route):
        kind, parameter = (match.group(1), match.group(2)) if match.group(2) else ("re", match.group(3))
        sentinel = SENTINEL_INT if kind == "int" else SENTINEL_TEXT
        url = resolve_url(name, route, world, language="kk", override={parameter: sentinel})
        for segment in DIGITS if kind == "int" else ODD_SEGMENTS:
            yield parameter, kind, segment, url.replace(str(sentinel), segment)


def test_odd_path_segments_are_never_a_server_error(world, clients, server_errors):
    """GET by every role; POST by the signed-in too for a number beyond any id, which reaches the actions' own
    lookups (the test client makes no CSRF check, as a signed-in page's form would pass it)."""
    wrong = []
    for name, route in url_patterns():
        if name.startswith("admin:"):
            continue
        for parameter, kind, segment, url in _with_odd_segments(name, route, world):
            for role in ROLES:
                posts = kind == "int" and segment in OVERFLOWING and role != "anonymous"
                for method in ("GET", "POST") if posts else ("GET",):
                    response = clients[role].generic(method, url)
                    wrong.append(_report(role, method, url, parameter, response, server_errors()))
    wrong = [line for line in wrong if line]
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize(
    ("language", "number", "not_found"),
    [
        ("kk", OVERFLOWING[0], "Бет табылмады"),
        ("ru", OVERFLOWING[1], "Страница не найдена"),
        ("en", HUGE, "Page not found"),
    ],
)
def test_a_proposal_number_beyond_any_id_is_not_found_in_the_readers_language(
    server_errors, language, number, not_found
):
    response = Client(raise_request_exception=False).get(f"/{language}/proposals/{number}/")
    assert response.status_code == 404
    assert not_found in response.content.decode()
    assert server_errors() == []


def test_a_nul_in_the_sign_in_provider_is_not_found(citizen, server_errors):
    client = Client(raise_request_exception=False)
    client.force_login(citizen)
    for address in ("/ru/accounts/oidc/%00/login/", "/ru/accounts/oidc/%00/login/callback/"):
        response = client.get(address)
        assert response.status_code == 404
        assert "Страница не найдена" in response.content.decode()
    assert server_errors() == []


def test_a_session_cookie_no_session_key_could_be_starts_an_empty_session(citizen, server_errors):
    client = Client(raise_request_exception=False)
    client.force_login(citizen)
    response = client.get("/en/proposals/", HTTP_COOKIE=f"sessionid={NULS}")
    assert response.status_code == 200
    assert response.wsgi_request.user.is_anonymous
    assert response.cookies["sessionid"].value == ""  # the junk is deleted from the browser
    assert server_errors() == []
