"""The life of a consultation, run from the staff area: create, edit, open and close intake, publish the
outcome, archive. Every change is a `ConsultationTransition` row and an audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.accounts.models import IdentityLevel
from portal.core.audit import audit_record
from portal.core.formats import format_when
from portal.core.lifecycle import Lifecycle
from portal.core.revisions import refuse_if_changed

from ..models import (
    Consultation,
    ConsultationStatus,
    ConsultationTransition,
    Document,
    Follow,
    ObligationRule,
    Phase,
)
from ..models.translated import LANGUAGE_ORDER as LANGUAGES
from ..permissions.consultation import can_manage_consultations
from ..selectors.consultation import awaiting_answer_count, consultation_revision
from ..selectors.reader_facts import own_facts_changed
from .obligation import MAX_DAYS, answer_within_names
from .support import supports_reconcile

S = ConsultationStatus
CONSULTATION_LIFECYCLE = Lifecycle(
    "consultation",
    {
        S.DRAFT: [S.PUBLISHED, S.ARCHIVED],
        S.PUBLISHED: [S.OUTCOME_PUBLISHED, S.ARCHIVED],
        S.OUTCOME_PUBLISHED: [S.ARCHIVED],
        S.ARCHIVED: [],
    },
)
# An intake opened without an end date runs this long, so it never stays open by accident.
DEFAULT_INTAKE_DAYS = 30


@dataclass(frozen=True)
class PhaseDates:
    kind: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class ConsultationInput:
    slug: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    moderation_policy: str = ""
    phases: tuple[PhaseDates, ...] = ()
    # On creation, a first answer obligation: answered within `answer_days` once a proposal has
    # `answer_min_supports`. Later changes go through `obligation_rule_update`, never through an edit.
    answer_days: int | None = None
    answer_min_supports: int = 0
    # The verification levels whose holders may support (None: the site's default on creation, unchanged
    # on an edit). Narrowing them recounts the consultation's proposals: the weaker supports stay visible by
    # level but stop counting, and answer deadlines follow the counts.
    accepted_identity_levels: tuple[str, ...] | None = None


def _require_manager(actor) -> None:
    if not can_manage_consultations(actor):
        raise PermissionDenied(_("Only administrators can manage consultations."))


def _locked_for_manager(consultation: Consultation, actor) -> Consultation:
    """The consultation's row, locked for a manager's change: two staff steps on one consultation (an edit and
    an intake close, say) then apply one after the other, each to what the other left."""
    _require_manager(actor)
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def _running_intake(consultation: Consultation, now: datetime):
    """The intake phase open at `now` (at most one)."""
    return consultation.phases.filter(kind=Phase.Kind.INTAKE, starts_at__lte=now, ends_at__gt=now)


def _close_running_intake(consultation: Consultation, *, actor, now: datetime) -> None:
    """A consultation that moves past intake (outcome, archive) first stops taking proposals, with the close
    logged as if staff had pressed it."""
    if _running_intake(consultation, now).exists():
        consultation_intake_close(consultation=consultation, actor=actor, now=now)


def _validate(data: ConsultationInput, *, consultation: Consultation | None) -> None:
    errors = {}
    if not data.titles.get("kk", "").strip():
        errors["title_kk"] = _("Give the title in Kazakh.")
    taken = Consultation.objects.filter(slug=data.slug)
    if consultation is not None:
        taken = taken.exclude(pk=consultation.pk)
    if taken.exists():
        errors["slug"] = _("Another consultation already has this address.")
    for phase in data.phases:
        if phase.ends_at <= phase.starts_at:
            errors[f"{phase.kind}_ends"] = _("A phase must end after it starts.")
    if data.accepted_identity_levels is not None and (
        not data.accepted_identity_levels
        or not set(data.accepted_identity_levels) <= set(IdentityLevel.values)
    ):
        errors["accepted_identity_levels"] = _("Choose at least one of the verification levels listed.")
    if data.answer_days is not None and not 0 < data.answer_days <= MAX_DAYS:
        errors["answer_days"] = _("Between 1 and %(max)d days.") % {"max": MAX_DAYS}
    if errors:
        raise ValidationError(errors)


def _write(consultation: Consultation, data: ConsultationInput) -> None:
    if consultation.pk and consultation.slug != data.slug:
        # Its articles' pages have new addresses, and a process keeps who follows an article by address.
        own_facts_changed(
            Follow.objects.filter(article__document__consultation=consultation)
            .values_list("user_id", flat=True)
            .distinct()
        )
    consultation.slug = data.slug
    consultation.moderation_policy = data.moderation_policy
    if data.accepted_identity_levels is not None:
        consultation.accepted_identity_levels = [
            level for level in IdentityLevel.values if level in data.accepted_identity_levels
        ]
    for code in LANGUAGES:
        setattr(consultation, f"title_{code}", data.titles.get(code, "").strip())
        setattr(consultation, f"description_{code}", data.descriptions.get(code, "").strip())
    consultation.save()
    given = {phase.kind for phase in data.phases}
    consultation.phases.exclude(kind__in=given).delete()
    for phase in data.phases:
        Phase.objects.update_or_create(
            consultation=consultation,
            kind=phase.kind,
            defaults={"starts_at": phase.starts_at, "ends_at": phase.ends_at},
        )


@transaction.atomic
def consultation_create(*, actor, data: ConsultationInput) -> Consultation:
    """A new consultation, as a draft only staff see until `consultation_publish`."""
    _require_manager(actor)
    _validate(data, consultation=None)
    consultation = Consultation(status=S.DRAFT)
    _write(consultation, data)
    if data.answer_days:
        # The first promise comes with the consultation; more are kept on the obligations pages.
        ObligationRule.objects.create(
            consultation=consultation,
            **{f"name_{code}": name for code, name in answer_within_names(data.answer_days).items()},
            days=data.answer_days,
            min_supports=data.answer_min_supports,
        )
    ConsultationTransition.objects.create(
        consultation=consultation, action="created", from_status=S.DRAFT, to_status=S.DRAFT, actor=actor
    )
    audit_record(actor=actor, action="consultation.created", target=consultation)
    return consultation


@transaction.atomic
def consultation_update(
    *, consultation: Consultation, actor, data: ConsultationInput, seen: str | None = None
) -> Consultation:
    """Titles, descriptions, moderation policy and phase dates; answer obligations stay as they are. A form
    loaded as `seen` (`consultation_revision`) before another change of these, an intake opened or closed
    among them, is refused rather than putting back what it showed."""
    consultation = _locked_for_manager(consultation, actor)
    refuse_if_changed(seen=seen, now=consultation_revision(consultation), saved=consultation)
    _validate(data, consultation=consultation)
    levels_before = list(consultation.accepted_identity_levels)
    _write(consultation, data)
    details = None
    if consultation.accepted_identity_levels != levels_before:
        supports_reconcile(proposal_ids=consultation.proposals.values("pk"))
        details = {"accepted_identity_levels": [levels_before, consultation.accepted_identity_levels]}
    audit_record(actor=actor, action="consultation.updated", target=consultation, details=details)
    return consultation


def _log(consultation, *, action, from_status, actor, details=None):
    ConsultationTransition.objects.create(
        consultation=consultation,
        action=action,
        from_status=from_status,
        to_status=consultation.status,
        actor=actor,
    )
    audit_record(actor=actor, action=f"consultation.{action}", target=consultation, details=details)


@transaction.atomic
def consultation_transition(
    *, consultation: Consultation, to_status: str, actor, action: str
) -> Consultation:
    """The only code path that changes a consultation's status: locks, checks the table, logs."""
    locked = _locked_for_manager(consultation, actor)
    if not CONSULTATION_LIFECYCLE.allows(locked.status, to_status):
        raise ValidationError(
            _("A consultation that is %(status)s cannot take this step.")
            % {"status": locked.get_status_display().lower()}
        )
    from_status = locked.status
    locked.status = to_status
    fields = ["status"]
    if to_status == S.OUTCOME_PUBLISHED:
        locked.outcome_published_at = timezone.now()
        fields.append("outcome_published_at")
    locked.save(update_fields=fields)
    _log(locked, action=action, from_status=from_status, actor=actor)
    return locked


