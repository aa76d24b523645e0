"""Supports: one per verified person and proposal, counted exactly under concurrency.

The support row is the fact; `Proposal.supports_count` is its count, kept equal to the rows. Normally the
counter moves in the support's own transaction. When a proposal is hot (thousands of people supporting it in
the same minutes) every support would queue for that one counter row's lock, so a support that finds the row
locked appends a `SupportTally` instead, and `supports_fold` adds the pending changes to the counter in
batches, seconds later. Counts may lag by seconds; they never drift.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.errors import DeadlockDetected

from portal.accounts.models import STRONG_LEVELS, IdentityLevel, IdentityVerification
from portal.accounts.selectors import identity_level
from portal.core.queue import enqueue_on_commit
from portal.core.ratelimit import rate_limit_hit
from portal.core.rows import prepared_cursor
from proposals.permissions.consultation import intake_is_open
from proposals.permissions.proposal import Refusal
from proposals.permissions.proposal import support_refusal as site_support_refusal

from ..models import Consultation, Proposal, RetainedSupport, Support, SupportTally
from ..selectors.proposal import supports_count_now
from ..selectors.reader_facts import own_facts_changed

# A support's statement that lost a deadlock is run again, once.
DEADLOCK_ATTEMPTS = 2
# One pace for a person whatever door the support comes through (page, htmx, API).
SUPPORTS_PER_MINUTE = 30


class SupportsThrottled(ValidationError):
    """More than SUPPORTS_PER_MINUTE supports from one account in a minute (429)."""


def support_refusal(user, proposal: Proposal) -> str | None:
    """Why `user` may not support `proposal` now, for them to read; None when they may.

    Beyond the site-wide rules: the consultation must accept the level of the person's identity verification,
    and an IIN whose erased account already supported the proposal cannot support it again.
    """
    reason = site_support_refusal(user, proposal)
    if reason:
        return reason
    accepted = proposal.consultation.accepted_identity_levels
    if identity_level(user) not in accepted:
        if set(accepted) <= STRONG_LEVELS | {IdentityLevel.STAFF}:
            return Refusal(
                _(
                    "This consultation counts supports only from people verified with a digital signature "
                    "or national sign-in. Verify your identity that way to support."
                ),
                next_step=Refusal.VERIFY,
            )
        return _("Your kind of identity verification cannot support in this consultation.")
    if _erased_account_supported(user, proposal):
        return _(
            "A support with your IIN is already counted for this proposal, from an account since erased."
        )
    return None


def _erased_account_supported(user, proposal: Proposal) -> bool:
    if "erased_account_supported" in proposal.__dict__:  # read with the proposal (supportable_proposal)
        return proposal.erased_account_supported
    fingerprint = IdentityVerification.objects.filter(user=user).values("identity_hash")[:1]
    return RetainedSupport.objects.filter(proposal=proposal, identity_hash=fingerprint).exists()


@dataclass(frozen=True)
class SupportCounted:
    added: bool  # False when the person had already supported: nothing changed
    supports_count: int  # counter and pending changes right after the write, as the supporter sees it


def support_add(*, user, proposal: Proposal) -> bool:
    """Adds the person's support; True if it was new. A second support is a no-op returning False.

    The unique constraint decides between racing requests; the counter moves in the same transaction as
    the row, and only when a row was really inserted, so it cannot drift from the rows. The support records
    the level of the person's identity verification, which the consultation must accept.
    """
    return support_add_counted(user=user, proposal=proposal).added


def support_add_counted(*, user, proposal: Proposal) -> SupportCounted:
    """`support_add`, also answering the count the supporter should see, read from the write itself.

    On PostgreSQL the insert, the counter's move (or its pending change) and the count are one statement:
    one round trip, no savepoint, no separate count query. With `selectors.proposal.supportable_proposal`
    and the token's query, a support through the API costs three statements.
    """
    counted = _support_added(user=user, proposal=proposal)
    if counted.added:
        own_facts_changed([user.pk])  # their pages show that they support it
    return counted


def _support_added(*, user, proposal: Proposal) -> SupportCounted:
    reason = support_refusal(user, proposal)
    if reason:
        raise PermissionDenied(reason)
    if not rate_limit_hit(scope="support", key=str(user.pk), limit=SUPPORTS_PER_MINUTE, period_seconds=60):
        raise SupportsThrottled(_("Too many supports in a minute. Wait a moment and try again."))
    level = identity_level(user)
    if connection.vendor == "postgresql" and connection.features.has_select_for_update_skip_locked:
        return _insert_counted(user_id=user.pk, proposal_id=proposal.pk, level=level)
    try:
        with transaction.atomic():
            Support.objects.create(user=user, proposal=proposal, level=level)
            _count(proposal.pk, +1)
    except IntegrityError:
        return SupportCounted(added=False, supports_count=supports_count_now(proposal.pk))
    return SupportCounted(added=True, supports_count=supports_count_now(proposal.pk))


# A support's write, its counter change and the count in one statement. The write (`{write}`) inserts or
# deletes the row and returns whether the row is in the counter: an insert that met an existing row returns
# nothing (ON CONFLICT DO NOTHING, decided by the unique constraint as before), and only a changed row moves
# the counter: with `FOR NO KEY UPDATE SKIP LOCKED` as in `_count`, a counter held by another support is not
# waited for, the change goes to a pending change instead. The count is the counter as this statement left
# it (or as it was, when nothing changed) plus the pending changes, those this statement added included
# (rows written by a statement are not visible to its own reads).
_COUNTED_CHANGE = """
WITH changed AS ({write}
), free AS (
    SELECT id FROM {proposal}
    WHERE id = %(proposal)s AND EXISTS (SELECT 1 FROM changed WHERE in_counter)
    FOR NO KEY UPDATE SKIP LOCKED
), counted AS (
    UPDATE {proposal} SET supports_count = supports_count + %(delta)s
    WHERE id IN (SELECT id FROM free)
    RETURNING supports_count
), tallied AS (
    INSERT INTO {tally} (proposal_id, delta, created_at)
    SELECT proposal_id, %(delta)s, %(now)s FROM changed
    WHERE in_counter AND NOT EXISTS (SELECT 1 FROM counted)
    RETURNING delta
)
SELECT
    EXISTS (SELECT 1 FROM changed),
    EXISTS (SELECT 1 FROM tallied),
    COALESCE(
        (SELECT supports_count FROM counted),
        (SELECT supports_count FROM {proposal} WHERE id = %(proposal)s)
    )
    + COALESCE((SELECT SUM(delta) FROM {tally} WHERE proposal_id = %(proposal)s), 0)
    + COALESCE((SELECT SUM(delta) FROM tallied), 0)
