"""The staff second-factor gate (PORTAL_STAFF_MFA=required)."""

from django.contrib import messages
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import redirect
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _

from portal.core import permissions


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
