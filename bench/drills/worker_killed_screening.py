"""Drill: the Celery worker is killed (SIGKILL, the whole process group) in the middle of screening.

    python bench/drills/worker_killed_screening.py [--proposals 600] [--kill-at 0.3] \
        [--database-url postgres://postgres@127.0.0.1:5432/portal_drills_screening]

`--proposals` people each submit a proposal (a quarter of them with an email address in it) through
`proposal_submit` (what the form and the API call) while no worker runs, so the screening tasks wait in the
broker. A worker and beat start; once `--kill-at` of the proposals are screened the worker is killed without
warning and a new one started. The tasks the dead worker held are acknowledged late, so never acknowledged;
beat's `screen_unscreened` sweep queues them again (after DRILL_UNSCREENED_AFTER_SECONDS, 15 here, 60 in
production).

Criterion: every proposal leaves `submitted` exactly once (one transition out of it), has at most one
moderation case, none is left unscreened, and the backlog drains.
"""

import random
import sys
import time

import harness

CONCURRENCY = 2
WORDS = ["council", "budget", "school", "road", "water", "clinic", "transparency", "election", "court",
         "park", "transport", "library", "tariff", "district", "hearing", "pension", "housing", "heating",
         "language", "museum", "village", "internet", "police", "river", "forest"]  # fmt: skip


def main(argv=None) -> int:
    parser = harness.arguments(__doc__, "screening")
    parser.add_argument("--proposals", type=int, default=600)
    parser.add_argument("--kill-at", type=float, default=0.3, help="share screened when the kill comes")
    args = parser.parse_args(argv)
    with harness.Drill(args, "worker killed during screening") as drill:
        return run(drill, args)


def run(drill: harness.Drill, args) -> int:
    from django.db.models import Count, Q

    from proposals.models import ModerationCase, Proposal, ProposalTransition
    from proposals.services.proposal import ProposalInput, proposal_draft_save, proposal_submit

    verdict = drill.verdict
    consultation, _published = harness.open_consultation()
    rng = random.Random(10)
    for person in harness.seed_people(args.proposals, domain="screening.drill"):
        text = " ".join(rng.choice(WORDS) for _word in range(40))  # different texts: no campaign clusters
        if person.pk % 4 == 0:  # personal data: back to the author, with a moderation case recording why
            text += f" Write to me at reader{person.pk}@example.org."
        draft = proposal_draft_save(
            author=person,
            consultation=consultation,
            data=ProposalInput(
                title=f"Proposal of {person.pk}", summary=text[:100], body=text, language="en"
            ),
        )
        proposal_submit(proposal=draft, author=person)
    submitted = Proposal.objects.filter(author__email__endswith="@screening.drill")
    unscreened = submitted.filter(status="submitted")

    drill.processes.worker(concurrency=CONCURRENCY)
    drill.processes.beat()
    started = time.monotonic()
    kill_at = max(1, int(args.proposals * args.kill_at))
    screened_enough = harness.wait_until(lambda: args.proposals - unscreened.count() >= kill_at, 120, 0.1)
    if not verdict.check("screening started", screened_enough):
        return verdict.report()
    drill.processes.stop("worker", harness.signal.SIGKILL)
    left = unscreened.count()
    verdict.figure("screened when the worker was killed", f"{args.proposals - left} of {args.proposals}")
    verdict.check("the kill came mid-run (proposals were still unscreened)", left > 0)

    drill.processes.worker(concurrency=CONCURRENCY)
    restarted = time.monotonic()
    verdict.check(
        "the backlog drained", harness.wait_until(lambda: not unscreened.exists(), args.timeout, 0.5)
    )
    finished = time.monotonic()
    time.sleep(2)  # a second delivery still queued would act now: count afterwards

    exits = (
        ProposalTransition.objects.filter(proposal__in=submitted, from_status="submitted")
        .values("proposal")
        .annotate(n=Count("id"))
    )
    screened_twice = sum(1 for row in exits if row["n"] > 1)
    cases = ModerationCase.objects.filter(proposal__in=submitted, comment__isnull=True)
    double_cases = cases.values("proposal").annotate(n=Count("id")).filter(n__gt=1).count()
    outcomes = dict(submitted.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    verdict.figure("outcomes", outcomes)
    verdict.figure("moderation cases", cases.count())
    verdict.figure("seconds from the restart to the last screening", f"{finished - restarted:.1f}")
    verdict.figure("seconds for the whole run", f"{finished - started:.1f}")
    verdict.check("no proposal is left unscreened", not unscreened.exists())
    verdict.check("every proposal left `submitted` once", len(exits) == args.proposals and not screened_twice)
    verdict.check("no proposal has two moderation cases", not double_cases)
    verdict.check(
        "every proposal was published, queued for a moderator or returned to its author",
        submitted.filter(Q(status__in=["published", "in_moderation", "draft"])).count() == args.proposals,
    )
    return verdict.report()


if __name__ == "__main__":
    sys.exit(main())
