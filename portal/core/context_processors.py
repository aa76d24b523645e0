from django.conf import settings

from portal.core import permissions


def portal(request):
    """What the base template needs on every page: the user's staff status and site facts."""
    user = getattr(request, "user", None)
    return {
        "is_staff_member": permissions.is_staff_member(user) if user else False,
        "SITE_URL": settings.SITE_URL,
    }
