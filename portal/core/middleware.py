"""The staff second-factor gate (PORTAL_STAFF_MFA=required)."""

from django.contrib import messages
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
