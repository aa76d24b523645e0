from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..models import Consultation, Document, Phase


def current_consultation() -> Consultation | None:
    """The consultation the home page and the proposal form are about: the newest one."""
    return (
        Consultation.objects.prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("starts_at")),
            Prefetch("documents", queryset=Document.objects.order_by("pk")),
        )
        .order_by("-created_at")
        .first()
    )


def phase_timeline(consultation: Consultation, now=None) -> list[dict]:
    now = now or timezone.now()
    return [
        {"phase": phase, "label": phase.get_kind_display(), "state": phase.state(now)}
        for phase in consultation.phases.all()
    ]


def intake_closed_message(consultation: Consultation, now=None) -> str:
    """Why proposals cannot be written now, with the date it opens or closed."""
    now = now or timezone.now()
    intake = consultation.phases.filter(kind=Phase.Kind.INTAKE).first()
    if intake is None:
        return _("This consultation does not take proposals.")
    if now < intake.starts_at:
        return _("Proposal intake opens on %(date)s.") % {
            "date": formats.date_format(timezone.localtime(intake.starts_at), "DATETIME_FORMAT")
        }
    return _("Proposal intake closed on %(date)s.") % {
        "date": formats.date_format(timezone.localtime(intake.ends_at), "DATETIME_FORMAT")
    }
