"""Consultations and their draft documents."""

from django.utils import timezone

from portal.core.roles import is_admin

from ..models import Consultation, ConsultationStatus, Phase


def can_import_document(user) -> bool:
    return is_admin(user)


def intake_is_open(consultation, now=None) -> bool:
    """Proposals may be written, supported and withdrawn only during the intake phase."""
    if now is None and "intake_open_now" in consultation.__dict__:
        # Read with the consultation in the request's one query (selectors.proposal.supportable_proposal).
        return consultation.intake_open_now
    now = now or timezone.now()
    return consultation.phases.filter(kind=Phase.Kind.INTAKE, starts_at__lte=now, ends_at__gt=now).exists()


def can_manage_consultations(user) -> bool:
    """Administrators (the secretariat) create, edit, open, close, publish and archive consultations."""
    return is_admin(user)


def can_view_consultation(user, consultation: Consultation) -> bool:
    """Drafts are seen by those who prepare them; everything else is public."""
    return consultation.status != ConsultationStatus.DRAFT or can_manage_consultations(user)


def can_download_outcome_report(user, consultation: Consultation) -> bool:
    """The report repeats public material only, so anyone may have it once the outcome is published."""
    if consultation.status in (ConsultationStatus.OUTCOME_PUBLISHED, ConsultationStatus.ARCHIVED):
        return True
    return can_manage_consultations(user)
