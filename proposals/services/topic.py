"""Topics authors file proposals under, kept by the secretariat from the staff pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Topic
from ..permissions.consultation import can_manage_consultations
from .staff_list import StaffList, named_item_fields, taken_by_another


@dataclass(frozen=True)
class TopicInput:
    slug: str
    names: dict[str, str]
    position: int = 0
    is_active: bool = True


_NOT_ALLOWED = gettext_lazy("Only administrators can manage topics.")
TOPICS = StaffList(Topic, can_manage_consultations, _NOT_ALLOWED, "topic")


def _clean(data: TopicInput, *, topic: Topic | None) -> dict:
    errors: dict[str, str] = {}
    if taken_by_another(Topic, topic, slug=data.slug):
        errors["slug"] = _("Another topic already has this address.")
    if data.position < 0:
        errors["position"] = _("Zero or more.")
    return named_item_fields(
        data.names, errors, slug=data.slug, position=data.position, is_active=data.is_active
    )


def topic_create(*, actor, data: TopicInput) -> Topic:
    return TOPICS.create(actor=actor, fields=lambda: _clean(data, topic=None))


def topic_update(*, topic: Topic, actor, data: TopicInput, seen: str | None = None) -> Topic:
    """Renames, reorders or stops offering a topic; proposals filed under it keep it."""
    return TOPICS.update(topic, actor=actor, fields=lambda locked: _clean(data, topic=locked), seen=seen)
