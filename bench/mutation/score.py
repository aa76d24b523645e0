"""Prints the mutation score of each session in bench/mutation/sessions/ and the diff of every survivor.

    python bench/mutation/score.py [NAME ...]

Killed: the tests failed (or timed out) on the mutant. Incompetent: the mutant could not run (it broke the
import); excluded: its operator is filtered out (bench/mutation/filters.toml); neither counts. The
survivors are then read one by one: equivalent (no input tells the mutant from the original) or a missing
test, which docs/TESTING.md records with its reason.
"""

import sys
from pathlib import Path

from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome

SESSIONS = Path(__file__).resolve().parent / "sessions"


def main(names: list[str]) -> None:
    names = names or sorted(path.stem for path in SESSIONS.glob("*.sqlite"))
    for name in names:
        with use_db(str(SESSIONS / f"{name}.sqlite"), WorkDB.Mode.open) as db:
            outcomes = {"killed": 0, "survived": 0, "incompetent": 0, "excluded": 0}
            survivors = []
            for item, result in db.completed_work_items:
                if result.worker_outcome == WorkerOutcome.SKIPPED:  # bench/mutation/filters.toml
                    outcomes["excluded"] += 1
                    continue
                outcome = str(result.test_outcome.value) if result.test_outcome else "incompetent"
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                if result.test_outcome == TestOutcome.SURVIVED:
                    survivors.append((item, result))
            pending = sum(1 for _item in db.pending_work_items)
        judged = outcomes["killed"] + outcomes["survived"]
        score = 100 * outcomes["killed"] / judged if judged else 0.0
        print(f"{name}: {outcomes['killed']} killed, {outcomes['survived']} survived, "
              f"{outcomes['incompetent']} incompetent, {outcomes['excluded']} excluded by operator, "
              f"{pending} pending; score {score:.1f} %")  # fmt: skip
        for item, result in survivors:
            (mutation,) = item.mutations
            print(f"  survivor {mutation.module_path}:{mutation.start_pos[0]} {mutation.operator_name}")
            print("    " + "\n    ".join(line for line in (result.diff or "").splitlines()[2:]))


if __name__ == "__main__":
    main(sys.argv[1:])
