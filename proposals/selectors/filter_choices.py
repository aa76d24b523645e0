"""The choices of the proposal list's filter form: the same for every reader, so computed once and shared."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.core.fragments import shared

from ..models import Topic
from .consultation import current_consultation_among, public_consultations
from .document import articles_ever_published


@dataclass(frozen=True)
class FilterChoices:
    consultations: list[tuple[str, str, int]]  # slug, title, pk
    topics: list[tuple[str, str]]  # slug, name
    articles: list[tuple[int, str]]  # identity pk, "7. Heading"


def _compute(consultation_slug: str) -> FilterChoices:
    consultations = list(public_consultations())
    chosen = next((c for c in consultations if c.slug == consultation_slug), None)
    chosen = chosen or current_consultation_among(consultations)
    return FilterChoices(
        consultations=[(c.slug, str(c), c.pk) for c in consultations],
        topics=[(topic.slug, str(topic)) for topic in Topic.objects.all()],
        articles=_article_choices(chosen),
    )


def _article_choices(consultation) -> list[tuple[int, str]]:
    """Every article proposals may have named, the latest version's first: proposals about an article a
    later version removed are still found, and its old number (perhaps another article's now) says so."""
    if consultation is None:
        return []
    choices = []
    for identity in articles_ever_published(consultation):
        label = f"{identity.number or identity.key}. {identity.translated('heading')}"
        if identity.removed_in:
            versions = {"version": identity.last_in, "removed": identity.removed_in}
            label += " (" + _("version %(version)s, removed in version %(removed)s") % versions + ")"
        choices.append((identity.pk, label))
    return choices


def proposal_filter_choices(*, consultation_slug: str = "") -> FilterChoices:
    """Consultations, topics and the chosen (or current) consultation's articles, in the reader's language;
    read from the database once per change of the site (six queries for one document), then shared."""
    return shared(
        "proposal-filter-choices",
        vary=(get_language(), consultation_slug),
        compute=lambda: _compute(consultation_slug),
    )
