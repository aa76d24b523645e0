from django.conf import settings

from portal.core import permissions


def portal(request):
    """What the base template needs on every page: the user's staff status and site facts."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        from portal.notifications.services import unread_count

        unread = unread_count(user)
    from django.utils.translation import get_language

    from portal.core import switches

    site_switches = switches.current()
    return {
        "site_banner": site_switches.banner((get_language() or "kk")[:2]),
        "unread_notifications": unread,
        "is_staff_member": permissions.is_staff_member(user) if user else False,
        "SITE_URL": settings.SITE_URL,
    }
