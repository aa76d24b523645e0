"""Near-duplicate lookup: proposals whose MinHash signature shares an LSH band with a given signature."""

from __future__ import annotations

from django.db.models import Q, Window
from django.db.models.functions import RowNumber

from ..detectors.minhash import band_buckets, similarity
from ..models import DuplicateBand, Proposal
from ..models.proposal import PUBLIC_STATUSES, ProposalStatus

# What a new text is compared with: what is public and what waits for a moderator.
COMPARED_STATUSES = (*PUBLIC_STATUSES, ProposalStatus.IN_MODERATION)
# A bucket shared by very many proposals (a text pasted thousands of times) is read this far, no further:
# the campaign is already found by then.
BUCKET_READ_LIMIT = 200


def similar_by_signature(sig: bytes, *, exclude_pk: int | None = None) -> list[tuple[float, Proposal]]:
    """(estimated similarity, proposal) for every candidate sharing a band, most similar first."""
    # One query: the (band, bucket) index answers each OR-ed pair; a window caps each bucket's rows.
    pairs = Q()
    for band, bucket in band_buckets(sig):
        pairs |= Q(band=band, bucket=bucket)
    rows = DuplicateBand.objects.filter(pairs)
    if exclude_pk is not None:
        rows = rows.exclude(proposal_id=exclude_pk)
    ranked = rows.annotate(rank=Window(RowNumber(), partition_by=["band", "bucket"], order_by="proposal_id"))
    candidate_ids = {row.proposal_id for row in ranked if row.rank <= BUCKET_READ_LIMIT}
    if not candidate_ids:
        return []
    candidates = Proposal.objects.filter(pk__in=candidate_ids, status__in=COMPARED_STATUSES).only(
        "pk", "author_id", "status", "minhash", "cluster_of_id", "published_at"
    )
    scored = [(similarity(sig, bytes(other.minhash)), other) for other in candidates if other.minhash]
    return sorted(scored, key=lambda pair: (-pair[0], pair[1].pk))
