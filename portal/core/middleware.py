"""The staff second-factor gate (PORTAL_STAFF_MFA=required), conditional GETs of machine-readable files and
their reading by other sites' web pages (CORS), a 503 for a request whose database connection was lost, 405
for a method no page answers, and the lighter stack of the API."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.middleware import AuthenticationMiddleware, get_user
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _

from portal.core.roles import (
    has_second_factor,
    lacks_session_second_factor,
    mark_second_factor,
    session_has_second_factor,
    session_second_factor_age,
    staff_second_factor_required,
)

logger = logging.getLogger(__name__)

# The staff page a person asked for before being sent to set up a second factor.
SECOND_FACTOR_NEXT_KEY = "portal_second_factor_next"


class StaffSecondFactorMiddleware:
    """Marks the request's user with whether this session has passed a second factor (which `roles_of` reads:
    without it, staff hold no power anywhere), and sends staff without one to set it up or to confirm it
    before any page under PORTAL_STAFF_PATHS opens.

    Middleware rather than a decorator so that no staff view, present or future, can forget it,
    Django's own admin included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api_request(request):  # no session there; the token marks its owner (proposals/api/auth.py)
            return self.get_response(request)
        request.user = SimpleLazyObject(lambda: self._user_with_second_factor_mark(request))
        if self._is_staff_path(request.path_info) and lacks_session_second_factor(request.user):
            if has_second_factor(request.user):
                messages.warning(request, _("Staff pages need your second factor. Confirm it to continue."))
                return redirect_to_login(request.get_full_path(), login_url=reverse("mfa_reauthenticate"))
            messages.warning(
                request,
                _("Staff pages need a second factor. Set up an authenticator app to continue."),
            )
            # allauth's setup drops a `next` on the way (its form posts to a bare URL, its success URL is
            # fixed), so the page to return to waits in the session for the recovery codes page.
            if request.method == "GET":
                request.session[SECOND_FACTOR_NEXT_KEY] = request.get_full_path()
            return redirect("mfa_activate_totp")
        if self._admin_needs_fresh_second_factor(request):
            messages.warning(
                request, _("The Django admin needs a recently confirmed second factor. Confirm it again.")
            )
            return redirect_to_login(request.get_full_path(), login_url=reverse("mfa_reauthenticate"))
        return self.get_response(request)

    @classmethod
    def _admin_needs_fresh_second_factor(cls, request) -> bool:
        """The admin can change anyone's roles, password and authenticators: a session that passed its second
        factor days ago (a computer left signed in) confirms it again before it opens, and every so often."""
        path = cls._without_language(request.path_info)
        if not path.startswith("/admin/") or path.startswith("/admin/logout/"):
            return False
        user = request.user
        if not (staff_second_factor_required() and user.is_authenticated and user.is_superuser):
            return False
        age = session_second_factor_age(request, user)
        return age is not None and age > settings.PORTAL_ADMIN_SECOND_FACTOR_MAX_AGE

    @staticmethod
    def _user_with_second_factor_mark(request):
        user = get_user(request)
        if user.is_authenticated:
            mark_second_factor(user, verified=session_has_second_factor(request, user))
        return user

    @classmethod
    def _is_staff_path(cls, path: str) -> bool:
        return cls._without_language(path).startswith(tuple(settings.PORTAL_STAFF_PATHS))

    @staticmethod
    def _without_language(path: str) -> str:
        language = get_language_from_path(path)
        return path[len(language) + 1 :] if language else path


def is_machine_readable(path: str) -> bool:
    """The API, open data, calendars, feeds (`.atom` in every language), sitemaps and security.txt."""
    return path.startswith(MachineReadableConditionalGetMiddleware.PREFIXES) or path.endswith(".atom")


class MachineReadableConditionalGetMiddleware(ConditionalGetMiddleware):
    """ETag and 304 Not Modified for the API, open data, calendars, feeds and sitemaps: clients that poll
    (dashboards, newsrooms, calendar apps, feed readers, crawlers) re-download nothing when nothing changed.
    HTML pages carry a CSRF token per response, so an ETag would never match there; they are left alone."""

    PREFIXES = ("/api/", "/open-data/", "/hearings.ics", "/sitemap", "/.well-known/")

    def process_response(self, request, response):
        if not is_machine_readable(request.path):
            return response
        if request.method != "HEAD":
            return super().process_response(request, response)
        # Django's answers GETs only; a HEAD carries the GET's headers (the WSGI server drops the body).
        request.method = "GET"
        try:
            return super().process_response(request, response)
        finally:
            request.method = "HEAD"


CORS_READ_METHODS = ("GET", "HEAD")


class PublicReadCorsMiddleware:
    """Lets a web page on any site read the API, open data, calendars and feeds, as a newsroom's chart or an
    NGO's tracker does from the reader's browser. Reads only, and for any origin (`*`): a browser sends no
    cookie with such a request and the API reads none, so another site learns only what anyone may fetch.
    Writes get no CORS headers: their token stays with programs that run outside a browser page. A preflight
    (a read with `If-None-Match`, say) is answered here, before anything else of the site runs."""

    ALLOWED_REQUEST_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
    EXPOSED_HEADERS = "ETag, Retry-After, Content-Disposition"
    PREFLIGHT_MAX_AGE = "86400"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_machine_readable(request.path):
            return self.get_response(request)
        requested = request.headers.get("Access-Control-Request-Method", "").upper()
        if request.method == "OPTIONS" and "Origin" in request.headers and requested in CORS_READ_METHODS:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ", ".join(CORS_READ_METHODS)
            response["Access-Control-Allow-Headers"] = self.ALLOWED_REQUEST_HEADERS
            response["Access-Control-Max-Age"] = self.PREFLIGHT_MAX_AGE
            response["Access-Control-Allow-Origin"] = "*"
            return response
        response = self.get_response(request)
        if request.method in CORS_READ_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = self.EXPOSED_HEADERS
        return response


