"""Answer templates: the ones the secretariat maintains and the ones a Commission member is offered."""

from django.db.models import Q, QuerySet

from ..models import ResponseTemplate


def templates_offered(consultation) -> QuerySet[ResponseTemplate]:
    """Active templates of `consultation` and those for every consultation, by name."""
    return ResponseTemplate.objects.filter(
        Q(consultation=consultation) | Q(consultation__isnull=True), is_active=True
    ).order_by("name", "id")


def staff_templates(consultation=None) -> QuerySet[ResponseTemplate]:
    """Every template (active or not) of `consultation` and those for every consultation; with no
    consultation, all of them with their consultation."""
    templates = ResponseTemplate.objects.select_related("consultation").order_by(
        "consultation_id", "name", "id"
    )
    if consultation is not None:
        templates = templates.filter(Q(consultation=consultation) | Q(consultation__isnull=True))
    return templates
