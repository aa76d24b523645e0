"""Following a proposal, an article or a topic: who hears of its changes and answers."""

from django.db import IntegrityError, models, transaction

from portal.accounts.models import User

from ..models import ArticleIdentity, Follow, Proposal, Topic
from ..selectors.reader_facts import own_facts_changed


def _one_target(
    proposal: Proposal | None, article: ArticleIdentity | None, topic: Topic | None
) -> dict[str, Proposal | ArticleIdentity | Topic]:
    targets = {"proposal": proposal, "article": article, "topic": topic}
    chosen = {name: value for name, value in targets.items() if value is not None}
    if len(chosen) != 1:
        raise ValueError("Name exactly one of proposal, article or topic.")
    return chosen


def follow_row_set(model: type[models.Model], *, user: User, follow: bool, target: dict) -> bool:
    """Creates or deletes one person's follow row of `model` for `target`; True if something changed.

    Following twice is not an error: the row's unique constraint refuses the second one inside a savepoint,
    so concurrent clicks agree without a lock and the caller's transaction goes on."""
    if not follow:
        deleted, _rows = model.objects.filter(user=user, **target).delete()
        changed = bool(deleted)
    else:
        try:
            with transaction.atomic():
                model.objects.create(user=user, **target)
        except IntegrityError:
            return False
        changed = True
    if changed and ("proposal" in target or "article" in target):
        own_facts_changed([user.pk])  # the proposal's or the article's page shows whether they follow it
    return changed


def follow_set(
    *,
    user: User,
    proposal: Proposal | None = None,
    article: ArticleIdentity | None = None,
    topic: Topic | None = None,
    follow: bool,
) -> bool:
    """Follows (or stops following) exactly one of proposal, article or topic; True if something changed."""
    return follow_row_set(Follow, user=user, follow=follow, target=_one_target(proposal, article, topic))


def follow_add(
    *,
    user: User,
    proposal: Proposal | None = None,
    article: ArticleIdentity | None = None,
    topic: Topic | None = None,
) -> bool:
    """Follows exactly one of proposal, article or topic; True if new, False if already followed."""
    return follow_set(user=user, proposal=proposal, article=article, topic=topic, follow=True)
