"""Asks a logged-in person to accept the privacy notice in force before anything else."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import empty
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_path

from .privacy import needs_consent

# Paths (after the language prefix) that open without the current consent: leaving, reading the notice,
# accepting it, and what machines call; and, for whoever does not accept the new notice, taking a copy of
# their data and deleting the account (/accounts/privacy/), which must not need that acceptance first.
_OPEN_PATHS = ("/accounts/logout/", "/privacy/", "/accounts/privacy/")
_UNPREFIXED_OPEN = ("/static/", "/media/", "/healthz", "/livez", "/api/", "/open-data/", "/hearings.ics")


class PrivacyConsentMiddleware:
    """A middleware rather than a login hook: a new notice version reaches people already logged in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # The path first: asking `is_authenticated` loads the session's user, which open paths never need.
        if (
            user is not None
            and not self._is_open(request.path_info)
            and user.is_authenticated
            and needs_consent(user)
        ):
            target = reverse("account_privacy_consent")
            next_url = request.get_full_path()
            if request.method == "GET" and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
                target += "?" + urlencode({"next": next_url})
            return redirect(target)
        if user is not None and user.__dict__.get("_wrapped", empty) is not empty:
            # Loaded above: the view, its permission rules and the templates read the person a few hundred
            # times, each read through the lazy object costing a call of its own (a tenth of a shared page).
            request.user = user._wrapped
        return self.get_response(request)

    @staticmethod
    def _is_open(path: str) -> bool:
        if path.startswith(_UNPREFIXED_OPEN):
            return True
        language = get_language_from_path(path)
        if language:
            path = path[len(language) + 1 :]
        return path.startswith(_OPEN_PATHS)
