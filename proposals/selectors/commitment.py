"""Reads about commitments: the public tracker with its filters, the overdue list, the chain behind each
commitment, the progress history the chart draws, and the open-data rows (with their field descriptions)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..models import (
    OPEN_COMMITMENT_STATUSES,
    ArticleIdentity,
    Commitment,
    CommitmentEvidence,
    CommitmentStatus,
    CommitmentUpdate,
    Proposal,
    ProposalResponse,
    ResponseState,
    ResponseStatus,
    ResponsibleBody,
    UpdateState,
)
from ..models.proposal import PUBLIC_STATUSES
from .public import public_commitment_updates, public_commitments

# Answers that adopt a change: only these can stand behind a commitment.
ADOPTING_RESPONSES = (ResponseStatus.ACCEPTED, ResponseStatus.PARTIALLY_ACCEPTED)
# Published articles only: an answer may name an article new in a draft, which commitments cannot carry out
# (nor the public read) before its version is published.
_ARTICLES = (
    ArticleIdentity.objects.published().select_related("document__consultation").order_by("document_id", "id")
)
# The answers behind a commitment that public outputs name: a proposal taken out of public view (hidden by
# moderation, withdrawn) is not named by its number or title there, as the proposals' open data leaves it out.
_PUBLIC_ANSWERS = ProposalResponse.objects.filter(proposal__status__in=PUBLIC_STATUSES)
_PUBLISHED_UPDATES = CommitmentUpdate.objects.filter(state=UpdateState.PUBLISHED).order_by(
    "published_at", "id"
)


def today() -> date:
    return timezone.localdate()


def overdue_condition(on: date) -> Q:
    """Still owed and past its due date (a database filter)."""
    return Q(status__in=OPEN_COMMITMENT_STATUSES, due_date__lt=on)


@dataclass(frozen=True)
class TrackerFilters:
    article: str | None = None  # an article key
    body: str | None = None  # a body's slug
    status: str | None = None


def tracker_commitments(*, consultation, filters: TrackerFilters = TrackerFilters()) -> QuerySet[Commitment]:
    queryset = Commitment.objects.filter(consultation=consultation)
    if filters.article:
        queryset = queryset.filter(articles__key=filters.article)
    if filters.body:
        queryset = queryset.filter(body__slug=filters.body)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return (
        queryset.select_related("body", "consultation")
        .prefetch_related(Prefetch("articles", queryset=_ARTICLES))
        .distinct()
        .order_by("due_date", "id")
    )


def overdue_commitments(*, consultation=None, on: date | None = None) -> QuerySet[Commitment]:
    """Commitments past their due date and not done or dropped, longest overdue first."""
    queryset = Commitment.objects.filter(overdue_condition(on or today()))
    if consultation is not None:
        queryset = queryset.filter(consultation=consultation)
    return (
        queryset.select_related("body", "consultation")
        .prefetch_related(Prefetch("articles", queryset=_ARTICLES))
        .order_by("due_date", "id")
    )


def status_counts(*, consultation) -> dict[str, int]:
    counted = dict(
        Commitment.objects.filter(consultation=consultation)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counted.get(status, 0) for status in CommitmentStatus.values}


def tracker_filter_choices(*, consultation) -> dict:
    """The articles and bodies that have commitments in this consultation, for the filter form."""
    return {
        "articles": list(
            ArticleIdentity.objects.filter(commitments__consultation=consultation).distinct().order_by("id")
        ),
        "bodies": list(
            ResponsibleBody.objects.filter(commitments__consultation=consultation).distinct().order_by("slug")
        ),
    }


def commitment_detail(*, consultation, pk: int) -> Commitment | None:
    """A commitment with its whole chain: proposals → answers → changed articles → updates with evidence."""
    return (
        Commitment.objects.filter(consultation=consultation, pk=pk)
        .select_related("body", "consultation")
        .prefetch_related(
            Prefetch("articles", queryset=_ARTICLES),
            Prefetch(
                "responses",
                queryset=_PUBLIC_ANSWERS.select_related("proposal", "version")
                .prefetch_related(Prefetch("articles", queryset=_ARTICLES))
                .order_by("published_at", "id"),
            ),
            Prefetch(
                "updates",
                queryset=_PUBLISHED_UPDATES.select_related("corrects").prefetch_related(
                    Prefetch("evidence", queryset=CommitmentEvidence.objects.order_by("id"))
                ),
                to_attr="public_updates",
            ),
        )
        .first()
    )


def commitments_for_article(identity: ArticleIdentity) -> list[Commitment]:
    return list(identity.commitments.select_related("body", "consultation").order_by("due_date", "id"))


def commitments_for_proposal(proposal: Proposal) -> list[Commitment]:
    """Commitments whose answers answer this proposal (a cluster member shares its representative's)."""
    target = proposal.cluster_of_id or proposal.pk
    return list(
        Commitment.objects.filter(responses__proposal_id=target)
        .select_related("body", "consultation")
        .distinct()
        .order_by("due_date", "id")
    )


def last_published_update_id(commitment) -> int:
    """The newest published update of the commitment (0 before the first): what a member saw when the update
    form was shown. Every change of status, progress or due date publishes an update, an approval included."""
    return (
        CommitmentUpdate.objects.filter(commitment=commitment, state=UpdateState.PUBLISHED).aggregate(
            last=Max("id")
        )["last"]
        or 0
    )


def pending_updates() -> QuerySet[CommitmentUpdate]:
    """Changes waiting for a second member's approval (staff only)."""
    return (
        CommitmentUpdate.objects.filter(state=UpdateState.PENDING)
        .select_related("commitment__consultation", "posted_by")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class ProgressPoint:
    day: date
    average: int  # mean progress, per cent, of the commitments recorded by that day
    done: int
    total: int


def progress_history(*, consultation) -> list[ProgressPoint]:
    """Mean progress over time: a point on each day a commitment was recorded or updated. A commitment without
    a percentage counts 0 until done (100); a dropped one leaves the mean from the day it is dropped."""
    commitments = list(Commitment.objects.filter(consultation=consultation).values_list("pk", "created_at"))
    if not commitments:
        return []
    updates = list(
        _PUBLISHED_UPDATES.filter(commitment__consultation=consultation).values_list(
            "commitment_id", "published_at", "to_status", "to_progress"
        )
    )
    events = sorted(
        [(timezone.localdate(created), pk, None, None) for pk, created in commitments]
        + [
            (timezone.localdate(published), pk, status, progress)
            for pk, published, status, progress in updates
        ],
        key=lambda event: event[0],
    )
    state: dict[int, tuple[str, int]] = {}
    points: list[ProgressPoint] = []
    for day, pk, status, progress in events:
        if status is None:
            state.setdefault(pk, (CommitmentStatus.PLANNED, 0))
        else:
            state[pk] = (status, 100 if status == CommitmentStatus.DONE else (progress or 0))
        counted = [value for status, value in state.values() if status != CommitmentStatus.DROPPED]
        point = ProgressPoint(
            day=day,
            average=round(sum(counted) / len(counted)) if counted else 0,
            done=sum(1 for status, _value in state.values() if status == CommitmentStatus.DONE),
            total=len(state),
        )
        if points and points[-1].day == day:
            points[-1] = point
        else:
            points.append(point)
    return points


# --- open data ---------------------------------------------------------------------------------------------

# The languages of every text kept in each language.
LANGUAGE_NAMES = {"kk": "Kazakh", "ru": "Russian", "en": "English"}


def _in_languages(name: str, kk: str, ru: str, en: str) -> dict:
    """The three fields of a text kept in each language (`title_kk`…), each with its description."""
    return {
        f"{name}_{code}": ("string", text) for code, text in zip(LANGUAGE_NAMES, (kk, ru, en), strict=True)
    }


def _texts(item, field: str, *, name: str | None = None) -> dict:
    """`item`'s text `field` in each language, under the names `_in_languages(name or field, …)` gives."""
    return {f"{name or field}_{code}": getattr(item, f"{field}_{code}") for code in LANGUAGE_NAMES}


# Frictionless Table Schema fields of the two files; the data package and the open-data page read these
# (`OPEN_DATA_RESOURCES`), in each reader's language.
COMMITMENT_FIELDS = {
    "id": ("integer", _("Identifier of the commitment.")),
    "url": ("string", _("Public page of the commitment.")),
    "consultation": ("string", _("Short name (slug) of the consultation.")),
    **_in_languages("title", _("Title in Kazakh."), _("Title in Russian."), _("Title in English.")),
    **_in_languages(
        "description", _("Description in Kazakh."), _("Description in Russian."), _("Description in English.")
    ),
    "body": ("string", _("Short name (slug) of the responsible body.")),
    **_in_languages(
        "body_name",
        _("Name of the responsible body in Kazakh."),
        _("Name of the responsible body in Russian."),
        _("Name of the responsible body in English."),
    ),
    "measure": ("string", _("Kind of measure: law, regulation, body, budget or other.")),
    "status": ("string", _("Status code: planned, in_progress, done, delayed or dropped.")),
    "progress": ("integer", _("Progress in per cent, where it means something; empty otherwise.")),
    "due_date": ("date", _("Date by which the commitment is due.")),
    "overdue": ("boolean", _("True when past the due date and neither done nor dropped.")),
    "articles": ("string", _("Keys of the changed articles, separated by spaces (a list in JSON).")),
    "responses": (
        "string",
        _("Numbers of the proposals whose answers it carries out, separated by spaces (a list in JSON)."),
    ),
    "created_at": ("datetime", _("When it was recorded (UTC, ISO 8601).")),
    "updated_at": ("datetime", _("When its last update was published (UTC, ISO 8601); empty without one.")),
}
UPDATE_FIELDS = {
    "id": ("integer", _("Identifier of the update.")),
    "commitment": ("integer", _("Identifier of the commitment it updates.")),
    "published_at": ("datetime", _("When it was published (UTC, ISO 8601).")),
    **_in_languages("text", _("Text in Kazakh."), _("Text in Russian."), _("Text in English.")),
    **_in_languages(
        "reason",
        _("Public reason of a delay or drop, in Kazakh."),
        _("Public reason of a delay or drop, in Russian."),
        _("Public reason of a delay or drop, in English."),
    ),
    "from_status": ("string", _("Status code before the update.")),
    "to_status": ("string", _("Status code after the update.")),
    "from_progress": ("integer", _("Progress before the update, in per cent.")),
    "to_progress": ("integer", _("Progress after the update, in per cent.")),
    "from_due_date": ("date", _("Due date before the update.")),
    "to_due_date": ("date", _("Due date after the update.")),
    "corrects": ("integer", _("Identifier of the update this one corrects; empty otherwise.")),
    "evidence": (
        "string",
        _("Evidence links, separated by spaces (objects with kind, title and url in JSON)."),
    ),
}
OPEN_DATA_RESOURCES = [
    {
        "name": "commitments",
        "paths": ("open-data/commitments.csv", "open-data/commitments.json"),
        "title": _("Commitments that carry out adopted changes"),
        "fields": COMMITMENT_FIELDS,
    },
    {
        "name": "commitment-updates",
        "paths": ("open-data/commitment-updates.csv", "open-data/commitment-updates.json"),
        "title": _("Dated public updates of the commitments"),
        "fields": UPDATE_FIELDS,
    },
]


def in_dictionary_languages(text) -> dict[str, str]:
    """A translatable text as each language of the data dictionary reads it."""
    texts = {}
    for code in LANGUAGE_NAMES:
        with translation.override(code):
            texts[code] = str(text)
    return texts


def table_schema(fields: dict) -> dict:
    """A Frictionless Table Schema for one of the field dicts above: `description` in English (the standard's
    one text), `descriptions` in kk, ru and en."""
    schema_fields = []
    for name, (kind, description) in fields.items():
        texts = in_dictionary_languages(description)
        schema_fields.append({"name": name, "type": kind, "description": texts["en"], "descriptions": texts})
    return {"fields": schema_fields, "primaryKey": "id"}


def iso_utc(moment) -> str | None:
    """A time in the open data: UTC, to the second, the same text in the CSV and the JSON."""
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def commitment_rows(*, site_url: str, consultation=None) -> Iterator[dict]:
    """The commitments' open data rows, of `consultation` when given."""
    on = today()
    commitments = public_commitments()
    if consultation is not None:
        commitments = commitments.filter(consultation=consultation)
    queryset = (
        commitments.select_related("consultation", "body")
        .prefetch_related(
            Prefetch("articles", queryset=ArticleIdentity.objects.order_by("id")),
            Prefetch("responses", queryset=_PUBLIC_ANSWERS.order_by("proposal_id")),
        )
        .order_by("id")
    )
    last_update = dict(
        _PUBLISHED_UPDATES.order_by()
        .values("commitment_id")
        .annotate(last=Max("published_at"))
        .values_list("commitment_id", "last")
    )
    with translation.override(settings.LANGUAGE_CODE):
        for commitment in queryset.iterator(chunk_size=500):
            yield {
                "id": commitment.pk,
                "url": site_url + commitment.get_absolute_url(),
                "consultation": commitment.consultation.slug,
                **_texts(commitment, "title"),
                **_texts(commitment, "description"),
                "body": commitment.body.slug,
                **_texts(commitment.body, "name", name="body_name"),
                "measure": commitment.measure,
                "status": commitment.status,
                "progress": commitment.progress,
                "due_date": commitment.due_date.isoformat(),
                "overdue": commitment.status in OPEN_COMMITMENT_STATUSES and commitment.due_date < on,
                "articles": [article.key for article in commitment.articles.all()],
                "responses": [response.proposal_id for response in commitment.responses.all()],
                "created_at": iso_utc(commitment.created_at),
                "updated_at": iso_utc(last_update.get(commitment.pk)),
            }


def update_rows(*, consultation=None) -> Iterator[dict]:
    """The published updates' open data rows, of the commitments of `consultation` when given."""
    updates = public_commitment_updates()
    if consultation is not None:
        updates = updates.filter(commitment__consultation=consultation)
    queryset = updates.prefetch_related(
        Prefetch("evidence", queryset=CommitmentEvidence.objects.order_by("id"))
    )
    for update in queryset.iterator(chunk_size=500):
        yield {
            "id": update.pk,
            "commitment": update.commitment_id,
            "published_at": iso_utc(update.published_at),
            **_texts(update, "text"),
            **_texts(update, "reason"),
            "from_status": update.from_status,
            "to_status": update.to_status,
            "from_progress": update.from_progress,
            "to_progress": update.to_progress,
            "from_due_date": update.from_due_date.isoformat(),
            "to_due_date": update.to_due_date.isoformat(),
            "corrects": update.corrects_id,
            "evidence": [{"kind": e.kind, "title": e.title, "url": e.url} for e in update.evidence.all()],
        }


# --- staff ------------------------------------------------------------------------------------------------


def adopted_responses(*, consultation) -> QuerySet[ProposalResponse]:
    """Published answers that adopted a change of an article: what a commitment can carry out."""
    return (
        ProposalResponse.objects.filter(
            state=ResponseState.PUBLISHED,
            status__in=ADOPTING_RESPONSES,
            proposal__consultation=consultation,
            articles__isnull=False,
        )
        .select_related("proposal", "version")
        .prefetch_related(Prefetch("articles", queryset=_ARTICLES))
        .distinct()
        .order_by("published_at", "id")
    )


def adopted_changes(*, consultation) -> list[dict]:
    """Each changed article with the adopting answers behind it, and how many commitments carry it out."""
    by_article: dict[int, dict] = {}
    for response in adopted_responses(consultation=consultation):
        for article in response.articles.all():
            entry = by_article.setdefault(article.pk, {"article": article, "responses": []})
            entry["responses"].append(response)
    counts = dict(
        Commitment.objects.filter(articles__in=list(by_article))
        .values_list("articles")
        .annotate(n=Count("id"))
        .values_list("articles", "n")
    )
    for pk, entry in by_article.items():
        entry["commitments"] = counts.get(pk, 0)
    return list(by_article.values())


def staff_commitments() -> QuerySet[Commitment]:
    return Commitment.objects.select_related("consultation", "body").order_by(
        "consultation_id", "due_date", "id"
    )


def staff_commitment(pk: int) -> Commitment | None:
    return (
        Commitment.objects.filter(pk=pk)
        .select_related("consultation", "body", "created_by")
        .prefetch_related(
            Prefetch("articles", queryset=_ARTICLES),
            Prefetch("responses", queryset=ProposalResponse.objects.select_related("proposal")),
            Prefetch(
                "updates",
                queryset=CommitmentUpdate.objects.select_related("posted_by", "approved_by")
                .prefetch_related("evidence")
                .order_by("created_at", "id"),
            ),
        )
        .first()
    )


# --- API ----------------------------------------------------------------------------------------------------


def api_commitments(
    *,
    consultation: str | None = None,
    status: str | None = None,
    body: str | None = None,
    article: str | None = None,
    overdue: bool | None = None,
) -> QuerySet[Commitment]:
    queryset = public_commitments()
    if consultation:
        queryset = queryset.filter(consultation__slug=consultation)
    if status:
        queryset = queryset.filter(status=status)
    if body:
        queryset = queryset.filter(body__slug=body)
    if article:
        queryset = queryset.filter(articles__key=article)
    if overdue is not None:
        condition = overdue_condition(today())
        queryset = queryset.filter(condition) if overdue else queryset.exclude(condition)
    return (
        queryset.select_related("consultation", "body")
        .prefetch_related(
            Prefetch("articles", queryset=ArticleIdentity.objects.order_by("id")),
            Prefetch("responses", queryset=_PUBLIC_ANSWERS.order_by("proposal_id")),
        )
        .distinct()
        .order_by("due_date", "id")
    )


def api_commitment(*, pk: int) -> Commitment | None:
    return (
        api_commitments()
        .filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=_PUBLISHED_UPDATES.prefetch_related(
                    Prefetch("evidence", queryset=CommitmentEvidence.objects.order_by("id"))
                ),
                to_attr="public_updates",
            )
        )
        .first()
    )
