"""Drill: PostgreSQL connections are terminated again and again while the portal is under load.

    python bench/drills/postgres_connections_killed.py [--duration 30] [--interval 1] [--people 300] \
        [--database-url postgres://postgres@127.0.0.1:5432/portal_drills_postgres]

Serves the portal under gunicorn (production settings, 2 workers, persistent connections with health checks)
with a worker and beat. Six clients read pages, support five published proposals and submit proposals
through the API for `--duration` seconds, while every `--interval` seconds the drill ends every session on
the drill's database (`pg_terminate_backend`, only that database) — web, worker and beat connections alike,
as a failover or an administrator's kill would.

Criterion: every write answered with success is stored (supports and submissions), each proposal's support
counter equals its support rows, nobody supports twice, every stored submission is screened once, the
requests that failed left nothing half-written (no draft without its submission), and the portal answers
normally right after the kills stop. A request cut off in the middle answers 503 with Retry-After
(`DatabaseUnavailableMiddleware`); one cut off during its COMMIT may be stored without its answer (reported:
a support repeated is a no-op, a submission is whole and screened).
"""

import sys
import threading
import time

import harness

PUBLISHED = 5


def main(argv=None) -> int:
    parser = harness.arguments(__doc__, "postgres", people=300)
    parser.add_argument("--duration", type=float, default=30, help="seconds of load with the kills")
    parser.add_argument("--interval", type=float, default=1, help="seconds between two rounds of kills")
    args = parser.parse_args(argv)
    with harness.Drill(
        args, "PostgreSQL connections terminated under load", env=harness.UNLIMITED_SUBMISSIONS
    ) as drill:
        return run(drill, args)


def _support(base_url: str, people: list, targets: list[int]):
    def support(session, rng) -> harness.Answer:
        person, target = rng.choice(people), rng.choice(targets)
        return harness.request(
            session, "support", "POST", f"{base_url}/api/v1/proposals/{target}/support",
            detail=(person.pk, target), headers={"Authorization": f"Bearer {person.plain_token}"},
        )  # fmt: skip

    return support


def run(drill: harness.Drill, args) -> int:
    from django.db.models import Count
    from django.utils import timezone

    from proposals.models import Proposal, Support

    verdict = drill.verdict
    consultation, first = harness.open_consultation()
    targets = [first.pk] + [
        Proposal.objects.create(
            consultation=consultation, author=first.author, title=f"Published {n}", summary="S.", body="B.",
            language="en", status="published", published_at=timezone.now(),
        ).pk
        for n in range(PUBLISHED - 1)
    ]  # fmt: skip
    people = harness.seed_people(args.people, domain="postgres.drill", verified=True, tokens=True)
    port = harness.free_port()
    base_url = f"http://127.0.0.1:{port}"
    drill.processes.web(port)
    drill.processes.worker()
    drill.processes.beat()
    drill.reconnect_database()

    actions = [
        harness.page_read(base_url, first.pk),
        _support(base_url, people, targets),
        harness.api_submission(base_url, people),
    ]
    stop = threading.Event()
    kills = []

    def killer() -> None:
        while not stop.wait(args.interval):
            kills.append(harness.terminate_backends(drill.args.database_url))

    with harness.Load(lambda session, rng: rng.choice(actions)(session, rng), args.clients) as load:
        time.sleep(1)
        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        time.sleep(args.duration)
        stop.set()
        thread.join()
        kills_ended = time.monotonic()
        time.sleep(2)
    answers = load.answers
    after = [a for a in answers if a.sent_at > kills_ended + 1]  # no kill can reach these
    verdict.figure("sessions terminated (rounds)", f"{sum(kills)} ({len(kills)})")
    verdict.figure("answers (kind: {status: count})", harness.status_table(answers))

    drill.reconnect_database()  # this process's own connection was terminated too
    # Supports that found a counter locked left a pending +1; the worker folds them a second later.
    from proposals.models import SupportTally

    deadline = time.monotonic() + 30
    while SupportTally.objects.filter(proposal_id__in=targets).exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    supported = {a.detail for a in answers if a.kind == "support" and a.status == 200}
    stored_supports = set(
        Support.objects.filter(proposal_id__in=targets).values_list("user_id", "proposal_id")
    )
    counters = dict(Proposal.objects.filter(pk__in=targets).values_list("pk", "supports_count"))
    rows = dict(
        Support.objects.filter(proposal_id__in=targets).values_list("proposal_id").annotate(n=Count("id"))
    )
    doubles = Support.objects.values("user_id", "proposal_id").annotate(n=Count("id")).filter(n__gt=1).count()
    accepted = {a.detail[1]: a.detail[0] for a in answers if a.kind == "submit" and a.status == 201}
    stored = dict(Proposal.objects.filter(pk__in=accepted).values_list("pk", "title"))
    refused_titles = {a.detail for a in answers if a.kind == "submit" and a.status != 201}
    # A kill during the COMMIT itself can store a submission and still cost its answer: it must then be
    # whole (submitted, and screened like any other), never a draft or half a write.
    answer_lost = Proposal.objects.filter(title__in=refused_titles)
    left_behind = answer_lost.filter(status="draft")
    verdict.figure("supports answered 200 / support rows", f"{len(supported)} / {len(stored_supports)}")
    verdict.figure("support counters / rows", {pk: f"{counters[pk]} / {rows.get(pk, 0)}" for pk in targets})
    verdict.figure("accepted submissions / stored", f"{len(accepted)} / {len(stored)}")
    verdict.figure(
        "submissions answered with an error but stored (status)",
        dict(answer_lost.values_list("status").annotate(n=Count("id")).values_list("status", "n")),
    )
    verdict.check("sessions were terminated during the load", sum(kills) > 0)
    verdict.check("every support answered 200 is stored", supported <= stored_supports)
    verdict.check(
        "every support counter equals its rows", all(counters[pk] == rows.get(pk, 0) for pk in targets)
    )
    verdict.check("nobody supports a proposal twice", not doubles)
    verdict.check("every accepted submission is stored, with its title", stored == accepted)
    verdict.check("a failed submission left no draft behind", not left_behind.exists())
    verdict.check(
        "after the kills every request succeeds",
        bool(after) and all(a.status in (200, 201) for a in after),
    )
    verdict.check(
        "failed requests answered 503 (try again), not a 500 or a wrong answer",
        all(a.status in (200, 201, 503) for a in answers),
    )
    stored_ids = list(accepted) + list(answer_lost.values_list("pk", flat=True))
    drained = harness.wait_until(lambda: harness.screened_once(stored_ids)[0] == 0, args.timeout, 0.5)
    unscreened, twice = harness.screened_once(stored_ids)
    verdict.figure(
        "seconds from the last kill to the last screening", f"{time.monotonic() - kills_ended:.1f}"
    )
    verdict.check("every stored submission was screened", drained and not unscreened)
    verdict.check("no submission was screened twice", not twice)
    return verdict.report()


if __name__ == "__main__":
    sys.exit(main())
