"""Comparing two versions of a document article by article (matched by stable identity)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from ..documents.diff import ChangeMeasure, DiffOp, diff_words, measure, render_html
from ..models import Article, DocumentVersion, Paragraph
from ..models.translated import LANGUAGE_ORDER


@dataclass
class ArticleComparison:
    identity_key: str
    old: Article | None
    new: Article | None
    status: str  # unchanged, changed, added, removed
    moved: bool
    renumbered: bool
    measure: ChangeMeasure
    html: str = ""
    language: str = ""

    @property
    def article(self) -> Article:
        return self.new or self.old


@dataclass
class ComparisonSummary:
    unchanged: int = 0
    changed: int = 0
    added: int = 0
    removed: int = 0
    moved: int = 0
    renumbered: int = 0
    measure: ChangeMeasure = field(default_factory=lambda: ChangeMeasure(0, 0))

    @property
    def changed_percent(self) -> float:
        return round(100 * self.measure.share, 1)

    def as_dict(self) -> dict:
        return {
            "unchanged": self.unchanged,
            "changed": self.changed,
            "added": self.added,
            "removed": self.removed,
            "moved": self.moved,
            "renumbered": self.renumbered,
            "changed_percent": self.changed_percent,
        }


def text_language(article: Article | None, language: str) -> str:
    """The language `_text` shows the article in: `language` when every paragraph has it, else the first
    language that every paragraph has (a page names it, and marks the text with it)."""
    paragraphs = list(article.paragraphs.all()) if article is not None else []
    return next(
        (code for code in (language, *LANGUAGE_ORDER) if all(getattr(p, f"text_{code}") for p in paragraphs)),
        language,
    )


def _text(article: Article | None, language: str) -> str:
    if article is None:
        return ""
    paragraphs = list(article.paragraphs.all())
    for code in (language, *LANGUAGE_ORDER):
        if all(getattr(p, f"text_{code}") for p in paragraphs):
            return "\n".join(f"{p.number}. {getattr(p, f'text_{code}')}" for p in paragraphs)
    return "\n".join(f"{p.number}. {p.translated('text')}" for p in paragraphs)


def _articles(version: DocumentVersion) -> dict[int, Article]:
    queryset = (
        Article.objects.filter(version=version)
        .select_related("section", "identity")
        .prefetch_related(Prefetch("paragraphs", queryset=Paragraph.objects.order_by("number")))
        .order_by("position")
    )
    return {article.identity_id: article for article in queryset}


def compare_versions(
    *, old_version: DocumentVersion, new_version: DocumentVersion, language: str, with_html: bool = True
) -> tuple[list[ArticleComparison], ComparisonSummary]:
    """Every article of either version, in the newer version's order (removed ones after), with its diff."""
    old_articles, new_articles = _articles(old_version), _articles(new_version)
    order = list(new_articles) + [key for key in old_articles if key not in new_articles]
    summary = ComparisonSummary()
    rows = []
    added_label, removed_label, end_label = _("added"), _("removed"), _("end of change")
    for identity_id in order:
        old, new = old_articles.get(identity_id), new_articles.get(identity_id)
        ops: list[DiffOp] = diff_words(_text(old, language), _text(new, language))
        change = measure(ops)
        if old is None:
            status = "added"
        elif new is None:
            status = "removed"
        else:
            status = "changed" if change.changed else "unchanged"
        moved = bool(old and new and old.section.number != new.section.number)
        renumbered = bool(old and new and old.number != new.number)
        setattr(summary, status, getattr(summary, status) + 1)
        summary.moved += moved
        summary.renumbered += renumbered
        summary.measure = summary.measure + change
        row = ArticleComparison(
            identity_key=(new or old).identity.key,
            old=old,
            new=new,
            status=status,
            moved=moved,
            renumbered=renumbered,
            measure=change,
            language=text_language(new or old, language),
        )
        if with_html and status != "unchanged":
            row.html = render_html(
                ops, added_label=added_label, removed_label=removed_label, end_label=end_label
            )
        rows.append(row)
    return rows, summary
