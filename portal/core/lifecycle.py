"""Lifecycles as tables: each status maps to the statuses it may move to, and nothing else moves.

A domain module declares its table once (e.g. `PROPOSAL_LIFECYCLE`), and its single transition service calls
`move()` on the locked row; the service also saves it, writes the log row and queues side effects on commit.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


class TransitionNotAllowed(Exception):
    def __init__(self, lifecycle: str, from_status: str, to_status: str):
        self.from_status, self.to_status = from_status, to_status
        super().__init__(f"{lifecycle}: {from_status!r} → {to_status!r} is not an allowed transition")


@dataclass(frozen=True)
class Lifecycle:
    name: str
    table: Mapping[str, Iterable[str]]
    _frozen: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        frozen = {status: frozenset(targets) for status, targets in self.table.items()}
        unknown = {t for targets in frozen.values() for t in targets} - set(frozen)
        if unknown:
            raise ValueError(f"{self.name}: targets without a row of their own: {sorted(unknown)}")
        object.__setattr__(self, "_frozen", frozen)

    @property
    def statuses(self) -> frozenset[str]:
        return frozenset(self._frozen)

    def targets(self, from_status: str) -> frozenset[str]:
        return self._frozen.get(from_status, frozenset())

    def allows(self, from_status: str, to_status: str) -> bool:
        return to_status in self.targets(from_status)

    def check(self, from_status: str, to_status: str) -> None:
        if not self.allows(from_status, to_status):
            raise TransitionNotAllowed(self.name, from_status, to_status)

    def move(self, row, to_status: str, *, field: str = "status") -> str:
        """Moves `row` (locked by the caller, who saves it) to `to_status` if the table allows it, else raises
        TransitionNotAllowed; returns the status it left, for the log row."""
        from_status = getattr(row, field)
        self.check(from_status, to_status)
        setattr(row, field, to_status)
        return from_status

    def pairs(self) -> list[tuple[str, str]]:
        """Every (from, to) pair the table allows, for tests that walk the whole table."""
        return sorted((a, b) for a, targets in self._frozen.items() for b in targets)
