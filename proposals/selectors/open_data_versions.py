"""The version of each streamed open-data file, for its ETag, read without reading the file.

The proposals and commitments files are streamed (too long to hold whole, so no hash of the body can name
them). Their version is a digest of a few aggregates over the rows they are made of: counts and highest
numbers of append-only rows (transitions, supports, links, updates; numbers are never reused, so a row
added and another removed still moves the highest), sums of the counters that move by UPDATE without
touching `updated_at` (supports, comments, clusters; a weighted sum too, so that one proposal losing what
another gains still changes it), and the few small tables whose names or rules the rows show. Anything a
row of the file shows moves one of them; a change the file does not show may move one too, which costs a
client one download, never a stale copy.
"""

import hashlib
from datetime import date

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Mod

from portal.accounts.models import IdentityLevel, Organisation

from ..models import (
    Commitment,
    CommitmentEvidence,
    CommitmentTransition,
    Consultation,
    ConsultationStatus,
    DocumentVersion,
    ObligationRule,
    Proposal,
    ProposalResponse,
    ProposalTransition,
    ResponseState,
    ResponseTransition,
    ResponsibleBody,
    Support,
    Topic,
)
from ..models.proposal import PUBLIC_STATUSES
from .public import public_commitment_updates, public_commitments, public_proposals

# Weights of the weighted sums: bounded, so that a sum over millions of rows stays within 64 bits.
_WEIGHT_MODULUS = 65521


_BODY_NAMES = ("name_kk", "name_ru", "name_en")


def _weighted(field: str) -> Sum:
    return Sum(F(field) * Mod("id", _WEIGHT_MODULUS))


def _appended(queryset: QuerySet) -> dict:
    """How many rows, and the highest number: changes whenever a row is added or removed."""
    return queryset.order_by().aggregate(rows=Count("pk"), last=Max("pk"))


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _outside_drafts(queryset: QuerySet, consultation: str) -> QuerySet:
    """The rows of consultations past their draft (`consultation` is the path to the row's consultation id):
    work on a consultation staff prepare out of sight (an answer published, a version, a status step) shows
    in no file, and moved every file's version, telling whoever polled it when that work was done."""
    # A subquery, not a list read first: each version reads several such aggregates, and the revalidation of
    # a file is meant to cost a fixed handful of queries.
    drafts = Consultation.objects.filter(status=ConsultationStatus.DRAFT).values("pk")
    return queryset.exclude(**{f"{consultation}__in": drafts})


def _public_status_changes() -> QuerySet[ProposalTransition]:
    """Proposals entering or leaving public view, or moving within it; what drafts and moderation do before
    a proposal is public changes no file."""
    return _outside_drafts(
        ProposalTransition.objects.filter(
            Q(from_status__in=PUBLIC_STATUSES) | Q(to_status__in=PUBLIC_STATUSES)
        ),
        "proposal__consultation_id",
    )


def _public_consultations() -> list:
    return list(
        Consultation.objects.exclude(status=ConsultationStatus.DRAFT)
        .order_by("pk")
        .values_list("pk", "slug", "status")
    )


def proposals_version(*, consultation=None) -> str:
    """Changes whenever a row of the proposals file would: a status, an answer or its correction, a support,
    a comment, a cluster, an article link, an answer deadline's rule, a name the rows show."""
    proposals = public_proposals()
    transitions = _public_status_changes()
    if consultation is not None:
        proposals = proposals.filter(consultation=consultation)
        transitions = transitions.filter(proposal__consultation=consultation)
    counters = proposals.order_by().aggregate(
        rows=Count("pk"),
        numbers=Sum("pk"),
        saved=Max("updated_at"),
        supports=Sum("supports_count"),
        supports_weighted=_weighted("supports_count"),
        comments=Sum("comments_count"),
        comments_weighted=_weighted("comments_count"),
        clusters=Sum("cluster_of"),
        cluster_sizes=_weighted("cluster_size"),
    )
    supports = Support.objects.filter(proposal__in=proposals).order_by()
    by_level = supports.aggregate(
        last=Max("pk"), **{level: Count("pk", filter=Q(level=level)) for level in IdentityLevel.values}
    )
    responses = _outside_drafts(
        ProposalResponse.objects.filter(state=ResponseState.PUBLISHED), "proposal__consultation_id"
    )
    return _digest(
        counters,
        by_level,
        _appended(transitions),
        responses.order_by().aggregate(rows=Count("pk"), last=Max("pk"), saved=Max("updated_at")),
        # The Commission's work on an answer before it is published (saved, sent, returned, taken back) is
        # internal: the version moved with each step, telling whoever polled it when the Commission met.
        _appended(
            _outside_drafts(
                ResponseTransition.objects.filter(to_state=ResponseState.PUBLISHED),
                "response__proposal__consultation_id",
            )
        ),
        _appended(
            _outside_drafts(
                ProposalResponse.articles.through.objects.filter(
                    proposalresponse__state=ResponseState.PUBLISHED
                ),
                "proposalresponse__proposal__consultation_id",
            )
        ),
        _appended(Proposal.articles.through.objects.filter(proposal__in=proposals)),
        list(
            ObligationRule.objects.order_by("pk").values_list(
                "pk", "consultation", "min_supports", "days", "is_active"
            )
        ),
        # Published versions only: a draft version staff import shows in no row until it is published.
        list(
            _outside_drafts(DocumentVersion.objects.published(), "document__consultation_id")
            .order_by("pk")
            .values_list("pk", "position", "published_at")
        ),
        list(Topic.objects.order_by("pk").values_list("pk", "slug")),
        list(
            Organisation.objects.filter(proposals__in=proposals)
            .distinct()
            .order_by("pk")
            .values_list("pk", "name")
        ),
        _public_consultations(),
    )


def commitments_version(*, consultation=None, today: date) -> str:
    """Changes whenever a row of the commitments file would, `today` included: it decides what is overdue."""
    commitments = public_commitments()
    if consultation is not None:
        commitments = commitments.filter(consultation=consultation)
    return _digest(
        today,
        commitments.order_by().aggregate(rows=Count("pk"), numbers=Sum("pk"), saved=Max("updated_at")),
        _appended(CommitmentTransition.objects.filter(commitment__in=commitments)),
        _appended(Commitment.articles.through.objects.filter(commitment__in=commitments)),
        _appended(Commitment.responses.through.objects.filter(commitment__in=commitments)),
        # The answers a commitment names are left out once their proposal leaves public view.
        _appended(_public_status_changes()),
        _updates_aggregates(consultation),
        list(ResponsibleBody.objects.order_by("pk").values_list("pk", "slug", *_BODY_NAMES)),
        _public_consultations(),
    )


def commitment_updates_version(*, consultation=None) -> str:
    return _digest(_updates_aggregates(consultation))


def _updates_aggregates(consultation) -> tuple:
    updates = public_commitment_updates()
    if consultation is not None:
        updates = updates.filter(commitment__consultation=consultation)
    return (
        updates.order_by().aggregate(rows=Count("pk"), numbers=Sum("pk"), published=Max("published_at")),
        _appended(CommitmentEvidence.objects.filter(update__in=updates)),
        _public_consultations(),
    )
