"""Edits made at the same time. A form that edits something another person (or the same person in another
tab) may save meanwhile carries a mark of what it was loaded from (`revision`); the service compares it with
the mark of the locked rows and refuses a save written on an older state (`ChangedMeanwhile`) instead of
silently overwriting what was saved meanwhile. The page then shows the form again with what the person typed,
beside what is saved now (`portal.core.forms.add_service_errors`).

The mark is a digest of the stored values the form edits, not of a timestamp: a save of something the form
does not show (a status, a count) does not make anyone's edit stale, and no column is needed."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

CHANGED_MEANWHILE = "changed_meanwhile"
MESSAGE = _(
    "While you were editing, someone else saved a change here (or you did, in another tab). Nothing of "
    "yours is lost: your version is kept in the form below, and what is saved now is shown above it. Compare "
    "them, then save again to keep your version."
)


class ChangedMeanwhile(ValidationError):
    """A save refused because what it edits changed since the form was loaded. `revision` is the mark of what
    is stored now and `saved` the row as it stands, so that the form can be shown again beside it and be saved
    deliberately."""

    def __init__(self, *, revision: str, saved: models.Model, message=MESSAGE):
        super().__init__(message, code=CHANGED_MEANWHILE)
        self.revision = revision
        self.saved = saved


def values_of(row: models.Model, names=None) -> dict:
    """The stored values of `row`'s fields `names` (every concrete field when None), by attribute name (a
    foreign key as its id)."""
    fields = row._meta.concrete_fields
    wanted = None if names is None else set(names)
    return {
        field.attname: getattr(row, field.attname)
        for field in fields
        if wanted is None or field.name in wanted or field.attname in wanted
    }


def revision(*parts) -> str:
    """A mark of `parts`: model rows (all their stored fields) or plain values (a dict of some fields, a list
    of ids). Equal parts give equal marks; any change of a value gives another."""
    plain = [
        [part._meta.label, values_of(part)] if isinstance(part, models.Model) else part for part in parts
    ]
    encoded = json.dumps(plain, sort_keys=True, default=str, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


def refuse_if_changed(*, seen: str | None, now: str, saved: models.Model, message=MESSAGE) -> None:
    """Refuses a save from a form loaded as `seen` when what it edits is `now` (the mark of the locked rows).
    A save without a mark (not sent from a page: a script, a test) is not checked."""
    if seen and seen != now:
        raise ChangedMeanwhile(revision=now, saved=saved, message=message)
