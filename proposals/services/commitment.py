"""Commitments after the outcome: recording them, their public updates, four-eyes approval of "done" and
"dropped", and following them.

`COMMITMENT_LIFECYCLE` is the table; `commitment_transition` is the only writer of `Commitment.status` and
logs a `CommitmentTransition`. Status, progress and due date change only through `commitment_update_post` (and
`commitment_update_approve` for a pending one), each change a dated public update in three languages.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.audit import audit_record
from portal.core.formats import format_when
from portal.core.lifecycle import Lifecycle
from portal.notifications.messages import in_every_language
from portal.notifications.services import notify

from ..models import (
    ArticleIdentity,
    Commitment,
    CommitmentEvidence,
    CommitmentFollow,
    CommitmentTransition,
    CommitmentUpdate,
    Consultation,
    EvidenceKind,
    Follow,
    MeasureKind,
    Proposal,
    ProposalResponse,
    ResponseState,
    ResponsibleBody,
    UpdateState,
)
from ..models.commitment import CommitmentStatus as S
from ..models.translated import LANGUAGE_ORDER as LANGUAGES
from ..permissions import commitment as rules
from ..selectors.commitment import ADOPTING_RESPONSES, last_published_update_id, overdue_condition
from .follow import follow_row_set

COMMITMENT_LIFECYCLE = Lifecycle(
    "commitment",
    {
        S.PLANNED: [S.IN_PROGRESS, S.DELAYED, S.DONE, S.DROPPED],
        S.IN_PROGRESS: [S.DELAYED, S.DONE, S.DROPPED],
        S.DELAYED: [S.IN_PROGRESS, S.DONE, S.DROPPED],
        S.DONE: [],
        S.DROPPED: [],
    },
)
MAX_EVIDENCE = 10
# The code of the refusal of an update written on a page that another member's update has since outdated.
UPDATED_MEANWHILE = "updated_meanwhile"


@dataclass(frozen=True)
class CommitmentInput:
    title_kk: str
    title_ru: str
    title_en: str
    body_id: int
    measure: str
    due_date: date
    article_ids: tuple[int, ...]
    response_ids: tuple[int, ...]
    description_kk: str = ""
    description_ru: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Evidence:
    kind: str
    title: str
    url: str


@dataclass(frozen=True)
class UpdateInput:
    """What an update says and changes. `to_status`, `progress` and `due_date` left as None keep the current
    value; `progress` -1 clears it (progress that no longer means anything)."""

    text_kk: str = ""
    text_ru: str = ""
    text_en: str = ""
    reason_kk: str = ""
    reason_ru: str = ""
    reason_en: str = ""
    to_status: str | None = None
    progress: int | None = None
    due_date: date | None = None
    corrects_id: int | None = None
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    # The last published update the member saw (`last_published_update_id`); None skips the check.
    seen_update_id: int | None = None


def _text(value: str) -> str:
    """User text as stored: NFC, without control characters other than line breaks, trimmed."""
    value = unicodedata.normalize("NFC", value or "")
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c)[0] != "C").strip()


def _require_manager(actor: User) -> None:
    if not rules.can_manage_commitments(actor):
        raise PermissionDenied(_("Only Commission members record commitments."))


def _clean_commitment(data: CommitmentInput, *, consultation: Consultation) -> dict:
    errors: dict[str, list[str]] = {}
    titles = {f"title_{code}": _text(getattr(data, f"title_{code}"))[:300] for code in LANGUAGES}
    for name, value in titles.items():
        if not value:
            errors[name] = [_("Give the title in each language.")]
    descriptions = {f"description_{code}": _text(getattr(data, f"description_{code}")) for code in LANGUAGES}
    if data.measure not in MeasureKind.values:
        errors["measure"] = [_("Choose the kind of measure.")]
    body = ResponsibleBody.objects.filter(pk=data.body_id).first()
    if body is None:
        errors["body"] = [_("Choose the responsible body.")]
    # An article new in a draft is not public yet: a commitment naming it would show it on the tracker.
    articles = list(
        ArticleIdentity.objects.published().filter(
            pk__in=data.article_ids, document__consultation=consultation
        )
    )
    if not articles or len(articles) != len(set(data.article_ids)):
        errors["articles"] = [_("Choose at least one changed article of this consultation.")]
    responses = list(
        ProposalResponse.objects.filter(
            pk__in=data.response_ids,
            state=ResponseState.PUBLISHED,
            status__in=ADOPTING_RESPONSES,
            proposal__consultation=consultation,
        )
    )
    if not responses or len(responses) != len(set(data.response_ids)):
        errors["responses"] = [_("Choose at least one published answer that adopted a change.")]
    elif articles:
        # Each answer must have changed one of the chosen articles: the chain stays unbroken.
        linked = set(
            ProposalResponse.articles.through.objects.filter(
                proposalresponse_id__in=[r.pk for r in responses],
                articleidentity_id__in=[a.pk for a in articles],
            ).values_list("proposalresponse_id", flat=True)
        )
        if linked != {r.pk for r in responses}:
            errors["responses"] = [_("Each answer must concern one of the chosen articles.")]
    if errors:
        raise ValidationError(errors)
    return {
        **titles,
        **descriptions,
        "body": body,
        "measure": data.measure,
        "due_date": data.due_date,
        "articles": articles,
        "responses": responses,
    }


@transaction.atomic
def commitment_create(*, consultation: Consultation, actor: User, data: CommitmentInput) -> Commitment:
    """Records a commitment, planned, tied to adopted article changes and the answers behind them."""
    _require_manager(actor)
    fields = _clean_commitment(data, consultation=consultation)
    articles, responses = fields.pop("articles"), fields.pop("responses")
    commitment = Commitment.objects.create(consultation=consultation, created_by=actor, **fields)
    commitment.articles.set(articles)
    commitment.responses.set(responses)
    audit_record(actor=actor, action="commitment.created", target=commitment)
    _tell_followers(commitment, "commitment.recorded", exclude=actor)
    return commitment


def _clean_update(data: UpdateInput, *, commitment: Commitment) -> dict:
    errors: dict[str, list[str]] = {}
    texts = {f"text_{code}": _text(getattr(data, f"text_{code}")) for code in LANGUAGES}
    reasons = {f"reason_{code}": _text(getattr(data, f"reason_{code}")) for code in LANGUAGES}
    for name, value in texts.items():
        if not value:
            errors[name] = [_("Write the update in each language.")]
    to_status = data.to_status or commitment.status
    if to_status != commitment.status and not COMMITMENT_LIFECYCLE.allows(commitment.status, to_status):
        errors["to_status"] = [_("The commitment cannot move to this status from its current one.")]
    if to_status in rules.REASONED_STATUSES and to_status != commitment.status:
        for name, value in reasons.items():
            if not value:
                errors[name] = [
                    _("Delaying or dropping a commitment needs a public reason in each language.")
                ]
    # A later due date is a delay whatever the status says: without a reason the commitment would leave the
    # overdue list unexplained.
    elif data.due_date and data.due_date > commitment.due_date:
        for name, value in reasons.items():
            if not value:
                errors[name] = [_("Moving the due date later needs a public reason in each language.")]
    progress = (
        commitment.progress if data.progress is None else (None if data.progress < 0 else data.progress)
    )
    if progress is not None and progress > 100:
        errors["progress"] = [_("Progress is a percentage from 0 to 100.")]
    if to_status == S.DONE:
        progress = 100 if progress is not None else None
    due_date = data.due_date or commitment.due_date
    # Done or dropped is final: a percentage or a deadline moved afterwards would contradict it on the tracker
    # ("done, 40 %"). Evidence and corrections still come.
    if not COMMITMENT_LIFECYCLE.targets(commitment.status) and (
        progress != commitment.progress or due_date != commitment.due_date
    ):
        errors["__all__"] = [
            _("A commitment done or dropped keeps its progress and due date; add evidence or a correction.")
        ]
    corrects = None
    if data.corrects_id is not None:
        corrects = commitment.updates.filter(pk=data.corrects_id, state=UpdateState.PUBLISHED).first()
        if corrects is None:
            errors["corrects"] = [_("Choose a published update of this commitment.")]
    changes = (
        to_status != commitment.status,
        progress != commitment.progress,
        due_date != commitment.due_date,
    )
    if not any(changes) and corrects is None and not data.evidence:
        errors["__all__"] = [
            _("An update changes the status, progress or due date, adds evidence or corrects.")
        ]
    evidence = []
    for index, item in enumerate(data.evidence[:MAX_EVIDENCE]):
        title, url = _text(item.title)[:300], item.url.strip()
        try:
            URLValidator(schemes=["https"])(url)
        except ValidationError:
            errors[f"evidence_{index}"] = [_("Evidence links are https:// addresses.")]
            continue
        if item.kind not in EvidenceKind.values or not title:
            errors[f"evidence_{index}"] = [_("Give each evidence link a kind and a title.")]
            continue
        evidence.append(CommitmentEvidence(kind=item.kind, title=title, url=url))
    if errors:
        raise ValidationError(errors)
    return {
        **texts,
        **reasons,
        "to_status": to_status,
        "to_progress": progress,
        "to_due_date": due_date,
        "corrects": corrects,
        "evidence": evidence,
    }


def refuse_if_updated_meanwhile(commitment: Commitment, *, seen_update_id: int) -> None:
    """Two members writing at once: the second one's form still holds the status and progress the first one
    has just changed, and posting it would quietly undo that change. Refused unless `seen_update_id` is the
    commitment's last published update."""
    if seen_update_id != last_published_update_id(commitment):
        raise ValidationError(
            _(
                "Another member published an update of this commitment while you were writing. It is shown "
                "above and your text is kept: check the status, progress and due date, then post again."
            ),
            code=UPDATED_MEANWHILE,
        )


