"""Drill: the mail server answers every recipient with a temporary failure (451) for a while, then recovers.

    python bench/drills/smtp_temporary_failures.py [--people 300] [--outage 30] [--retry-backoff 30] \
        [--database-url postgres://postgres@127.0.0.1:5432/portal_drills_smtp]

With the SMTP sink deferring everything for `--outage` seconds from the first attempt on, three kinds of
mail are sent at once through a real worker: the daily digest of `--people` people (`plan_digests`, as beat
at 07:00), an immediate notification to each of them (`notify` in the moderation category, emailed by
`send_immediate_notifications`) and one transactional message each (`email_queue`, as verification and
password reset emails). Tasks retry with backoff (the first retry within EMAIL_RETRY_BACKOFF_SECONDS,
jittered, then twice as long each time); digest chains are also restarted by beat's `resume_digests` sweep
once their claims are handed back.

Criterion: once the server recovers, every person has exactly one message of each kind, the temporary
refusals suppressed no address (only a permanent 5xx does), and the backlog drains.
"""

import sys
import time
from datetime import timedelta

import harness

KINDS = ("digest", "notification", "transactional")


def main(argv=None) -> int:
    parser = harness.arguments(__doc__, "smtp")
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--outage", type=float, default=30, help="seconds the server answers 451")
    parser.add_argument(
        "--retry-backoff", type=int, default=30, help="EMAIL_RETRY_BACKOFF_SECONDS (production: 30)"
    )
    args = parser.parse_args(argv)
    # Full jitter spreads the retries: a message that failed three times during the outage is tried again up
    # to 8 backoffs later (30, 60, 120, then up to 240 s), so the window given to recovery must cover that
    # schedule, not a fixed 180 s (a full-size run once had 4 of 900 messages still waiting at 180 s).
    args.timeout = max(args.timeout, 8 * args.retry_backoff + args.outage)

    from tests.smtp_sink import SmtpSink, start_sink

    sink = SmtpSink()
    controller, smtp_port = start_sink(sink)
    try:
        env = {"EMAIL_RETRY_BACKOFF_SECONDS": str(args.retry_backoff)}
        with harness.Drill(args, "SMTP temporary failures", env=env, smtp_port=smtp_port) as drill:
            return run(drill, args, sink)
    finally:
        controller.stop()


def _kind(message_id: str) -> str:
    """Digests and notifications carry Message-IDs made by `message_id()`; transactional ones do not."""
    for kind in ("digest", "notification"):
        if message_id and message_id.startswith(f"<{kind}."):
            return kind
    return "transactional"


def run(drill: harness.Drill, args, sink) -> int:
    from django.core.mail import EmailMessage
    from django.utils import timezone

    from portal.notifications.email import email_queue
    from portal.notifications.models import DigestDelivery, Notification, SuppressedAddress
    from portal.notifications.services import notify
    from portal.notifications.tasks import plan_digests

    verdict = drill.verdict
    verdict.figure("outage / first retry within (seconds)", f"{args.outage:g} / {args.retry_backoff}")
    people = harness.seed_people(args.people, domain="smtp.drill")
    Notification.objects.bulk_create(
        Notification(
            recipient=person, category="proposals", kind="proposal.status_changed",
            params={"title": f"Event {person.pk}", "status": "published"}, url="/en/proposals/1/",
        )
        for person in people
    )  # fmt: skip
    Notification.objects.update(created_at=timezone.now() - timedelta(days=1))

    drill.processes.worker(concurrency=2)
    drill.processes.beat()
    sink.defer_until = float("inf")  # refusing from the first attempt on; the outage is timed from there
    plan_digests.delay("daily")
    for person in people:
        notify(
            recipients=[person], category="moderation", kind="proposal.published",
            params={"title": f"Proposal of {person.pk}"}, url="/en/proposals/1/",
        )  # fmt: skip
        email_queue(
            message=EmailMessage(subject="Confirm your address", body="A code.", to=[person.email]),
            language="en",
        )

    first_refusal = harness.wait_until(lambda: sink.deferred > 0, 60, interval=0.05)
    if not verdict.check("the server refused mail during the outage", first_refusal):
        return verdict.report()
    sink.defer_until = time.monotonic() + args.outage
    started = time.monotonic()

    expected = {(person.email, kind) for person in people for kind in KINDS}

    def delivered() -> set[tuple[str, str]]:
        return {
            (address, _kind(item.message_id))
            for address, items in sink.per_recipient().items()
            for item in items
        }

    drained = harness.wait_until(lambda: delivered() >= expected, args.outage + args.timeout, interval=0.5)
    finished = time.monotonic()
    time.sleep(2)  # a retry still queued would arrive now: count afterwards
    verdict.check("the backlog drained", drained)

    counts: dict[tuple[str, str], int] = {}
    for address, items in sink.per_recipient().items():
        for item in items:
            key = (address, _kind(item.message_id))
            counts[key] = counts.get(key, 0) + 1
    twice = {key: n for key, n in counts.items() if n > 1}
    verdict.figure("messages expected / received", f"{len(expected)} / {sum(counts.values())}")
    verdict.figure("temporary refusals (451) answered", sink.deferred)
    verdict.figure(
        "seconds from the server's recovery to the last message", f"{finished - started - args.outage:.1f}"
    )
    verdict.figure("addresses suppressed", SuppressedAddress.objects.count())
    verdict.check("every person received each kind of message", set(counts) >= expected)
    verdict.check("nobody received a message twice", not twice)
    verdict.check("no address was suppressed for a temporary failure", not SuppressedAddress.objects.exists())
    verdict.check(
        "every digest is sent and every event emailed",
        DigestDelivery.objects.filter(status="sent").count() == args.people
        and not Notification.objects.filter(emailed_at__isnull=True).exists(),
    )
    return verdict.report()


if __name__ == "__main__":
    sys.exit(main())
