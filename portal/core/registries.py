"""What each app tells the others when it starts (`AppConfig.ready`), so that a lower layer never imports a
higher one.

The core and the accounts app own a person's data export and erasure, and the staff area's front page, yet
the data and the pages belong to apps above them. Each app registers its part here; the owner iterates the
registry. Adding a model with personal data to any app means registering a `PersonalDataPart` for it, and
nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")


class Registry(Generic[Item]):
    """An ordered list of registrations. Registering the same item twice keeps one (apps may be readied
    more than once in tests)."""

    def __init__(self, name: str):
        self.name = name
        self._items: list[Item] = []

    def register(self, item: Item) -> Item:
        if item not in self._items:
            self._items.append(item)
        return item

    def __iter__(self) -> Iterator[Item]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class PersonalDataPart:
    """One app's share of what the portal holds about a person.

    - `export(user)`: JSON-ready data, written as `<name>.json` in the person's archive.
    - `withdraw(user)`: takes down the content that the person asked to withdraw with their account.
    - `erase(user)`: removes or anonymises the person's rows; runs in the erasure transaction after the
      account row itself is anonymised (its email is then the erased placeholder).
    - `purge(now)`: the retention sweep; returns counts by kind.
    - `models`: the models whose rows point at the person that this part exports or erases. Every model of
      ours that points at a person is named by some part, or is listed as a record of an act that outlives
      the account (tests/portal/core/test_personal_data_coverage.py): a new one cannot be forgotten.
    """

    name: str
    models: tuple[type, ...] = ()
    export: Callable[[Any], list | dict] | None = None
    withdraw: Callable[[Any], None] | None = None
    erase: Callable[[Any], None] | None = None
    purge: Callable[[datetime], dict[str, int]] | None = None


@dataclass(frozen=True)
class StaffPanel:
    """A section of the staff area's front page, shown to people for whom `visible(user)` is true.

    `context(request)` adds what the template needs; `order` sorts the panels (lower first)."""

    template: str
    visible: Callable[[Any], bool]
    context: Callable[[Any], dict] | None = None
    order: int = 100


@dataclass(frozen=True)
class PersonFact:
    """A number about a person on their staff page (e.g. how many proposals they wrote)."""

    label: str
    count: Callable[[Any], int]


@dataclass(frozen=True)
class AuditVocabulary:
    """The readable names of an app's audit entries, for the audit log page: `actions` by the action codes
    the app writes, `details` by the keys of their details, and `values` the codes a detail holds (a status,
    a reason), by the detail's key. A code without a name is shown as it is. The staff pages an entry leads
    to are URL names that take `pk`: `target_pages` by target type, `detail_pages` by the key of a detail
    that holds a number (a moderation case)."""

    actions: Mapping[str, Any]
    details: Mapping[str, Any] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    target_pages: Mapping[str, str] = field(default_factory=dict)
    detail_pages: Mapping[str, str] = field(default_factory=dict)


personal_data: Registry[PersonalDataPart] = Registry("personal data")
staff_panels: Registry[StaffPanel] = Registry("staff panels")
person_facts: Registry[PersonFact] = Registry("person facts")
audit_vocabularies: Registry[AuditVocabulary] = Registry("audit vocabularies")
# Checks of a public name (a person's display name), each true when the name may not be shown: the word
# lists of abusive language belong to the participation domain's screening, above the accounts app.
public_name_refusals: Registry[Callable[[str], bool]] = Registry("public name refusals")