@transaction.atomic
def commitment_update_post(*, commitment: Commitment, actor: User, data: UpdateInput) -> CommitmentUpdate:
    """Posts a dated update. It is public at once, unless it marks the commitment done or dropped under four
    eyes: then it waits, unapplied and private, for another member's approval."""
    _require_manager(actor)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if data.seen_update_id is not None:
        refuse_if_updated_meanwhile(commitment, seen_update_id=data.seen_update_id)
    fields = _clean_update(data, commitment=commitment)
    evidence = fields.pop("evidence")
    pending = rules.needs_second_approval(fields["to_status"]) and fields["to_status"] != commitment.status
    # While a change awaits approval nothing else moves, so that the approved change applies to the state it
    # was posted on. The commitment's row is locked: no update can slip in between this check and the insert.
    if commitment.updates.filter(state=UpdateState.PENDING).exists():
        raise ValidationError(_("Another change of this commitment is awaiting approval."))
    update = CommitmentUpdate.objects.create(
        commitment=commitment,
        from_status=commitment.status,
        from_progress=commitment.progress,
        from_due_date=commitment.due_date,
        posted_by=actor,
        state=UpdateState.PENDING if pending else UpdateState.PUBLISHED,
        published_at=None if pending else timezone.now(),
        **fields,
    )
    for item in evidence:
        item.update = update
    CommitmentEvidence.objects.bulk_create(evidence)
    if pending:
        audit_record(
            actor=actor,
            action="commitment.update_requested",
            target=commitment,
            details={"to": update.to_status},
        )
        return update
    return _publish(update=update, commitment=commitment, actor=actor)


