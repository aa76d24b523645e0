"""Supports: one per verified person and proposal, counted exactly under concurrency.

The support row is the fact; `Proposal.supports_count` is its count, kept equal to the rows. Normally the
counter moves in the support's own transaction. When a proposal is hot (thousands of people supporting it in
the same minutes) every support would queue for that one counter row's lock, so a support that finds the row
locked appends a `SupportTally` instead, and `supports_fold` adds the pending changes to the counter in
batches, seconds later. Counts may lag by seconds; they never drift.
"""

from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from portal.core import permissions

from ..models import Proposal, Support, SupportTally


def _refuse_unless_allowed(user, proposal: Proposal) -> None:
    reason = permissions.support_refusal(user, proposal)
    if reason:
        raise PermissionDenied(reason)


def support_add(*, user, proposal: Proposal) -> bool:
    """Adds the person's support; True if it was new. A second support is a no-op returning False.

    The unique constraint decides between racing requests; the counter moves in the same transaction as
    the row, and only when a row was really inserted, so it cannot drift from the rows.
    """
    _refuse_unless_allowed(user, proposal)
    try:
        with transaction.atomic():
            Support.objects.create(user=user, proposal=proposal)
            _count(proposal.pk, +1)
    except IntegrityError:
        return False
    return True


def support_withdraw(*, user, proposal: Proposal) -> bool:
    """Withdraws the person's support while intake is open; True if there was one."""
    if not permissions.intake_is_open(proposal.consultation):
        raise PermissionDenied(_("Supports can no longer change: proposal intake is closed."))
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(user=user, proposal=proposal).delete()
        if deleted:
            _count(proposal.pk, -deleted)
    return bool(deleted)


def _count(proposal_id: int, delta: int) -> None:
    """Moves the counter now if its row is free, or leaves a pending change for the fold if it is locked.

    Runs inside the support's transaction. `SKIP LOCKED` makes the update touch no row when another
    transaction holds the counter, instead of waiting for it; `NO KEY UPDATE` is the lock an UPDATE takes
    anyway and does not block the foreign-key checks of concurrent support inserts.
    """
    if connection.features.has_select_for_update_skip_locked:
        free = (
            Proposal.objects.filter(pk=proposal_id)
            .order_by()
            .select_for_update(skip_locked=True, no_key=True)
            .values("pk")
        )
        if Proposal.objects.filter(pk__in=free).update(supports_count=F("supports_count") + delta):
            return
        SupportTally.objects.create(proposal_id=proposal_id, delta=delta)
        transaction.on_commit(_schedule_fold)
        return
    # SQLite (the embedded default) has one writer at a time, so there is no queue to avoid.
    Proposal.objects.filter(pk=proposal_id).update(supports_count=F("supports_count") + delta)


def _schedule_fold() -> None:
    """Queues one fold a second at most, however many supports arrive; the beat sweep covers a lost one."""
    from portal.core.queue import enqueue_on_commit

    from ..tasks import fold_support_tallies

    delay = settings.SUPPORT_FOLD_DELAY_SECONDS
    # While Redis is away the cache answers "added" and the enqueue gives up quietly (portal/core/queue.py);
    # the beat sweep folds once it is back.
    if cache.add("supports:fold-queued", 1, timeout=max(delay, 1)):
        enqueue_on_commit(fold_support_tallies, countdown=delay)


def supports_fold(*, limit: int = 10000) -> int:
    """Adds pending counter changes to their proposals' counters; returns how many changes were folded.

    The pending rows are locked, summed per proposal, added and deleted in one transaction, so a change is
    counted exactly once even when two folds run at the same time (the second skips the locked rows).
    """
    with transaction.atomic():
        pending = list(
            SupportTally.objects.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", "proposal_id", "delta")[:limit]
        )
        if not pending:
            return 0
        totals: dict[int, int] = defaultdict(int)
        for _pk, proposal_id, delta in pending:
            totals[proposal_id] += delta
        SupportTally.objects.filter(pk__in=[row[0] for row in pending]).delete()
        # Sorted, so two folds lock counters in the same order and cannot deadlock.
        for proposal_id in sorted(totals):
            if delta := totals[proposal_id]:
                Proposal.objects.filter(pk=proposal_id).update(supports_count=F("supports_count") + delta)
    return len(pending)


def supports_reconcile(*, proposal_ids=None) -> int:
    """Recomputes counters from the rows (a periodic safety net); returns how many were corrected.

    Pending changes are folded first; a proposal that still has some (supports arriving right now) is left
    for the next run rather than "corrected" against a moving target.
    """
    while supports_fold():
        pass
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    counts = (
        Support.objects.filter(proposal=OuterRef("pk"))
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = Proposal.objects.all()
    if proposal_ids is not None:
        queryset = queryset.filter(pk__in=proposal_ids)
    queryset = queryset.exclude(pending_tallies__isnull=False)
    queryset = queryset.annotate(actual=Coalesce(Subquery(counts), 0)).exclude(supports_count=F("actual"))
    corrected = 0
    for proposal_id, actual in queryset.values_list("pk", "actual"):
        corrected += Proposal.objects.filter(pk=proposal_id).update(supports_count=actual)
    return corrected
