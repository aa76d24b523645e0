"""The bodies commitments name (ministries, the Parliament, agencies), kept from the staff pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import ResponsibleBody
from ..permissions.commitment import can_manage_commitments
from .staff_list import LANGUAGES, StaffList, per_language, stripped, taken_by_another


@dataclass(frozen=True)
class ResponsibleBodyInput:
    slug: str
    names: dict[str, str]


_NOT_ALLOWED = gettext_lazy("Only Commission members and administrators can manage responsible bodies.")
BODIES = StaffList(ResponsibleBody, can_manage_commitments, _NOT_ALLOWED, "responsible_body")


def _clean(data: ResponsibleBodyInput, *, body: ResponsibleBody | None) -> dict:
    errors = {}
    names = stripped(data.names)
    for code in LANGUAGES:
        if not names[code]:
            errors[f"name_{code}"] = _("Give the name in this language: the tracker shows it in all three.")
    if taken_by_another(ResponsibleBody, body, slug=data.slug):
        errors["slug"] = _("Another body already has this address.")
    if errors:
        raise ValidationError(errors)
    return {"slug": data.slug, **per_language("name", names)}


def responsible_body_create(*, actor, data: ResponsibleBodyInput) -> ResponsibleBody:
    return BODIES.create(actor=actor, fields=lambda: _clean(data, body=None))


def responsible_body_update(
    *, body: ResponsibleBody, actor, data: ResponsibleBodyInput, seen: str | None = None
) -> ResponsibleBody:
    """Renames a body; its commitments and their followers keep it."""
    return BODIES.update(body, actor=actor, fields=lambda locked: _clean(data, body=locked), seen=seen)
