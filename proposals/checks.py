"""The participation domain's settings from the environment, checked at every start
(portal/core/checks.py)."""

from django.conf import settings
from django.core.checks import Error, register

from portal.core.checks import SETTINGS_TAG

from .models import Consultation


@register(SETTINGS_TAG)
def moderation_policy_known(app_configs, **kwargs):
    known = [value for value in Consultation.ModerationPolicy.values if value]
    if settings.PORTAL_MODERATION_POLICY in known:
        return []
    return [
        Error(
            f"PORTAL_MODERATION_POLICY is {settings.PORTAL_MODERATION_POLICY!r}: it must be one of {known} "
            "(any other value publishes clean submissions at once, as 'auto_publish_clean' does).",
            id="portal.E045",
        )
    ]
