"""The lists the secretariat keeps from the staff pages (topics, responsible bodies, answer obligations,
answer templates). Every item is written the same way: the permission first, then the list's own checks,
the row locked while it changes, and one audit line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.revisions import refuse_if_changed, revision

from ..models.translated import LANGUAGE_ORDER as LANGUAGES


def stripped(texts: dict[str, str]) -> dict[str, str]:
    """One text per language, blank where none was given."""
    return {code: texts.get(code, "").strip() for code in LANGUAGES}


def per_language(prefix: str, texts: dict[str, str]) -> dict[str, str]:
    """The model fields of one translated text: `name_kk`, `name_ru`, `name_en`."""
    return {f"{prefix}_{code}": texts[code] for code in LANGUAGES}


def named_item_fields(names: dict[str, str], errors: dict[str, str], **fields) -> dict:
    """The model fields of an item named in each language (`name_kk`…, blank where no name was given) with
    its other `fields`; refused with the list's own `errors` and, first, a name missing in Kazakh: Kazakh
    is the first language every other falls back to (`translated`), a Russian or English name may follow
    later."""
    names = stripped(names)
    if not names["kk"]:
        errors = {"name_kk": _("Give the name in Kazakh."), **errors}
    if errors:
        raise ValidationError(errors)
    return {**per_language("name", names), **fields}


def taken_by_another(model: type[models.Model], item: models.Model | None, **lookup) -> bool:
    """Whether an item other than `item` (None: a new one) already matches `lookup`."""
    return model.objects.filter(**lookup).exclude(pk=item.pk if item else None).exists()


@dataclass(frozen=True)
class StaffList:
    """One kept list: its model, who may keep it (and what the others are told), and the audit actions'
    prefix (`topic` writes `topic.created` and `topic.updated`)."""

    model: type[models.Model]
    may_keep: Callable[[object], bool]
    refusal: str
    audit: str

    def _require_keeper(self, actor) -> None:
        if not self.may_keep(actor):
            raise PermissionDenied(str(self.refusal))

    @transaction.atomic
    def create(self, *, actor, fields: Callable[[], dict]):
        """A new item from `fields()`, the list's checks, which run only for someone allowed to keep it."""
        self._require_keeper(actor)
        item = self.model.objects.create(**fields())
        audit_record(actor=actor, action=f"{self.audit}.created", target=item)
        return item

    @transaction.atomic
    def update(self, item, *, actor, fields: Callable[[models.Model], dict], seen: str | None = None):
        """Changes `item` to `fields(locked)`, checked against the locked row. A form loaded as `seen`
        (`revision` of the row) before another save of the item is refused, so that it undoes nothing."""
        self._require_keeper(actor)
        locked = self.model.objects.select_for_update().get(pk=item.pk)
        refuse_if_changed(seen=seen, now=revision(locked), saved=locked)
        for name, value in fields(locked).items():
            setattr(locked, name, value)
        locked.save()
        audit_record(actor=actor, action=f"{self.audit}.updated", target=locked)
        return locked