def _refuse_if_decided(update: CommitmentUpdate, reviewer: User) -> None:
    """Two members deciding on the same pending change at once: the second learns that it is decided, and
    how, rather than being told they may not decide."""
    if rules.can_manage_commitments(reviewer) and update.state != UpdateState.PENDING:
        raise ValidationError(
            _("This change has already been decided on (%(state)s); see the updates.")
            % {"state": update.get_state_display()}
        )


@transaction.atomic
def commitment_update_approve(*, update: CommitmentUpdate, reviewer: User) -> CommitmentUpdate:
    """A second member approves a pending "done" or "dropped": the update is published and applied."""
    update = CommitmentUpdate.objects.select_for_update().get(pk=update.pk)
    _refuse_if_decided(update, reviewer)
    if not rules.can_approve_update(reviewer, update):
        if update.posted_by_id == getattr(reviewer, "pk", None):
            raise PermissionDenied(_("Another Commission member must approve a change you posted."))
        raise PermissionDenied(_("You may not approve this change."))
    commitment = Commitment.objects.select_for_update().get(pk=update.commitment_id)
    posted_on = (update.from_status, update.from_progress, update.from_due_date)
    if (commitment.status, commitment.progress, commitment.due_date) != posted_on:
        raise ValidationError(_("The commitment changed since this update was posted; post it again."))
    update.approved_by = reviewer
    return _publish(update=update, commitment=commitment, actor=reviewer)


@transaction.atomic
def commitment_update_decline(*, update: CommitmentUpdate, reviewer: User) -> CommitmentUpdate:
    """A member declines (or its poster withdraws) a pending change: it is never published or applied."""
    update = CommitmentUpdate.objects.select_for_update().get(pk=update.pk)
    _refuse_if_decided(update, reviewer)
    if not rules.can_decline_update(reviewer, update):
        raise PermissionDenied(_("Only a change awaiting approval can be declined."))
    update.state = UpdateState.DECLINED
    update.approved_by = reviewer
    update.save(update_fields=["state", "approved_by"])
    audit_record(
        actor=reviewer,
        action="commitment.update_declined",
        target=update.commitment,
        details={"update": update.pk, "to": update.to_status},
    )
    return update


@transaction.atomic
def commitment_transition(
    *, commitment: Commitment, to_status: str, actor: User, update: CommitmentUpdate
) -> Commitment:
    """The only code path that changes a commitment's status: locks, checks the table, logs."""
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    from_status = COMMITMENT_LIFECYCLE.move(locked, to_status)
    locked.save(update_fields=["status", "updated_at"])
    CommitmentTransition.objects.create(
        commitment=locked, from_status=from_status, to_status=to_status, actor=actor, update=update
    )
    return locked