def consultation_publish(*, consultation: Consultation, actor) -> Consultation:
    """Makes a draft consultation public (its intake still follows the intake phase)."""
    return consultation_transition(
        consultation=consultation, to_status=S.PUBLISHED, actor=actor, action="published"
    )


@transaction.atomic
def consultation_intake_open(
    *, consultation: Consultation, actor, ends_at: datetime | None = None, now: datetime | None = None
) -> Consultation:
    """Intake starts now and runs until `ends_at` (the planned end if later, else 30 days)."""
    locked = _locked_for_manager(consultation, actor)
    now = now or timezone.now()
    if locked.status != S.PUBLISHED:
        raise ValidationError(_("Publish the consultation before opening its intake."))
    intake = locked.phases.filter(kind=Phase.Kind.INTAKE).first()
    if intake is not None and intake.state(now) == "current":
        raise ValidationError(_("Intake is already open."))
    if ends_at is None:
        planned = intake.ends_at if intake and intake.ends_at > now else None
        ends_at = planned or now + timedelta(days=DEFAULT_INTAKE_DAYS)
    if ends_at <= now:
        raise ValidationError({"ends_at": _("Intake must end in the future.")})
    Phase.objects.update_or_create(
        consultation=locked, kind=Phase.Kind.INTAKE, defaults={"starts_at": now, "ends_at": ends_at}
    )
    _log(locked, action="intake_opened", from_status=locked.status, actor=actor)
    return locked


