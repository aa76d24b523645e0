"""Changes every page shows, as publications make them: `--rate` times a second the `site` generation is
bumped (`page_cache.invalidate("site")`, what a published proposal, answer or hearing does after its commit),
for `--seconds`. `bench/http_pages.py --site-changes-per-second R` runs it beside the page measurements (with
the server's environment), to see the pages while each change sends their readers to render them again.

    DJANGO_SETTINGS_MODULE=portal.settings.production SECRET_KEY=… \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_perf REDIS_URL=redis://127.0.0.1:6379/1 \
        python bench/site_changes.py --rate 1 --seconds 60

Prints how many changes it made and at what rate.
"""

import argparse
import os
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

import django  # noqa: E402

django.setup()

from portal.core import page_cache  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=1.0, help="changes a second")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    started = time.monotonic()
    changes = 0
    while time.monotonic() - started < args.seconds:
        page_cache.invalidate("site")
        changes += 1
        time.sleep(max(0.0, started + changes / args.rate - time.monotonic()))
    elapsed = time.monotonic() - started
    print(f"{changes} changes of every page in {elapsed:.1f} s ({changes / elapsed:.2f}/s)")


if __name__ == "__main__":
    main()
