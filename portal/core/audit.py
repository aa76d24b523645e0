from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext

from . import registries
from .language import detect_language
from .models import AuditEntry


def audit_record(*, actor, action: str, target: models.Model | None = None, details: dict | None = None):
    """Appends one row to the audit log. `actor=None` means the system itself."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details or {},
    )


def audit_action_label(action: str) -> str:
    """The name the writing app registered for an action code, else the code itself."""
    for vocabulary in registries.audit_vocabularies:
        if action in vocabulary.actions:
            return str(vocabulary.actions[action])
    return action


def audit_target_type_label(target_type: str) -> str:
    """The model's own name for a target type (`proposals.proposal`), else the type as written."""
    try:
        return str(capfirst(apps.get_model(target_type)._meta.verbose_name))
    except (LookupError, ValueError):
        return target_type


def audit_target_type_choices() -> list[tuple[str, str]]:
    """The target types the log holds, by their readable names."""
    types = AuditEntry.objects.exclude(target_type="").order_by().values_list("target_type", flat=True)
    choices = [(target_type, audit_target_type_label(target_type)) for target_type in types.distinct()]
    return sorted(choices, key=lambda choice: choice[1].casefold())


def audit_detail_pairs(details: dict) -> list[tuple[str, str, str, str]]:
    """An entry's details as (name, value, staff page or "", language of the value or "") for people to read.
    The language is that of a text someone wrote (a reason, a note), as its letters tell, for its `lang`: a
    code's label is in the page's language already."""
    names, values, pages = {}, {}, {}
    for vocabulary in registries.audit_vocabularies:
        names.update(vocabulary.details)
        pages.update(vocabulary.detail_pages)
        for key, labels in vocabulary.values.items():
            values.setdefault(key, {}).update(labels)
    return [
        (
            str(names.get(key, key.replace("_", " "))),
            _readable(value, values.get(key, {}), names),
            _page(pages.get(key), value),
            _written_in(value, values.get(key, {})),
        )
        for key, value in _in_reading_order(details or {})
    ]


def _written_in(value, labels: dict) -> str:
    # Words someone wrote, not a code, a slug or an address (one token): those are read as they are spelt.
    if not isinstance(value, str) or value in labels or " " not in value.strip():
        return ""
    return detect_language(value, default="")


_BEFORE_AFTER = ("from", "to")


def _in_reading_order(details: dict) -> list[tuple]:
    """What was before, then what became of it: PostgreSQL's jsonb keeps keys by length, not as written, and
    read "Became: …, Was: …" backwards."""
    return sorted(
        details.items(), key=lambda item: _BEFORE_AFTER.index(item[0]) if item[0] in _BEFORE_AFTER else -1
    )


def audit_target_url(entry: AuditEntry) -> str:
    """The staff page of an entry's target, when its app names one; else ""."""
    for vocabulary in registries.audit_vocabularies:
        if entry.target_type in vocabulary.target_pages:
            return _page(vocabulary.target_pages[entry.target_type], entry.target_id)
    return ""


def _page(url_name: str | None, pk) -> str:
    # A detail or target written before its page existed, or not a number, links nowhere.
    if url_name is None or not str(pk).isdigit():
        return ""
    try:
        return reverse(url_name, kwargs={"pk": int(pk)})
    except NoReverseMatch:
        return ""


def _readable(value, labels: dict, names: dict) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if isinstance(value, dict):
        return "; ".join(
            f"{names.get(key, key)}: {_readable(item, labels, names)}"
            for key, item in _in_reading_order(value)
        )
    if isinstance(value, list | tuple):
        # A pair of lists is a before and after (identity levels): each in brackets.
        return ", ".join(
            f"({_readable(item, labels, names)})"
            if isinstance(item, list | tuple)
            else _readable(item, labels, names)
            for item in value
        )
    return str(labels.get(value, value)) if isinstance(value, str) else str(value)
