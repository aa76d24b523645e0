"""Writes that happen while `bench/http_pages.py` measures the pages, `--rate` a second for `--seconds`, with
the server's environment:

- `drafts`: authors write drafts, as a busy intake has them: each save goes through the author's service
  (`proposal_draft_save`, with an article reference), by one of `--authors` citizens on their own draft.
  Nobody but its author sees a draft, so no stored page should be renewed (`--drafts-per-second R`).
- `site-changes`: changes every page shows, as publications make them: the `site` generation is bumped
  (`page_cache.invalidate("site")`, what a published proposal, answer or hearing does after its commit), and
  every page is rendered again by its next reader (`--site-changes-per-second R`).
- `publications`: proposals published one after another, as moderators do on publication day: each bumps
  what a publication bumps after its commit (`proposals/registrations.py`): `proposals` (the lists, counts
  and article pages) and the page of the proposal published, here one of the least supported, not one the
  benchmark reads (`--publications-per-second R`).

    DJANGO_SETTINGS_MODULE=portal.settings.production SECRET_KEY=… \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_perf REDIS_URL=redis://127.0.0.1:6379/1 \\
        python bench/meanwhile.py drafts --rate 5 --seconds 60

Prints how many writes it made and at what rate.
"""

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

import django  # noqa: E402

django.setup()

from portal.accounts.models import User  # noqa: E402
from portal.core import page_cache  # noqa: E402
from proposals.models import ArticleIdentity, Consultation, Proposal  # noqa: E402
from proposals.permissions.consultation import intake_is_open  # noqa: E402
from proposals.services.proposal import ProposalInput, proposal_draft_save  # noqa: E402


def draft_saves(authors: int) -> Callable[[int], None]:
    consultation = next(c for c in Consultation.objects.order_by("pk") if intake_is_open(c))
    articles = list(
        ArticleIdentity.objects.filter(document__consultation=consultation).values_list("pk", flat=True)[:50]
    )
    writers = list(User.objects.filter(is_active=True, is_staff=False).order_by("-pk")[:authors])
    drafts = {}

    def save(turn: int) -> None:
        author = writers[turn % len(writers)]
        drafts[author.pk] = proposal_draft_save(
            author=author,
            consultation=consultation,
            proposal=drafts.get(author.pk),
            data=ProposalInput(
                title=f"Local budgets, draft {turn}",
                summary="Districts should publish their budgets every month.",
                body="Every district publishes its budget and its spending every month, in both languages.",
                language="en",
                article_ids=(articles[turn % len(articles)],) if articles else (),
            ),
        )

    return save


def site_changes(_turn: int) -> None:
    page_cache.invalidate("site")


def publications() -> Callable[[int], None]:
    published = list(Proposal.objects.order_by("supports_count", "pk").values_list("pk", flat=True)[:1000])

    def publish(turn: int) -> None:
        page_cache.invalidate("proposals", f"proposal:{published[turn % len(published)]}")

    return publish


def paced(write: Callable[[int], None], *, rate: float, seconds: float) -> tuple[int, float]:
    """Calls `write(turn)` `rate` times a second for `seconds`; answers how many calls and the time taken."""
    started = time.monotonic()
    turn = 0
    while started + turn / rate - started < seconds:
        time.sleep(max(0.0, started + turn / rate - time.monotonic()))
        write(turn)
        turn += 1
    return turn, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("kind", choices=["drafts", "site-changes", "publications"])
    parser.add_argument("--rate", type=float, default=1.0, help="writes a second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--authors", type=int, default=20, help="drafts: how many citizens write")
    args = parser.parse_args()
    write = {
        "drafts": lambda: draft_saves(args.authors),
        "site-changes": lambda: site_changes,
        "publications": publications,
    }[args.kind]()
    count, elapsed = paced(write, rate=args.rate, seconds=args.seconds)
    print(
        f"{count} writes ({args.kind}) in {elapsed:.1f} s ({count / elapsed:.2f} a second)", file=sys.stderr
    )


if __name__ == "__main__":
    main()
