"""Word-level diffs of article texts and the share of the text that changed.

Pure functions. `diff_words(old, new)` returns operations whose `equal` and `insert` parts concatenate to the
new text exactly (and `equal` + `delete` to the old one), so a diff can always be checked by applying it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class DiffOp:
    tag: str  # "equal", "insert" or "delete"
    text: str


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def diff_words(old: str, new: str) -> list[DiffOp]:
    a, b = tokens(old), tokens(new)
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(DiffOp("equal", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                ops.append(DiffOp("delete", "".join(a[i1:i2])))
            if j2 > j1:
                ops.append(DiffOp("insert", "".join(b[j1:j2])))
    return ops


def apply_ops(ops: list[DiffOp]) -> str:
    """The newer text, rebuilt from a diff."""
    return "".join(op.text for op in ops if op.tag != "delete")


def original_of(ops: list[DiffOp]) -> str:
    return "".join(op.text for op in ops if op.tag != "insert")


def _weight(text: str) -> int:
    # Whitespace does not count: reflowing a paragraph is not a change of substance.
    return sum(1 for char in text if not char.isspace())


@dataclass(frozen=True)
class ChangeMeasure:
    changed: int  # characters deleted plus characters inserted
    total: int  # characters of the old text plus characters of the new text

    def __add__(self, other: ChangeMeasure) -> ChangeMeasure:
        return ChangeMeasure(self.changed + other.changed, self.total + other.total)

    @property
    def share(self) -> float:
        """0.0 when nothing changed, 1.0 when nothing is shared."""
        return self.changed / self.total if self.total else 0.0


def measure(ops: list[DiffOp]) -> ChangeMeasure:
    changed = sum(_weight(op.text) for op in ops if op.tag != "equal")
    total = sum(_weight(op.text) * (2 if op.tag == "equal" else 1) for op in ops)
    return ChangeMeasure(changed, total)


def render_html(ops: list[DiffOp], *, added_label: str, removed_label: str, end_label: str = "") -> str:
    """<ins>/<del> markup with visually hidden words for screen readers; every text is escaped first.

    A listener hears where a change starts ("added: …") and, with `end_label`, where it ends: without it the
    unchanged words after an insertion sound as if they were inserted too."""
    parts = []
    end = f'<span class="visually-hidden"> ({escape(end_label)}) </span>' if end_label else ""
    for op in ops:
        text = escape(op.text)
        if op.tag == "equal":
            parts.append(text)
            continue
        element, label = ("ins", added_label) if op.tag == "insert" else ("del", removed_label)
        start = f'<span class="visually-hidden">{escape(label)}: </span>'
        parts.append(f"<{element}>{start}{text}{end}</{element}>")
    return "".join(parts)
