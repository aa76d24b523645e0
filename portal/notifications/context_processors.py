from .models import UNREAD_COUNTED_UP_TO
from .selectors import unread_count


def notifications(request):
    """The unread count beside the bell in the header (read with the user row when the backend did), and how
    the bell writes it: counted up to UNREAD_COUNTED_UP_TO, "99+" from there."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0, "unread_notifications_label": ""}
    preloaded = getattr(user, "_portal_unread", None)
    unread = unread_count(user) if preloaded is None else preloaded
    label = f"{UNREAD_COUNTED_UP_TO - 1}+" if unread >= UNREAD_COUNTED_UP_TO else str(unread)
    return {"unread_notifications": unread, "unread_notifications_label": label}
