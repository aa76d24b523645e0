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
