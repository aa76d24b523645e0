"""Authors writing drafts, as a busy intake has them: `--rate` saves a second through the author's service
(`proposal_draft_save`, with an article reference), each by one of `--authors` citizens on their own draft,
for `--seconds`. `bench/http_pages.py --drafts-per-second R` runs it beside the page measurements (with the
server's environment), to see the pages while what changes is seen by nobody but its authors.

    DJANGO_SETTINGS_MODULE=portal.settings.production SECRET_KEY=… \
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_perf REDIS_URL=redis://127.0.0.1:6379/1 \
        python bench/draft_writer.py --rate 5 --seconds 60

Prints how many saves it made and at what rate.
"""

import argparse
import itertools
import os
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

import django  # noqa: E402

django.setup()

from portal.accounts.models import User  # noqa: E402
from proposals.models import ArticleIdentity, Consultation  # noqa: E402
from proposals.permissions.consultation import intake_is_open  # noqa: E402
from proposals.services.proposal import ProposalInput, proposal_draft_save  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=5.0, help="draft saves a second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--authors", type=int, default=20)
    args = parser.parse_args()

    consultation = next(c for c in Consultation.objects.order_by("pk") if intake_is_open(c))
    articles = list(
        ArticleIdentity.objects.filter(document__consultation=consultation).values_list("pk", flat=True)[:50]
    )
    authors = list(User.objects.filter(is_active=True, is_staff=False).order_by("-pk")[: args.authors])
    drafts = {}
    started = time.monotonic()
    saves = 0
    for turn in itertools.count():
        due = started + turn / args.rate
        if due - started >= args.seconds:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        author = authors[turn % len(authors)]
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
        saves += 1
    elapsed = time.monotonic() - started
    print(f"{saves} draft saves in {elapsed:.1f} s ({saves / elapsed:.1f} a second)", file=sys.stderr)


if __name__ == "__main__":
    main()
