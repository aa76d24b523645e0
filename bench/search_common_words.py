"""Search on the corpus's most common words: what the proposal list runs for `?q=<word>` (the first page of
cards and the count), before and after capping the ranked candidates: a common word matches most proposals,
and ranking every match made its page the slowest of the list's (docs/BENCHMARKS.md).

    DJANGO_SETTINGS_MODULE=portal.settings.dev DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_perf \
        python bench/search_common_words.py [--words 20] [--rounds 5]

The database is one seeded by `manage.py seed_demo --proposals 100000 ...`. The most common words are
counted by PostgreSQL (`ts_stat` over the `simple` vectors of the listed proposals). For each word the
list's queryset is evaluated as the page does it (a page of 20 cards with their articles, and the count),
`--rounds` times after one warm-up; p50/p95 are over every timed run of every word. "uncapped" is the ranking
before this change (every match scored and counted), measured in the same run. Prints a Markdown table.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402

from proposals import search  # noqa: E402
from proposals.models import Proposal  # noqa: E402
from proposals.selectors.proposal import ProposalFilters, proposal_list  # noqa: E402


def common_words(limit: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM ts_stat($$SELECT to_tsvector('simple', title || ' ' || summary) FROM "
            "proposals_proposal WHERE cluster_of_id IS NULL AND status IN ('published','under_review',"
            "'responded')$$) WHERE length(word) >= 3 AND word ~ '^[[:alpha:]]+$' ORDER BY ndoc DESC LIMIT %s",
            [limit],
        )
        return [row[0] for row in cursor.fetchall()]


def one_page(word: str) -> float:
    started = time.perf_counter()
    page = Paginator(proposal_list(filters=ProposalFilters(q=word)), 20).get_page(1)
    list(page.object_list)
    _ = page.paginator.count
    return (time.perf_counter() - started) * 1000


def measure(words: list[str], rounds: int) -> dict:
    timings = []
    for word in words:
        one_page(word)  # warm-up: the plan and the pages of the index in memory
        timings += [one_page(word) for _ in range(rounds)]
    timings.sort()
    return {
        "p50": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "max": timings[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--words", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--uncapped-rounds", type=int, default=1, help="the old ranking takes seconds a word")
    args = parser.parse_args()
    listed = Proposal.objects.filter(
        cluster_of__isnull=True, status__in=("published", "under_review", "responded")
    )
    words = common_words(args.words)
    capped = measure(words, args.rounds)
    cap = search.SEARCH_CANDIDATES
    rows = [(f"capped at {cap}", capped)]
    if args.uncapped_rounds:
        search.SEARCH_CANDIDATES = 10**9  # every match a candidate: the ranking before the cap
        rows.append(("uncapped (before)", measure(words, args.uncapped_rounds)))
        search.SEARCH_CANDIDATES = cap
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {listed.count():,} listed proposals")
    print(f"words: {', '.join(words)}")
    print("| search | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: |")
    for name, figures in rows:
        print(f"| {name} | {figures['p50']:.1f} | {figures['p95']:.1f} | {figures['max']:.1f} |")


if __name__ == "__main__":
    main()
