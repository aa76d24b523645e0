"""Supports: one per verified person and proposal, counted exactly under concurrency."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from portal.core import permissions

from ..models import Proposal, Support


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
            Proposal.objects.filter(pk=proposal.pk).update(supports_count=F("supports_count") + 1)
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
            Proposal.objects.filter(pk=proposal.pk).update(supports_count=F("supports_count") - deleted)
    return bool(deleted)


def supports_reconcile(*, proposal_ids=None) -> int:
    """Recomputes counters from the rows (a periodic safety net); returns how many were corrected."""
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
    queryset = queryset.annotate(actual=Coalesce(Subquery(counts), 0)).exclude(supports_count=F("actual"))
    corrected = 0
    for proposal_id, actual in queryset.values_list("pk", "actual"):
        corrected += Proposal.objects.filter(pk=proposal_id).update(supports_count=actual)
    return corrected