"""
# A new support is always in the counter: support_refusal let only an accepted level through.
_INSERT = """
    INSERT INTO {support} (proposal_id, user_id, level, created_at)
    VALUES (%(proposal)s, %(user)s, %(level)s, %(now)s)
    ON CONFLICT (proposal_id, user_id) DO NOTHING
    RETURNING proposal_id, TRUE AS in_counter"""
# Only supports at a level the consultation accepts are in the counter (see supports_reconcile).
_DELETE = """
    DELETE FROM {support} WHERE proposal_id = %(proposal)s AND user_id = %(user)s
    RETURNING proposal_id, level = ANY(%(levels)s) AS in_counter"""


@functools.cache
def _counted_change_sql(write: str) -> str:
    """Written once per process rather than composed on every support (portal/core/rows.py)."""
    quote = connection.ops.quote_name
    tables = {
        "support": quote(Support._meta.db_table),
        "proposal": quote(Proposal._meta.db_table),
        "tally": quote(SupportTally._meta.db_table),
    }
    return _COUNTED_CHANGE.format(write=write.format(**tables), **tables)


def _insert_counted(*, user_id: int, proposal_id: int, level: str) -> SupportCounted:
    params = {"proposal": proposal_id, "user": user_id, "level": level, "delta": 1}
    return _counted_change(_counted_change_sql(_INSERT), params)


def _counted_change(sql: str, params: dict) -> SupportCounted:
    for attempt in range(DEADLOCK_ATTEMPTS):
        try:
            with prepared_cursor() as cursor:
                cursor.execute(sql, {**params, "now": timezone.now()})
                changed, tallied, supports_count = cursor.fetchone()
            break
        except OperationalError as error:
            # Supports and a fold meeting on one proposal's row can deadlock (PostgreSQL then aborts one of
            # them, seen once in the parallel-supports test). Outside a transaction the statement is one of
            # its own and repeats safely: its insert meets the row if it was written, its delete finds none.
            retry = isinstance(error.__cause__, DeadlockDetected) and not connection.in_atomic_block
            if not retry or attempt == DEADLOCK_ATTEMPTS - 1:
                raise
    if tallied:
        transaction.on_commit(_schedule_fold)
    return SupportCounted(added=changed, supports_count=supports_count)


def support_withdraw(*, user, proposal: Proposal) -> bool:
    """Withdraws the person's support while intake is open; True if there was one."""
    return support_withdraw_counted(user=user, proposal=proposal).added


