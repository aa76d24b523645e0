"""Keeps a random sample of a session's pending mutants and marks the rest skipped.

    python bench/mutation/sample.py NAME COUNT [--seed S]

On two shared cores one mutant costs 10–30 s (a pytest start with Django each time), so a module of several
hundred mutants is measured on a sample drawn with a fixed seed: the score is then an estimate whose margin
docs/TESTING.md states. Without this step `make mutation` runs every mutant.
"""

import argparse
import random
from pathlib import Path

from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import WorkerOutcome, WorkResult

SESSIONS = Path(__file__).resolve().parent / "sessions"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("name")
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=24)
    args = parser.parse_args()
    with use_db(str(SESSIONS / f"{args.name}.sqlite"), WorkDB.Mode.open) as db:
        pending = sorted(item.job_id for item in db.pending_work_items)
        kept = set(random.Random(args.seed).sample(pending, min(args.count, len(pending))))
        db.set_multiple_results(
            [job for job in pending if job not in kept], WorkResult(worker_outcome=WorkerOutcome.SKIPPED)
        )
    print(f"{args.name}: {len(kept)} of {len(pending)} pending mutants kept")


if __name__ == "__main__":
    main()
