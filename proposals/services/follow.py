from django.db import IntegrityError, transaction

from ..models import Follow


def follow_add(*, user, proposal=None, article=None, topic=None) -> bool:
    """Follows exactly one of proposal, article or topic; True if new, False if already followed."""
    targets = {"proposal": proposal, "article": article, "topic": topic}
    chosen = {name: value for name, value in targets.items() if value is not None}
    if len(chosen) != 1:
        raise ValueError("Follow exactly one of proposal, article or topic.")
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, **chosen)
    except IntegrityError:
        return False
    return True


def follow_remove(*, user, proposal=None, article=None, topic=None) -> bool:
    targets = {"proposal": proposal, "article": article, "topic": topic}
    chosen = {name: value for name, value in targets.items() if value is not None}
    if len(chosen) != 1:
        raise ValueError("Unfollow exactly one of proposal, article or topic.")
    deleted, _rows = Follow.objects.filter(user=user, **chosen).delete()
    return bool(deleted)
