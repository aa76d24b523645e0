"""Near-duplicate lookup: proposals whose MinHash signature shares an LSH band with a given signature."""

from __future__ import annotations

from ..models import DuplicateBand, Proposal
from ..models.proposal import PUBLIC_STATUSES, ProposalStatus
from ..screening.duplicates import band_buckets, similarity

# What a new text is compared with: what is public and what waits for a moderator.
COMPARED_STATUSES = (*PUBLIC_STATUSES, ProposalStatus.IN_MODERATION)
# A bucket shared by very many proposals (a text pasted thousands of times) is read this far, no further:
# the campaign is already found by then.
BUCKET_READ_LIMIT = 200


def similar_by_signature(sig: bytes, *, exclude_pk: int | None = None) -> list[tuple[float, Proposal]]:
    """(estimated similarity, proposal) for every candidate sharing a band, most similar first."""
    candidate_ids: set[int] = set()
    for band, bucket in band_buckets(sig):
        rows = DuplicateBand.objects.filter(band=band, bucket=bucket)
        if exclude_pk is not None:
            rows = rows.exclude(proposal_id=exclude_pk)
        candidate_ids.update(rows.values_list("proposal_id", flat=True)[:BUCKET_READ_LIMIT])
    if not candidate_ids:
        return []
    candidates = Proposal.objects.filter(pk__in=candidate_ids, status__in=COMPARED_STATUSES).only(
        "pk", "author_id", "status", "minhash", "cluster_of_id", "published_at"
    )
    scored = [(similarity(sig, bytes(other.minhash)), other) for other in candidates if other.minhash]
    return sorted(scored, key=lambda pair: (-pair[0], pair[1].pk))
