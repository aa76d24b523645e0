from django.conf import settings
from django.utils.translation import get_language

from portal.core import switches
from portal.core.roles import is_staff_member


def portal(request):
    """What the base template needs on every page: the user's staff status and site facts."""
    user = getattr(request, "user", None)
    return {
        # Read when a template shows it: a shared page already holds it, and its personal parts do not.
        "site_banner": lambda: switches.current().banner((get_language() or "kk")[:2]),
        "is_staff_member": is_staff_member(user) if user else False,
        "SITE_URL": settings.SITE_URL,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
    }
