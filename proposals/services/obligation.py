"""Answer obligations (deadlines the public can check), kept by the secretariat from the staff pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from ..models import Consultation, ObligationRule
from ..permissions.consultation import can_manage_consultations
from .staff_list import LANGUAGES, StaffList, named_item_fields

# Ten years: a longer promise is a typing mistake, and dates that far out overflow nothing but help nobody.
MAX_DAYS = 3650


@dataclass(frozen=True)
class ObligationInput:
    names: dict[str, str]
    days: int
    min_supports: int = 0
    is_active: bool = True
    # None: the rule holds for every consultation.
    consultation: Consultation | None = None


_NOT_ALLOWED = gettext_lazy("Only administrators can manage answer obligations.")
OBLIGATIONS = StaffList(ObligationRule, can_manage_consultations, _NOT_ALLOWED, "obligation")


def answer_within_names(days: int) -> dict[str, str]:
    """The name of a plain "answered within `days` days" obligation in each language, for one made without
    staff naming it (the first obligation of a new consultation)."""
    names = {}
    for code in LANGUAGES:
        with override(code):
            names[code] = _("Answer within %(days)d days") % {"days": days}
    return names


def _clean(data: ObligationInput) -> dict:
    errors: dict[str, str] = {}
    if not 0 < data.days <= MAX_DAYS:
        errors["days"] = _("Between 1 and %(max)d days.") % {"max": MAX_DAYS}
    if data.min_supports < 0:
        errors["min_supports"] = _("Zero or more.")
    return named_item_fields(
        data.names,
        errors,
        days=data.days,
        min_supports=data.min_supports,
        is_active=data.is_active,
        consultation=data.consultation,
    )


def obligation_rule_create(*, actor, data: ObligationInput) -> ObligationRule:
    """A new promise about answers; deadlines of published proposals follow it at once."""
    return OBLIGATIONS.create(actor=actor, fields=lambda: _clean(data))


def obligation_rule_update(
    *, rule: ObligationRule, actor, data: ObligationInput, seen: str | None = None
) -> ObligationRule:
    return OBLIGATIONS.update(rule, actor=actor, fields=lambda locked: _clean(data), seen=seen)
