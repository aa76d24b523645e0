"""The answer and hearing lifecycles against their documented tables, written out here.

Each expected table is copied from docs/ARCHITECTURE.md by hand, not read from the code, so that a wrong edit
of a table in the code fails here. Every pair of statuses is checked, allowed or refused.
"""

import itertools

import pytest

from portal.core.lifecycle import TransitionNotAllowed
from proposals.models import HearingStatus, ResponseState
from proposals.services.hearing import HEARING_LIFECYCLE
from proposals.services.response import RESPONSE_LIFECYCLE

DOCUMENTED_RESPONSE = {
    "draft": {"in_review", "published"},
    "in_review": {"published", "returned", "draft"},
    "returned": {"in_review", "published"},
    "published": set(),
}
DOCUMENTED_HEARING = {
    "scheduled": {"live", "finished", "postponed", "cancelled"},
    "live": {"finished"},
    "postponed": {"scheduled", "cancelled"},
    "finished": set(),
    "cancelled": set(),
}
CASES = [
    (RESPONSE_LIFECYCLE, DOCUMENTED_RESPONSE, set(ResponseState.values)),
    (HEARING_LIFECYCLE, DOCUMENTED_HEARING, set(HearingStatus.values)),
]


@pytest.mark.parametrize(("lifecycle", "documented", "statuses"), CASES, ids=["response", "hearing"])
def test_the_table_has_a_row_for_every_status(lifecycle, documented, statuses):
    assert lifecycle.statuses == set(documented) == statuses


@pytest.mark.parametrize(
    ("lifecycle", "source", "target", "allowed"),
    [
        (lifecycle, source, target, target in documented[source])
        for lifecycle, documented, _statuses in CASES
        for source, target in itertools.product(documented, documented)
    ],
    ids=lambda value: getattr(value, "name", str(value)),
)
def test_each_pair_of_statuses_is_allowed_exactly_as_documented(lifecycle, source, target, allowed):
    assert lifecycle.allows(source, target) is allowed
    if allowed:
        lifecycle.check(source, target)
    else:
        with pytest.raises(TransitionNotAllowed):
            lifecycle.check(source, target)