class DatabaseUnavailableMiddleware:
    """A view whose database connection was lost (a failover, a restart, a terminated session) answers 503
    with Retry-After rather than a 500: the failure is passing, the transaction it was in was rolled back,
    and the client may try again (the PostgreSQL drill). Other errors stay 500s.
    """

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning(
            "database unavailable, answered 503: %s %s", request.method, request.path, exc_info=True
        )
        detail = _("The service is briefly unavailable. Please try again in a few seconds.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": detail}, status=503)
        else:
            response = HttpResponse(detail, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response


API_PREFIX = "/api/"


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


class _SkippedByApi:
    """Runs the middleware it is mixed into for every request but the API's, which skip it whole.

    An API call carries a bearer token, not a cookie session: sessions, flash messages, CSRF tokens,
    clickjacking headers and the staff second-factor gate do nothing for it, and cost CPU on its hottest
    write (a support: bench/support_cpu.py). Subclasses keep Django's classes (and its system checks) and
    their place in `settings.MIDDLEWARE`.
    """

    def __call__(self, request):
        if is_api_request(request):
            return self.get_response(request)
        return super().__call__(request)


# What the session keys Django writes are made of.
_SESSION_KEY_CHARS = frozenset(VALID_KEY_CHARS)


class PageSessionMiddleware(_SkippedByApi, SessionMiddleware):
    """A session cookie no session key could be (Django writes lower-case letters and digits) opens a new,
    empty session instead of being looked up: a quoted cookie may carry octal escapes (`"\\000…"`), and
    PostgreSQL refused the NUL in the query, a 500 for anyone who sent one. The empty session's answer
    deletes the cookie."""

    def process_request(self, request):
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if session_key is not None and not set(session_key) <= _SESSION_KEY_CHARS:
            session_key = None
        request.session = self.SessionStore(session_key)
        # A store may answer a reading request from what it kept of the reader (portal/accounts/sessions.py).
        request.session.reading_request = request.method in ("GET", "HEAD")


# What a page may be asked: reading it (HEAD as GET, by the server) and sending its forms.
PAGE_METHODS = ("GET", "HEAD", "POST")


class PageMethodsMiddleware:
    """A page asked with any other method (TRACE, OPTIONS, PROPFIND, PUT…) answers 405 Method Not Allowed with
    the methods it does answer in `Allow`, before anything else looks at the request. Without it a view
    written for GET rendered the whole page for a TRACE or an OPTIONS, and CSRF refused a PROPFIND with a 403
    page, which told a scanner or a client nothing true about the address. GET, HEAD and POST go on as they
    came, to the view's own checks (a POST-only action still answers a GET with its 405). The API answers
    methods itself (django-ninja: 405 in JSON, with `Allow`), and a CORS preflight of a machine-readable file
    is answered before this runs (`PublicReadCorsMiddleware`).

    Placed before `PageCsrfViewMiddleware`, whose `process_view` would refuse an unknown method first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, view_args, view_kwargs):
        if request.method in PAGE_METHODS or is_api_request(request):
            return None
        return HttpResponseNotAllowed(view_methods(view))


def view_methods(view) -> list[str]:
    """The PAGE_METHODS `view` answers: those its class implements (HEAD with GET, as Django's `View` does),
    or those `require_http_methods` (`require_GET`, `require_POST`, `require_safe`) lets through, found along
    the view's decorators; all three for a view that says nothing. Django keeps a decorator's methods only in
    its closure, where they are read (tests/security/test_http_edge.py pins a view of each kind)."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        implemented = {name.upper() for name in view_class.http_method_names if hasattr(view_class, name)}
        if "GET" in implemented:
            implemented.add("HEAD")
        return [method for method in PAGE_METHODS if method in implemented]
    while view is not None:
        declared = _closure_value(view, "request_method_list")
        if declared is not None:
            return [method for method in PAGE_METHODS if method in declared]
        view = getattr(view, "__wrapped__", None)
    return list(PAGE_METHODS)


def _closure_value(function, name: str):
    code, cells = getattr(function, "__code__", None), getattr(function, "__closure__", None)
    if code is None or not cells or name not in code.co_freevars:
        return None
    return cells[code.co_freevars.index(name)].cell_contents


class PageCsrfViewMiddleware(_SkippedByApi, CsrfViewMiddleware):
    """CSRF stays correct without it on the API: no API operation authenticates by cookie."""

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if is_api_request(request):
            return None
        return super().process_view(request, callback, callback_args, callback_kwargs)


class PageAuthenticationMiddleware(_SkippedByApi, AuthenticationMiddleware):
    """The session's user on pages. On the API, where the token's owner is `request.auth`, the anonymous
    user: the page cache asks `request.user`, and an API answer is the same for everyone."""

    def __call__(self, request):
        if is_api_request(request):
            request.user = AnonymousUser()
        return super().__call__(request)


class PageMessageMiddleware(_SkippedByApi, MessageMiddleware):
    pass


class PageXFrameOptionsMiddleware(_SkippedByApi, XFrameOptionsMiddleware):
    pass
