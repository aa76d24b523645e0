"""Drill: the Celery worker is killed (SIGKILL, the whole process group) in the middle of the daily digest.

    python bench/drills/worker_killed_digests.py [--people 2000] [--kill-at 0.3] \
        [--database-url postgres://postgres@127.0.0.1:5432/portal_drills_digests]

Seeds `--people` people with two events each from yesterday, starts a worker and beat, and starts the daily
digest as beat does at 07:00 (`plan_digests`). Once the SMTP sink has received `--kill-at` of the digests the
worker is killed without warning and a new one started. The dead worker's claims go stale after
DIGEST_CLAIM_STALE_SECONDS (5 here, 600 in production) and beat's `resume_digests` sweep restarts the chains.

Criterion: every person receives exactly one digest (one Message-ID), nobody's events are left unsent, and
the backlog drains. A copy sent again carries the same Message-ID; such copies can only come from the moment
between the SMTP server accepting a message and the commit after it, so at most one per worker process.
"""

import sys
import time
from datetime import timedelta

import harness

CONCURRENCY = 2
STALE_SECONDS = 5


def main(argv=None) -> int:
    parser = harness.arguments(__doc__, "digests")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument(
        "--kill-at", type=float, default=0.3, help="share of digests sent when the kill comes"
    )
    args = parser.parse_args(argv)

    from tests.smtp_sink import SmtpSink, start_sink

    sink = SmtpSink(delay=0.005)  # a few milliseconds per message, like a relay: the kill lands mid-run
    controller, smtp_port = start_sink(sink)
    env = {"DIGEST_CLAIM_STALE_SECONDS": str(STALE_SECONDS)}
    try:
        with harness.Drill(args, "worker killed during digests", env=env, smtp_port=smtp_port) as drill:
            return run(drill, args, sink)
    finally:
        controller.stop()


def run(drill: harness.Drill, args, sink) -> int:
    from django.utils import timezone

    from portal.notifications.models import DigestDelivery, Notification
    from portal.notifications.tasks import plan_digests

    verdict = drill.verdict
    people = harness.seed_people(args.people, domain="digest.drill")
    yesterday = timezone.now() - timedelta(days=1)
    Notification.objects.bulk_create(
        Notification(
            recipient=person, category="proposals", kind="proposal.status_changed",
            params={"title": f"Event {person.pk}-{n}", "status": "published"}, url="/en/proposals/1/",
        )
        for person in people
        for n in range(2)
    )  # fmt: skip
    Notification.objects.update(created_at=yesterday)

    drill.processes.worker(concurrency=CONCURRENCY)
    drill.processes.beat()
    started = time.monotonic()
    plan_digests.delay("daily")
    kill_at = max(1, int(args.people * args.kill_at))
    if not verdict.check("the digest started", harness.wait_until(lambda: sink.count() >= kill_at, 120)):
        return verdict.report()
    drill.processes.stop("worker", harness.signal.SIGKILL)
    at_kill = sink.count()
    unfinished = DigestDelivery.objects.exclude(status__in=["sent", "empty", "suppressed"]).count()
    verdict.figure("digests sent when the worker was killed", f"{at_kill} of {args.people}")
    verdict.figure("deliveries pending or claimed by the dead worker", unfinished)
    verdict.check("the kill came mid-run (digests were still unsent)", unfinished > 0)

    drill.processes.worker(concurrency=CONCURRENCY)
    restarted = time.monotonic()

    def drained() -> bool:
        return (
            not DigestDelivery.objects.exclude(status__in=["sent", "empty", "suppressed"]).exists()
            and len({item.message_id for item in sink.received}) >= args.people
        )

    verdict.check("the backlog drained", harness.wait_until(drained, args.timeout, interval=0.5))
    finished = time.monotonic()
    time.sleep(1)  # a copy in flight at the last check would still arrive: count after a moment

    by_address = sink.per_recipient()
    message_ids = {address: {item.message_id for item in items} for address, items in by_address.items()}
    missing = [person.email for person in people if person.email not in message_ids]
    twice = [address for address, ids in message_ids.items() if len(ids) > 1]
    copies = sum(len(items) for items in by_address.values()) - len(by_address)
    verdict.figure(
        "people / digests received (distinct Message-IDs)",
        f"{args.people} / {sum(map(len, message_ids.values()))}",
    )
    verdict.figure("same digest sent again (same Message-ID)", copies)
    verdict.figure("seconds from the restart to the last digest", f"{finished - restarted:.1f}")
    verdict.figure("seconds for the whole run", f"{finished - started:.1f}")
    verdict.check("every person received a digest", not missing)
    verdict.check("nobody received two different digests", not twice)
    verdict.check(
        f"copies sent again are at most one per killed worker process ({CONCURRENCY})", copies <= CONCURRENCY
    )
    verdict.check(
        "every event was emailed",
        not Notification.objects.filter(emailed_at__isnull=True).exists()
        and DigestDelivery.objects.filter(status="sent").count() == args.people,
    )
    return verdict.report()


if __name__ == "__main__":
    sys.exit(main())
