from dataclasses import FrozenInstanceError
from types import SimpleNamespace

import pytest

from portal.core.lifecycle import Lifecycle, TransitionNotAllowed

TRAFFIC = Lifecycle("light", {"red": ["green"], "green": ["amber"], "amber": ["red"]})


def test_allowed_transition_passes_the_check():
    TRAFFIC.check("red", "green")


@pytest.mark.parametrize(("a", "b"), [("red", "amber"), ("green", "red"), ("red", "red"), ("blue", "red")])
def test_every_pair_outside_the_table_is_refused(a, b):
    with pytest.raises(TransitionNotAllowed):
        TRAFFIC.check(a, b)


def test_a_target_without_its_own_row_is_a_programming_error():
    with pytest.raises(ValueError, match="without a row"):
        Lifecycle("broken", {"a": ["b"]})


def test_pairs_lists_the_whole_table():
    assert TRAFFIC.pairs() == [("amber", "red"), ("green", "amber"), ("red", "green")]


def test_a_table_cannot_be_swapped_once_declared():
    with pytest.raises(FrozenInstanceError):
        TRAFFIC.table = {"red": ["amber"], "amber": ["red"]}


def test_move_sets_the_new_status_and_returns_the_old_one():
    light = SimpleNamespace(state="red")
    assert TRAFFIC.move(light, "green", field="state") == "red"
    assert light.state == "green"


def test_move_outside_the_table_leaves_the_row_as_it_was():
    light = SimpleNamespace(status="red")
    with pytest.raises(TransitionNotAllowed):
        TRAFFIC.move(light, "amber")
    assert light.status == "red"