def _publish(*, update: CommitmentUpdate, commitment: Commitment, actor: User) -> CommitmentUpdate:
    if update.to_status != commitment.status:
        commitment = commitment_transition(
            commitment=commitment, to_status=update.to_status, actor=actor, update=update
        )
    commitment.progress = update.to_progress
    commitment.due_date = update.to_due_date
    commitment.save(update_fields=["progress", "due_date", "updated_at"])
    update.state = UpdateState.PUBLISHED
    update.published_at = timezone.now()
    update.save(update_fields=["state", "published_at", "approved_by"])
    audit_record(
        actor=actor,
        action="commitment.updated",
        target=commitment,
        details={"update": update.pk, "from": update.from_status, "to": update.to_status},
    )
    _notify_followers(update=update, commitment=commitment, actor=actor)
    return update


def commitment_followers(commitment: Commitment) -> set[int]:
    """Everyone who follows the commitment, its responsible body or one of its articles, and the authors and
    followers of the proposals (a cluster's members too) whose answers it carries out."""
    followers = set(
        CommitmentFollow.objects.filter(Q(commitment=commitment) | Q(body_id=commitment.body_id)).values_list(
            "user_id", flat=True
        )
    )
    proposals = Proposal.objects.filter(
        Q(response__commitments=commitment) | Q(cluster_of__response__commitments=commitment)
    )
    followers |= set(proposals.values_list("author_id", flat=True))
    follows = Follow.objects.filter(Q(article__in=commitment.articles.all()) | Q(proposal__in=proposals))
    followers |= set(follows.values_list("user_id", flat=True))
    return followers


def _notify_followers(*, update: CommitmentUpdate, commitment: Commitment, actor: User) -> None:
    # What the update says travels with it: a status alone ("in progress", again) tells a follower nothing.
    _tell_followers(
        commitment,
        "commitment.updated",
        exclude=actor,
        status=in_every_language(S(commitment.status).label),
        news=_update_news(update),
    )


# A notice carries the start of an update; the commitment's page, which it links to, has the whole of it.
NEWS_LENGTH = 400


def _update_news(update: CommitmentUpdate) -> dict[str, str]:
    """The update's text, with its reason when it gives one (a delay), in each language; a moved due date
    first, with both dates as the language writes them: a follower learns of the new deadline from the notice
    itself, whatever the text says."""
    news = {}
    for code, text in update.in_every_language("text").items():
        reason = update.translated("reason", code)
        with translation.override(code):
            said = f"{text} {_('Reason')}: {reason}" if reason else text
            if update.changes_due_date:
                moved = _("Due date: %(before)s → %(after)s") % {
                    "before": format_when(update.from_due_date, "date_long", code),
                    "after": format_when(update.to_due_date, "date_long", code),
                }
                # Kazakh and Russian dates end with an abbreviation's full stop ("ж.", "г.").
                said = f"{moved if moved.endswith('.') else moved + '.'} {said}"
        news[code] = Truncator(said).chars(NEWS_LENGTH)
    return news


def _tell_followers(commitment: Commitment, kind: str, *, exclude: User | None = None, **params) -> None:
    """One notification per follower of the commitment (`commitment_followers`); the title, and any other
    text in `params`, in every language, so each reader gets theirs."""
    notify(
        recipients=commitment_followers(commitment),
        category="responses",
        kind=kind,
        params={"title": commitment.in_every_language("title"), **params},
        url=commitment.get_absolute_url(),
        exclude=exclude,
    )


def commitment_overdue_announce(*, on: date | None = None, limit: int = 1000) -> int:
    """Beat sweep: tells the followers of each commitment that passed its due date neither done nor dropped,
    once per due date (a conditional UPDATE claims it, so two sweeps never tell twice); a commitment given a
    new due date is told of again if that one passes too."""
    on = on or timezone.localdate()
    overdue = Commitment.objects.filter(overdue_condition(on))
    unannounced = overdue.exclude(overdue_announced_for=F("due_date"))
    told = 0
    for commitment in unannounced.select_related("body").order_by("due_date", "id")[:limit]:
        with transaction.atomic():
            if not unannounced.filter(pk=commitment.pk).update(overdue_announced_for=F("due_date")):
                continue
            # Who is answerable and since when, in the notice itself: what a follower acts on.
            _tell_followers(
                commitment,
                "commitment.overdue",
                deadline=commitment.due_date.isoformat(),
                body=commitment.body.in_every_language("name"),
            )
        told += 1
    return told


def commitment_follow_set(
    *, user: User, follow: bool, commitment: Commitment | None = None, body: ResponsibleBody | None = None
) -> bool:
    """Follows (or stops following) one commitment or a responsible body. True if something changed."""
    if not rules.can_follow(user):
        raise PermissionDenied(_("Sign in to follow."))
    if (commitment is None) == (body is None):
        raise ValueError("Follow exactly one of commitment or body.")
    target = {"commitment": commitment} if commitment is not None else {"body": body}
    return follow_row_set(CommitmentFollow, user=user, follow=follow, target=target)