@transaction.atomic
def consultation_intake_close(
    *, consultation: Consultation, actor, now: datetime | None = None
) -> Consultation:
    """Intake ends now: no new proposals, supports or withdrawals; the review phase starts."""
    locked = _locked_for_manager(consultation, actor)
    now = now or timezone.now()
    intake = _running_intake(locked, now).first()
    if intake is None:
        raise ValidationError(_("Intake is not open."))
    intake.ends_at = now
    intake.save(update_fields=["ends_at"])
    review = locked.phases.filter(kind=Phase.Kind.REVIEW).first()
    if review is None:
        Phase.objects.create(
            consultation=locked, kind=Phase.Kind.REVIEW, starts_at=now, ends_at=now + timedelta(days=30)
        )
    elif review.starts_at > now:
        review.starts_at = now
        review.ends_at = max(review.ends_at, now + timedelta(days=1))
        review.save(update_fields=["starts_at", "ends_at"])
    _log(locked, action="intake_closed", from_status=locked.status, actor=actor)
    return locked


@transaction.atomic
def consultation_outcome_publish(
    *,
    consultation: Consultation,
    actor,
    summaries: dict[str, str],
    despite_unanswered: bool = False,
    despite_open_intake: bool = False,
    now: datetime | None = None,
) -> Consultation:
    """Publishes the outcome with a summary in each language; intake, if still open, closes first — only when
    the member says so knowingly (`despite_open_intake`), since the step cannot be taken back and would end
    the intake before the date the public was given.

    Every proposal is owed a reasoned public answer: while some have none, the outcome is published only when
    the member says so knowingly (`despite_unanswered`); their answers stay due, with their deadlines."""
    _require_manager(actor)
    now = now or timezone.now()
    missing = [code for code in LANGUAGES if not summaries.get(code, "").strip()]
    if missing:
        raise ValidationError(
            {
                f"summary_{code}": _(
                    "Write the summary in this language too: the outcome page and its report are published "
                    "in Kazakh, Russian and English."
                )
                for code in missing
            }
        )
    running = _running_intake(consultation, now).first()
    if running is not None and not despite_open_intake:
        raise ValidationError(
            {
                "despite_open_intake": _(
                    "Proposals are still being taken until %(date)s. Close the intake first, or confirm that "
                    "publishing the outcome ends it now."
                )
                % {"date": format_when(running.ends_at)}
            }
        )
    unanswered = awaiting_answer_count(consultation)
    if unanswered and not despite_unanswered:
        raise ValidationError(
            {
                "despite_unanswered": ngettext(
                    "%(count)d published proposal has no public answer yet. Answer it first, or confirm "
                    "that the outcome is published before it is answered.",
                    "%(count)d published proposals have no public answer yet. Answer them first, or confirm "
                    "that the outcome is published before they are answered.",
                    unanswered,
                )
                % {"count": unanswered}
            }
        )
    _close_running_intake(consultation, actor=actor, now=now)
    Consultation.objects.filter(pk=consultation.pk).update(
        **{f"outcome_summary_{code}": summaries[code].strip() for code in LANGUAGES}
    )
    outcome = consultation.phases.filter(kind=Phase.Kind.OUTCOME).first()
    if outcome is None or outcome.starts_at > now:
        Phase.objects.update_or_create(
            consultation=consultation,
            kind=Phase.Kind.OUTCOME,
            defaults={"starts_at": now, "ends_at": now + timedelta(days=365)},
        )
    return consultation_transition(
        consultation=consultation, to_status=S.OUTCOME_PUBLISHED, actor=actor, action="outcome_published"
    )


def consultation_archive(*, consultation: Consultation, actor) -> Consultation:
    """Archived consultations stay readable but take nothing new."""
    _close_running_intake(consultation, actor=actor, now=timezone.now())
    return consultation_transition(
        consultation=consultation, to_status=S.ARCHIVED, actor=actor, action="archived"
    )


@transaction.atomic
def document_create(*, consultation: Consultation, actor, slug: str, titles: dict[str, str]) -> Document:
    """An empty document for the consultation; versions are then imported from the staff upload page."""
    _require_manager(actor)
    if Document.objects.filter(consultation=consultation, slug=slug).exists():
        raise ValidationError({"slug": _("This consultation already has a document with this address.")})
    document = Document.objects.create(
        consultation=consultation,
        slug=slug,
        **{f"title_{code}": titles.get(code, "").strip() for code in LANGUAGES},
    )
    audit_record(actor=actor, action="document.created", target=document)
    return document
