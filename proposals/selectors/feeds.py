"""What the Atom feeds carry: the latest published answers, implementation news (published updates and missed
due dates) and hearings. Each read is bounded and takes one or two queries whatever the number of rows, and
holds what public pages show only: proposals in public view, consultations past their draft, published
answers and updates; never who drafted, approved or posted them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ..models import (
    Commitment,
    CommitmentUpdate,
    Consultation,
    ConsultationStatus,
    Hearing,
    HearingStatus,
    HearingTransition,
    ProposalResponse,
)
from .commitment import overdue_condition, today
from .public import public_commitment_updates, public_commitments, public_hearings, public_proposals
from .response import published_responses

# A feed reader keeps what it has read; the latest fifty reach a reader who looks once a week on a busy day.
FEED_LENGTH = 50


def public_answers(*, consultation=None, limit: int) -> list[ProposalResponse]:
    """The latest published answers to proposals in public view, newest first, each with its proposal."""
    answers = (
        published_responses()
        .filter(proposal__in=public_proposals())
        .select_related("proposal")
        .only(
            "id",
            "status",
            "published_at",
            "reasoning_kk",
            "reasoning_ru",
            "reasoning_en",
            "proposal__id",
            "proposal__title",
            "proposal__language",
        )
        .order_by("-published_at", "-id")
    )
    if consultation is not None:
        answers = answers.filter(proposal__consultation=consultation)
    return list(answers[:limit])


@dataclass(frozen=True)
class ImplementationNews:
    """One entry of the implementation feed: a published update, or a due date that passed unfinished
    (`update` is None)."""

    commitment: Commitment
    update: CommitmentUpdate | None
    at: datetime

    @property
    def key(self) -> str:
        return (
            f"update-{self.update.pk}" if self.update else f"overdue-{self.commitment.due_date.isoformat()}"
        )


def _of(queryset: QuerySet, prefix: str, consultation) -> QuerySet:
    return queryset if consultation is None else queryset.filter(**{f"{prefix}consultation": consultation})


def missed_since(due_date) -> datetime:
    """When a due date counts as missed: the start of the next day in Almaty."""
    return timezone.make_aware(datetime.combine(due_date + timedelta(days=1), time.min))


def implementation_news(*, consultation=None, limit: int) -> list[ImplementationNews]:
    """The latest published commitment updates and the due dates missed, newest first (two queries)."""
    updates = _of(public_commitment_updates(), "commitment__", consultation).select_related(
        "commitment__consultation", "commitment__body"
    )
    overdue = _of(public_commitments().filter(overdue_condition(today())), "", consultation)
    news = [
        ImplementationNews(update.commitment, update, update.published_at)
        for update in updates.order_by("-published_at", "-id")[:limit]
    ] + [
        ImplementationNews(commitment, None, missed_since(commitment.due_date))
        for commitment in overdue.select_related("consultation", "body").order_by("-due_date", "-id")[:limit]
    ]
    news.sort(key=lambda item: item.at, reverse=True)
    return news[:limit]


def latest_hearings(*, limit: int) -> list[Hearing]:
    """The hearings announced or changed most recently, newest change first, with their status log newest
    first (`status_log`) for the reason of a postponement or cancellation."""
    return list(
        public_hearings()
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=HearingTransition.objects.only("id", "hearing_id", "to_status", "reason").order_by(
                    "-id"
                ),
                to_attr="status_log",
            )
        )
        .order_by("-updated_at", "-id")[:limit]
    )


def status_reason(hearing: Hearing) -> str:
    """`selectors.hearing.hearing_status_reason` from the prefetched log."""
    if hearing.status not in (HearingStatus.POSTPONED, HearingStatus.CANCELLED):
        return ""
    return next((step.reason for step in hearing.status_log if step.to_status == hearing.status), "")


def public_consultation(slug: str) -> Consultation | None:
    """The consultation a feed follows: any but a draft, which no feed names, whoever asks."""
    return Consultation.objects.exclude(status=ConsultationStatus.DRAFT).filter(slug=slug).first()
