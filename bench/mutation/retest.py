"""Hands a session's survivors back to be run again, after tests were added for them.

python bench/mutation/retest.py NAME && bash bench/mutation/run.sh NAME
"""

import sqlite3
import sys
from pathlib import Path

SESSIONS = Path(__file__).resolve().parent / "sessions"


def main(name: str) -> None:
    with sqlite3.connect(SESSIONS / f"{name}.sqlite") as db:
        removed = db.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'").rowcount
    print(f"{name}: {removed} survivors to run again")


if __name__ == "__main__":
    main(sys.argv[1])
