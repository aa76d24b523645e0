"""Following a proposal, an article or a topic: who hears of its changes and answers."""

from django.db import IntegrityError, transaction

from portal.accounts.models import User

from ..models import ArticleIdentity, Follow, Proposal, Topic


def _one_target(
    proposal: Proposal | None, article: ArticleIdentity | None, topic: Topic | None
) -> dict[str, Proposal | ArticleIdentity | Topic]:
    targets = {"proposal": proposal, "article": article, "topic": topic}
    chosen = {name: value for name, value in targets.items() if value is not None}
    if len(chosen) != 1:
        raise ValueError("Name exactly one of proposal, article or topic.")
    return chosen


def follow_add(
    *,
    user: User,
    proposal: Proposal | None = None,
    article: ArticleIdentity | None = None,
    topic: Topic | None = None,
) -> bool:
    """Follows exactly one of proposal, article or topic; True if new, False if already followed."""
    target = _one_target(proposal, article, topic)
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, **target)
    except IntegrityError:
        return False
    return True


def follow_remove(
    *,
    user: User,
    proposal: Proposal | None = None,
    article: ArticleIdentity | None = None,
    topic: Topic | None = None,
) -> bool:
    """Stops following exactly one of proposal, article or topic; True if there was something to stop."""
    deleted, _rows = Follow.objects.filter(user=user, **_one_target(proposal, article, topic)).delete()
    return bool(deleted)
