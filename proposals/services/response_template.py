"""Answer templates, written by the secretariat from the staff pages: checked, saved and audited here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Consultation, ResponseStatus, ResponseTemplate
from ..permissions.consultation import can_manage_consultations
from .staff_list import LANGUAGES, StaffList, per_language, stripped

# The same bound as an answer's reasoning, which a template fills.
MAX_TEXT = 10000
# A blank the member answering fills in, written in a template as "[[article number]]". An answer still
# holding one would be published with the blank in it: sending it for approval and publishing are refused.
BLANK = re.compile(r"\[\[[^\[\]\n]{0,120}\]\]")


def unfilled_blanks(*texts: str) -> list[str]:
    """The template blanks (`[[…]]`) left in `texts`, each once, in the order they come."""
    return list(dict.fromkeys(blank for text in texts for blank in BLANK.findall(text)))


@dataclass(frozen=True)
class ResponseTemplateInput:
    name: str
    texts: dict[str, str]
    status: str = ""
    is_active: bool = True
    # None: offered for every consultation.
    consultation: Consultation | None = None


_NOT_ALLOWED = gettext_lazy("Only administrators can manage answer templates.")
TEMPLATES = StaffList(ResponseTemplate, can_manage_consultations, _NOT_ALLOWED, "response_template")


def _clean(data: ResponseTemplateInput, *, template: ResponseTemplate | None) -> dict:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = _("Give the template a name.")
    elif (
        ResponseTemplate.objects.filter(consultation=data.consultation, name__iexact=name)
        .exclude(pk=template.pk if template else None)
        .exists()
    ):
        errors["name"] = _("Another template of this consultation has this name.")
    if data.status and data.status not in ResponseStatus.values:
        errors["status"] = _("Choose an outcome from the list.")
    texts = stripped(data.texts)
    for code in LANGUAGES:
        if not texts[code]:
            # A template fills the reasons in the proposal's language, which may be any of the three.
            errors[f"text_{code}"] = _("Write the text in this language too: proposals come in all three.")
        elif len(texts[code]) > MAX_TEXT:
            errors[f"text_{code}"] = _("At most %(count)d characters.") % {"count": MAX_TEXT}
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "status": data.status,
        "is_active": data.is_active,
        "consultation": data.consultation,
        **per_language("text", texts),
    }


def response_template_create(*, actor, data: ResponseTemplateInput) -> ResponseTemplate:
    """A new template, offered to Commission members at once when active."""
    return TEMPLATES.create(actor=actor, fields=lambda: _clean(data, template=None))


def response_template_update(
    *, template: ResponseTemplate, actor, data: ResponseTemplateInput, seen: str | None = None
) -> ResponseTemplate:
    """Changes a template; answers already drafted from it keep their own text."""
    return TEMPLATES.update(
        template, actor=actor, fields=lambda locked: _clean(data, template=locked), seen=seen
    )
