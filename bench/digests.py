"""Daily digest for 100,000 people into a local SMTP sink: emails per second and peak memory.

    python bench/digests.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench_digests \
        [--people 100000] [--events 2] [--processes 1 2]

Seeds (once) `--people` accounts with `--events` notifications each from yesterday, then for each entry of
`--processes`: resets the digest state, plans the period (`digest_plan`, timed in this process) and sends with
N sender processes running `digest_send_batch` until nothing is pending (what N Celery worker processes do).
Mail goes over SMTP to aiosmtpd's discarding sink in a separate process on 127.0.0.1. Each sender reports its
peak resident memory (ru_maxrss). Prints a Markdown table for docs/BENCHMARKS.md.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
LANGUAGES = ("kk", "ru", "en")
sys.path.insert(0, str(BASE))

from bench.cli import bench_parser  # noqa: E402


def setup(database_url: str, email_url: str = "") -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["EMAIL_URL"] = email_url or "consolemail://"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["REDIS_URL"] = ""
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory: not what a worker does
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-0123456789-0123456789")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    import django

    django.setup()


def seed(people: int, events: int) -> None:
    from django.utils import timezone

    from portal.accounts.models import User
    from portal.notifications.models import Notification

    existing = User.objects.filter(email__endswith="@digest.bench").count()
    if existing < people:
        User.objects.bulk_create(
            (
                User(email=f"p{n}@digest.bench", display_name=f"P {n}", preferred_language=LANGUAGES[n % 3])
                for n in range(existing, people)
            ),
            batch_size=5000,
        )  # fmt: skip
        ids = User.objects.filter(email__endswith="@digest.bench").order_by("pk").values_list("pk", flat=True)
        new_ids = list(ids[existing:])
        yesterday = timezone.now() - timedelta(days=1)
        Notification.objects.bulk_create(
            (
                Notification(recipient_id=uid, category="proposals", kind="proposal.status_changed",
                             params={"title": f"Proposal {uid}-{k}", "status": "answered"},
                             url="/kk/proposals/1/", created_at=yesterday)
                for uid in new_ids
                for k in range(events)
            ),
            batch_size=5000,
        )  # fmt: skip


def reset() -> None:
    from django.utils import timezone

    from portal.notifications.models import DigestDelivery, Notification

    DigestDelivery.objects.all().delete()
    Notification.objects.filter(recipient__email__endswith="@digest.bench").update(
        emailed_at=None, delivery=None, created_at=timezone.now() - timedelta(days=1)
    )


def peak_mb() -> float:
    """This process's own peak resident memory (VmHWM). Not ru_maxrss: Linux carries that over from the parent
    across fork and exec, so a child would report the seeding parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plan_once() -> None:
    """A planner process: what beat's `plan_digests` does."""
    from portal.notifications.services import digest_plan

    started = time.perf_counter()
    planned = digest_plan(frequency="daily")
    print(json.dumps({"planned": planned, "seconds": time.perf_counter() - started, "maxrss_mb": peak_mb()}))


def send_loop() -> None:
    """A sender process: what one Celery worker process does with `send_digest_batch`."""
    from portal.notifications.services import digest_send_batch

    sent, started = 0, time.perf_counter()
    while True:
        done = digest_send_batch(frequency="daily", batch_size=500)
        if not done:
            break
        sent += done
    print(json.dumps({"sent": sent, "seconds": time.perf_counter() - started, "maxrss_mb": peak_mb()}))


def main() -> None:
    parser = bench_parser(__doc__, redis="unused")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--send", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plan", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--email-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.send or args.plan:
        setup(args.database_url, args.email_url)
        send_loop() if args.send else plan_once()
        return

    setup(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed(args.people, args.events)
    print(f"seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    from tests.smtp_sink import free_port

    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"]
    )
    time.sleep(1.5)
    rows = []
    try:
        for processes in args.processes:
            from portal.notifications.models import DigestDelivery

            reset()
            plan = subprocess.run(
                [sys.executable, __file__, "--database-url", args.database_url, "--plan"],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            plan_report = json.loads(plan.stdout.strip().splitlines()[-1])
            planned, plan_seconds, plan_rss = (
                plan_report["planned"], plan_report["seconds"], plan_report["maxrss_mb"]
            )  # fmt: skip
            command = [sys.executable, __file__, "--database-url", args.database_url, "--send",
                       "--email-url", f"smtp://127.0.0.1:{port}"]  # fmt: skip
            started = time.perf_counter()
            senders = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(processes)]
            reports = [json.loads(sender.communicate()[0].strip().splitlines()[-1]) for sender in senders]
            wall = time.perf_counter() - started
            sent = DigestDelivery.objects.filter(status="sent").count()
            assert sent == planned == args.people, (sent, planned)
            sender_peak = max(report["maxrss_mb"] for report in reports)
            figure = f"{sent:,} digests in {wall:.0f} s = {sent / wall:,.0f} emails/s; "
            figure += f"plan {plan_seconds:.1f} s (planner peak {plan_rss:.0f} MB); "
            figure += f"sender peak {sender_peak:.0f} MB"
            rows.append((f"{processes} sender process(es)", figure))
    finally:
        sink.terminate()
        sink.wait()

    print()
    print(f"| daily digest for {args.people:,} people ({args.events} events each) | figure | date |")
    print("| --- | --- | --- |")
    for what, figure in rows:
        print(f"| {what} | {figure} | {datetime.now(UTC):%Y-%m-%d} |")


if __name__ == "__main__":
    main()
