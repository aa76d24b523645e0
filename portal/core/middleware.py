"""The staff second-factor gate (PORTAL_STAFF_MFA=required), conditional GETs of machine-readable files, and
a 503 for a request whose database connection was lost."""

import logging

from django.contrib import messages
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import redirect
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _

from portal.core import permissions

logger = logging.getLogger(__name__)


class StaffSecondFactorMiddleware:
    """Sends staff without TOTP to set it up before any page under PORTAL_STAFF_PATHS opens.

    Middleware rather than a decorator so that no staff view, present or future, can forget it,
    Django's own admin included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._is_staff_path(request.path_info) and permissions.must_set_up_second_factor(request.user):
            messages.warning(
                request,
                _("Staff pages need a second factor. Set up an authenticator app to continue."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _is_staff_path(path: str) -> bool:
        from django.conf import settings

        language = get_language_from_path(path)
        if language:
            path = path[len(language) + 1 :]
        return path.startswith(tuple(settings.PORTAL_STAFF_PATHS))


class MachineReadableConditionalGetMiddleware(ConditionalGetMiddleware):
    """ETag and 304 Not Modified for the API, open data and calendars: clients that poll (dashboards,
    newsrooms, calendar apps) re-download nothing when nothing changed. HTML pages carry a CSRF token per
    response, so an ETag would never match there; they are left alone."""

    PREFIXES = ("/api/", "/open-data/", "/hearings.ics")

    def process_response(self, request, response):
        if request.path.startswith(self.PREFIXES):
            return super().process_response(request, response)
        return response


class DatabaseUnavailableMiddleware:
    """A view whose database connection was lost (a failover, a restart, a terminated session) answers 503
    with Retry-After rather than a 500: the failure is passing, the transaction it was in was rolled back,
    and the client may try again (issue 10's PostgreSQL drill). Other errors stay 500s.
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
