"""Drill: Redis (cache and broker) stops for 30 seconds while people submit proposals and read pages.

    python bench/drills/redis_outage_submissions.py [--outage 30] [--before 10] [--after 10] [--people 200] \
        [--database-url postgres://postgres@127.0.0.1:5432/portal_drills_redis]

Serves the portal under gunicorn (production settings, 2 workers) with a worker and beat (supervised:
restarted if they exit, as systemd or Kubernetes do), all on a `redis-server` of the drill's own (never
the shared one). Six clients submit proposals through the API with
API tokens and read pages (the proposal list, a proposal, its API document) for `--before` seconds; then
Redis is stopped for `--outage` seconds and started again empty (no persistence: the queued tasks are gone,
as when a Redis node is replaced); the load goes on `--after` seconds more.

Criterion: every submission answered 201 is in PostgreSQL afterwards and is screened exactly once after
Redis is back (the screening sweep finds what the broker lost); during the outage a request either succeeds
or fails deliberately (503), never with a 500 or a dropped connection.
"""

import sys
import time

import harness


def main(argv=None) -> int:
    parser = harness.arguments(__doc__, "redis", people=200)
    parser.add_argument("--outage", type=float, default=30, help="seconds Redis is stopped")
    parser.add_argument("--before", type=float, default=10, help="seconds of load before the outage")
    parser.add_argument("--after", type=float, default=10, help="seconds of load after Redis is back")
    args = parser.parse_args(argv)
    with harness.Drill(args, "Redis stopped during submissions", env=harness.UNLIMITED_SUBMISSIONS) as drill:
        return run(drill, args)


def run(drill: harness.Drill, args) -> int:
    from proposals.models import Proposal

    verdict = drill.verdict
    _consultation, published = harness.open_consultation()
    people = harness.seed_people(args.people, domain="redis.drill", tokens=True)
    port = harness.free_port()
    base_url = f"http://127.0.0.1:{port}"
    drill.processes.web(port)
    drill.processes.worker()
    drill.processes.beat()
    # Celery 5.7's worker can exit when it loses its Redis connection (kombu fails to restore its unacked
    # messages on the dead connection: "Unrecoverable error: AttributeError ... 'hostname'"), so it runs
    # supervised here as in production; how often it had to be restarted is reported.
    drill.processes.supervise("worker")
    drill.processes.supervise("beat")

    actions = [harness.api_submission(base_url, people), harness.page_read(base_url, published.pk)]
    with harness.Load(lambda session, rng: rng.choice(actions)(session, rng), args.clients) as load:
        time.sleep(args.before)
        outage_started = time.monotonic()
        drill.processes.stop("redis")
        time.sleep(args.outage)
        drill.processes.redis(drill.redis_port)
        outage_ended = time.monotonic()
        time.sleep(args.after)
    answers = load.answers

    during = [a for a in answers if outage_started <= a.sent_at < outage_ended]
    accepted = {a.detail[1]: a.detail[0] for a in answers if a.kind == "submit" and a.status == 201}
    verdict.figure("answers (kind: {status: count})", harness.status_table(answers))
    verdict.figure("answers sent during the outage", harness.status_table(during))
    stored = dict(Proposal.objects.filter(pk__in=accepted).values_list("pk", "title"))
    unscreened_at_recovery = Proposal.objects.filter(pk__in=accepted, status="submitted").count()
    verdict.figure("accepted submissions / stored", f"{len(accepted)} / {len(stored)}")
    verdict.figure("accepted submissions unscreened when the load stopped", unscreened_at_recovery)

    drained = harness.wait_until(lambda: harness.screened_once(list(accepted))[0] == 0, args.timeout, 0.5)
    drain_seconds = time.monotonic() - outage_ended
    unscreened, twice = harness.screened_once(list(accepted))
    verdict.figure("seconds from Redis's return to the last screening", f"{drain_seconds:.1f}")
    verdict.figure("worker / beat restarted by the supervisor", f"{drill.processes.restarts.get('worker', 0)}"
                   f" / {drill.processes.restarts.get('beat', 0)}")  # fmt: skip
    verdict.check("requests were served during the outage", any(a.status in (200, 201) for a in during))
    verdict.check(
        "submissions were accepted during the outage",
        any(a.kind == "submit" and a.status == 201 for a in during),
    )
    verdict.check("every accepted submission is stored, with its title", stored == accepted)
    verdict.check("the backlog drained: every accepted submission was screened", drained and not unscreened)
    verdict.check("no submission was screened twice", not twice)
    verdict.check(
        "no answer was a 500 or another unplanned 5xx",
        not [a for a in answers if a.status >= 500 and a.status != 503],
    )
    verdict.check("no connection was dropped without an answer", not [a for a in answers if a.status == 0])
    return verdict.report()


if __name__ == "__main__":
    sys.exit(main())
