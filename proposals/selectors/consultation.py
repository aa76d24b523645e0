from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.formats import format_when
from portal.core.revisions import revision, values_of

from ..models import Consultation, ConsultationStatus, Document, Phase, Proposal, ProposalStatus
from ..models.translated import LANGUAGE_ORDER

# What the settings form of a consultation's staff page edits, besides the phases' dates.
SETTINGS_FIELDS = (
    "slug",
    "moderation_policy",
    "accepted_identity_levels",
    *(f"{prefix}_{code}" for prefix in ("title", "description") for code in LANGUAGE_ORDER),
)


def public_consultations() -> QuerySet[Consultation]:
    """Consultations anyone may see (not drafts), with their phases and documents prefetched."""
    return (
        Consultation.objects.exclude(status=ConsultationStatus.DRAFT)
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("starts_at")),
            Prefetch("documents", queryset=Document.objects.order_by("pk")),
        )
        .order_by("-created_at", "-pk")
    )


def intake_open_consultations(now=None) -> QuerySet[Consultation]:
    """Public consultations taking proposals now."""
    now = now or timezone.now()
    open_intake = Phase.objects.filter(
        consultation=OuterRef("pk"), kind=Phase.Kind.INTAKE, starts_at__lte=now, ends_at__gt=now
    )
    return public_consultations().exclude(status=ConsultationStatus.ARCHIVED).filter(Exists(open_intake))


def public_consultation_slugs() -> dict[int, str]:
    """The slug of every public consultation by its id: a handful of rows, read once per list."""
    return dict(Consultation.objects.exclude(status=ConsultationStatus.DRAFT).values_list("pk", "slug"))


def current_consultation() -> Consultation | None:
    """The consultation meant when none is named: the newest taking proposals, else the newest public one."""
    return intake_open_consultations().first() or public_consultations().first()


def current_consultation_among(consultations: list[Consultation], now=None) -> Consultation | None:
    """`current_consultation`, picked from public consultations already read with their phases."""
    now = now or timezone.now()
    for consultation in consultations:
        if consultation.status != ConsultationStatus.ARCHIVED and any(
            phase.kind == Phase.Kind.INTAKE and phase.starts_at <= now < phase.ends_at
            for phase in consultation.phases.all()
        ):
            return consultation
    return consultations[0] if consultations else None


@dataclass
class ConsultationGroups:
    open: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    closed: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.open or self.upcoming or self.closed)

    @property
    def sections(self) -> list[tuple[str, list, str]]:
        return [
            (_("Taking proposals now"), self.open, "open"),
            (_("Upcoming"), self.upcoming, "upcoming"),
            (_("Closed"), self.closed, "closed"),
        ]


def consultation_groups(now=None) -> ConsultationGroups:
    """Public consultations as open (intake now), upcoming (intake later) and closed; two queries."""
    now = now or timezone.now()
    groups = ConsultationGroups()
    for consultation in public_consultations():
        intake = next((p for p in consultation.phases.all() if p.kind == Phase.Kind.INTAKE), None)
        state = intake.state(now) if intake else "past"
        if consultation.status in (ConsultationStatus.OUTCOME_PUBLISHED, ConsultationStatus.ARCHIVED):
            state = "past"
        item = {"consultation": consultation, "intake": intake, "timeline": phase_timeline(consultation, now)}
        {"current": groups.open, "upcoming": groups.upcoming, "past": groups.closed}[state].append(item)
    return groups


def phase_timeline(consultation: Consultation, now=None) -> list[dict]:
    now = now or timezone.now()
    return [
        {"phase": phase, "label": phase.get_kind_display(), "state": _phase_state(consultation, phase, now)}
        for phase in consultation.phases.all()
    ]


def _phase_state(consultation: Consultation, phase: Phase, now) -> str:
    # The dates were announced before; once the outcome is out the earlier phases are over whatever they said
    # (the page listed hearings "upcoming" and the review "now" beside the published outcome), and an archived
    # consultation has nothing current or ahead.
    if consultation.status == ConsultationStatus.ARCHIVED:
        return "past"
    if consultation.status == ConsultationStatus.OUTCOME_PUBLISHED:
        if phase.kind != Phase.Kind.OUTCOME:
            return "past"
        return "past" if phase.state(now) == "past" else "current"
    return phase.state(now)


def intake_closed_message(consultation: Consultation, now=None) -> str:
    """Why proposals cannot be written now, with the date it opens or closed."""
    now = now or timezone.now()
    return _closed_message(consultation.phases.filter(kind=Phase.Kind.INTAKE).first(), now)


def intake_closed_note(consultation: Consultation, now=None) -> str | None:
    """`intake_closed_message` while proposals cannot be written, None while they can; one query."""
    now = now or timezone.now()
    intakes = list(consultation.phases.filter(kind=Phase.Kind.INTAKE).order_by("starts_at"))
    if any(intake.starts_at <= now < intake.ends_at for intake in intakes):
        return None
    return _closed_message(intakes[0] if intakes else None, now)


def _closed_message(intake: Phase | None, now) -> str:
    if intake is None:
        return _("This consultation does not take proposals.")
    if now < intake.starts_at:
        return _("Proposal intake opens on %(date)s.") % {"date": format_when(intake.starts_at)}
    return _("Proposal intake closed on %(date)s.") % {"date": format_when(intake.ends_at)}


def staff_consultations() -> QuerySet[Consultation]:
    """Every consultation, drafts included, for the staff list."""
    return Consultation.objects.prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("starts_at")),
        Prefetch("documents", queryset=Document.objects.order_by("pk")),
    ).order_by("-created_at", "-pk")


def awaiting_answer_count(consultation: Consultation) -> int:
    """Published proposals of the consultation still without a public answer (a text submitted by several
    people counts once, as it is answered once)."""
    return Proposal.objects.filter(
        consultation=consultation,
        status__in=(ProposalStatus.PUBLISHED, ProposalStatus.UNDER_REVIEW),
        cluster_of__isnull=True,
    ).count()


def consultation_revision(consultation: Consultation) -> str:
    """The mark of the consultation's settings and phase dates as the settings form edits them, from the
    row as read for the form (or locked): opening or closing intake moves a phase, so a form loaded before
    is stale, while a status step is nothing the form would undo."""
    phases = Phase.objects.filter(consultation_id=consultation.pk).order_by("kind")
    return revision(
        values_of(consultation, SETTINGS_FIELDS),
        [[phase.kind, phase.starts_at, phase.ends_at] for phase in phases],
    )