def support_withdraw_counted(*, user, proposal: Proposal) -> SupportCounted:
    """`support_withdraw`, also answering the count the person should see; `added` says whether a support
    was withdrawn. On PostgreSQL the delete, the counter's move and the count are one statement."""
    counted = _support_withdrawn(user=user, proposal=proposal)
    if counted.added:
        own_facts_changed([user.pk])
    return counted


def _support_withdrawn(*, user, proposal: Proposal) -> SupportCounted:
    if not intake_is_open(proposal.consultation):
        raise PermissionDenied(_("Supports can no longer change: proposal intake is closed."))
    levels = list(proposal.consultation.accepted_identity_levels)
    if connection.vendor == "postgresql" and connection.features.has_select_for_update_skip_locked:
        params = {"proposal": proposal.pk, "user": user.pk, "levels": levels, "delta": -1}
        return _counted_change(_counted_change_sql(_DELETE), params)
    support = Support.objects.filter(user=user, proposal=proposal).only("pk", "level").first()
    deleted = 0
    if support is not None:
        with transaction.atomic():
            deleted, _rows = Support.objects.filter(pk=support.pk).delete()
            if deleted and support.level in levels:
                _count(proposal.pk, -1)
    return SupportCounted(added=bool(deleted), supports_count=supports_count_now(proposal.pk))


def supports_retain_on_identity_release(user, identity_hash: str) -> None:
    """Keeps the IIN fingerprint beside each proposal the account supported while the IIN was its own: the
    account is erased or verified again with another IIN (accounts' `identity_release_hooks`)."""
    proposal_ids = Support.objects.filter(user=user).values_list("proposal_id", flat=True)
    RetainedSupport.objects.bulk_create(
        [RetainedSupport(proposal_id=pk, identity_hash=identity_hash) for pk in proposal_ids],
        ignore_conflicts=True,
    )


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
    delay = settings.SUPPORT_FOLD_DELAY_SECONDS
    # While Redis is away the cache answers "added" and the enqueue gives up quietly (portal/core/queue.py);
    # the beat sweep folds once it is back.
    if cache.add("supports:fold-queued", 1, timeout=max(delay, 1)):
        enqueue_on_commit("proposals.tasks.fold_support_tallies", countdown=delay)


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

    A counter holds the supports at the levels its consultation accepts, so narrowing a consultation's
    levels and reconciling its proposals leaves the weaker supports visible (by level) but uncounted.
    Pending changes are folded first; a proposal that still has some (supports arriving right now) is left
    for the next run rather than "corrected" against a moving target.
    """
    while supports_fold():
        pass
    corrected = 0
    for consultation in Consultation.objects.only("pk", "accepted_identity_levels"):
        counts = (
            Support.objects.filter(proposal=OuterRef("pk"), level__in=consultation.accepted_identity_levels)
            .order_by()
            .values("proposal")
            .annotate(n=Count("pk"))
            .values("n")
        )
        queryset = Proposal.objects.filter(consultation=consultation)
        if proposal_ids is not None:
            queryset = queryset.filter(pk__in=proposal_ids)
        queryset = queryset.exclude(pending_tallies__isnull=False)
        queryset = queryset.annotate(actual=Coalesce(Subquery(counts), 0)).exclude(supports_count=F("actual"))
        for proposal_id, actual in queryset.values_list("pk", "actual"):
            corrected += Proposal.objects.filter(pk=proposal_id).update(supports_count=actual)
    return corrected
