from .services import unread_count


def notifications(request):
    """The unread count beside the bell in the header (read with the user row when the backend did)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    preloaded = getattr(user, "_portal_unread", None)
    return {"unread_notifications": unread_count(user) if preloaded is None else preloaded}
