"""The Content-Security-Policy header, built once per process.

django-csp's middleware builds the policy string from the settings on every response (with its report-only
twin), for the nonces and per-view changes it supports: a twentieth of a signed-in page's processor time. The
portal uses neither (no inline script or style anywhere, no view changes the policy), so the site's policy is
one string for the life of the settings; a response that does ask for a nonce or a change of its own still
goes through django-csp as before.
"""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings

# What a view may set on its response to change the policy (django-csp's decorators).
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt",
    "_csp_exempt_ro",
)
# The policies built, with the settings objects they were built from (a test's override builds anew).
_built: dict[str, tuple[object, str]] = {}


def site_policy(setting: str) -> str:
    """The header value of the policy in `setting` (CONTENT_SECURITY_POLICY or its _REPORT_ONLY twin)."""
    config = getattr(settings, setting, None)
    built = _built.get(setting)
    if built is None or built[0] is not config:
        built = _built[setting] = (config, build_policy(report_only=setting.endswith("_REPORT_ONLY")))
    return built[1]


class SitePolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE)
        ):
            return super().process_response(request, response)
        for header, setting in (
            (HEADER, "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = site_policy(setting)
            excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if policy and header not in response and not request.path_info.startswith(tuple(excluded)):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
