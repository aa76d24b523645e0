"""A support storm through HTTP: many people supporting one proposal at once, exact counts at the end.

    python bench/support_storm.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench_storm \
        --redis-url redis://127.0.0.1:6379/9 [--people 5000] [--attempts 20000] [--workers 2]

Creates (once) `--people` verified people with API tokens and one published proposal, serves the portal with
production settings as production does (`manage.py serve`) on 127.0.0.1, with a Celery worker (it folds the
pending counts of the hot proposal), and sends exactly `--attempts` `POST /api/v1/proposals/{id}/support`
requests: every person once and the rest drawn at random, shuffled, so most people support several times
(the second and later are no-ops answering 200). Then checks: support rows equal
the distinct people who tried, the counter equals the rows once the pending changes are folded, no 5xx and
no unanswered attempt. Prints supports/s and latency percentiles. Loopback only.
"""

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))

from bench import http_attempts  # noqa: E402
from bench.cli import bench_parser  # noqa: E402
from bench.http_pages import production_env, wait_until_up  # noqa: E402


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["REDIS_URL"] = ""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(people: int) -> tuple[int, list[str]]:
    """People with tokens (plain tokens kept in a file beside the database's name) and one proposal."""
    from portal.accounts.models import ApiToken, IdentityVerification, User
    from portal.accounts.tokens import TOKEN_PREFIX, _hash
    from proposals.models import Proposal, Support, SupportTally
    from tests.proposals.factories import ConsultationFactory

    store = Path(tempfile.gettempdir()) / "qatysu-storm-tokens.json"
    users = User.objects.filter(email__endswith="@storm.bench").count()
    if users < people or not store.exists():
        User.objects.filter(email__endswith="@storm.bench").delete()
        created = User.objects.bulk_create(
            User(email=f"s{n}@storm.bench", display_name=f"S {n}") for n in range(people)
        )
        IdentityVerification.objects.bulk_create(
            IdentityVerification(user=user, method="staff", identity_hash=f"storm-{user.pk}")
            for user in created
        )
        plains = [TOKEN_PREFIX + f"storm{user.pk:08d}" + "x" * 20 for user in created]
        ApiToken.objects.bulk_create(
            ApiToken(user=user, name="storm", token_hash=_hash(plain), prefix=plain[:10])
            for user, plain in zip(created, plains, strict=True)
        )
        store.write_text(json.dumps(plains))
    plains = json.loads(store.read_text())
    proposal = Proposal.objects.filter(title="Storm target").first()
    if proposal is None:
        consultation = ConsultationFactory(slug="storm")
        author = User.objects.create(email="author@storm.invalid", display_name="Author")
        proposal = Proposal.objects.create(consultation=consultation, author=author, title="Storm target",
                                           summary="S.", body="B.", status="published",
                                           published_at=datetime.now(UTC))  # fmt: skip
    Support.objects.filter(proposal=proposal).delete()
    SupportTally.objects.filter(proposal=proposal).delete()
    Proposal.objects.filter(pk=proposal.pk).update(supports_count=0)
    return proposal.pk, plains


def main() -> None:
    parser = bench_parser(__doc__, redis="required")
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--attempts", type=int, default=20000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="web processes (WEB_CONCURRENCY)")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    setup(args.database_url)
    proposal_id, plains = seed(args.people)

    # Every person tries at least once; the other attempts repeat people drawn at random.
    rng = random.Random(1)
    people = list(range(args.people)) + [
        rng.randrange(args.people) for _ in range(args.attempts - args.people)
    ]
    rng.shuffle(people)
    path = f"/api/v1/proposals/{proposal_id}/support"
    attempts = [
        http_attempts.Attempt("POST", path, (("Authorization", f"Bearer {plains[person]}"),))
        for person in people
    ]
    result, outcomes = _storm(args, attempts)

    from django.db.models import Count

    from proposals.models import Proposal, Support, SupportTally

    deadline = time.monotonic() + 30  # the worker folds pending changes a second after they appear
    while SupportTally.objects.filter(proposal_id=proposal_id).exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    rows = Support.objects.filter(proposal_id=proposal_id).count()
    counter = Proposal.objects.get(pk=proposal_id).supports_count
    pending = SupportTally.objects.filter(proposal_id=proposal_id).count()
    duplicates = (
        Support.objects.filter(proposal_id=proposal_id).values("user").annotate(n=Count("id")).filter(n__gt=1)
    )
    distinct = len({people[o.attempt_index] for o in outcomes if o.status == 200})
    today = f"{datetime.now(UTC):%Y-%m-%d}"
    print(
        f"\n| support storm: {len(attempts):,} attempts by {args.people:,} people on one proposal, "
        f"{args.connections} connections, {args.workers} web processes × 4 threads | figure | date |"
    )
    print("| --- | --- | --- |")
    print(f"| throughput | {result['rps']:,.0f} supports/s ({result['seconds']:.1f} s) | {today} |")
    print(
        f"| latency p50 / p95 / p99 | {result['p50']:.1f} / {result['p95']:.1f} / {result['p99']:.1f} ms "
        f"| {today} |"
    )
    print(f"| answers by status | {json.dumps(result['statuses'])} | {today} |")
    print(
        f"| distinct people answered 200 / support rows / counter | {distinct:,} / {rows:,} / {counter:,} "
        f"| {today} |"
    )
    print(f"| people with two rows / changes still pending | {duplicates.count()} / {pending} | {today} |")
    cpu = result["cpu"]
    web, worker = cpu.pop("web"), cpu.pop("worker")
    postgres = sum(value for value in cpu.values() if value > 0)
    per_attempt = 1000 / len(attempts)
    print(
        f"| CPU per attempt: web / PostgreSQL / worker = total | {web * per_attempt:.2f} / "
        f"{postgres * per_attempt:.2f} / {worker * per_attempt:.2f} = "
        f"{(web + postgres + worker) * per_attempt:.2f} ms ({web + postgres + worker:.1f} s of CPU in "
        f"{result['seconds']:.1f} s) | {today} |"
    )
    ok = (
        distinct == rows == counter
        and not duplicates.exists()
        and result["5xx"] == 0
        and result["failed"] == 0
    )
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


def _process_cpu(pid: int) -> float:
    """User + system CPU of a process and of its children it waited for, in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # gone meanwhile
        return 0.0
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _cpu_seconds(server_pid: int, worker_pid: int) -> dict[str, float]:
    """CPU used so far by the web server's processes, the worker's, and the PostgreSQL backends connected to
    this database (by process id: PostgreSQL runs on this host in the benchmarks)."""
    sessions = {"web": server_pid, "worker": worker_pid}
    used = dict.fromkeys(sessions, 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            session = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[3])
        except (OSError, IndexError, ValueError):
            continue
        for part, leader in sessions.items():
            if session == leader:
                used[part] += _process_cpu(int(entry.name))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = [pid for (pid,) in cursor.fetchall()]
    for pid in backends:
        used[f"postgres:{pid}"] = _process_cpu(pid)
    return used


def _storm(args, attempts):
    env = production_env(args.database_url, args.redis_url)
    # Served as production serves (`manage.py serve`: granian, WEB_CONCURRENCY processes of 4 threads).
    server_env = {**env, "WEB_CONCURRENCY": str(args.workers), "HOST": "127.0.0.1", "PORT": str(args.port)}
    # Each thread keeps its PostgreSQL connection for the whole run, so that the CPU of the backends that
    # served it can be read at the end (production reconnects once a minute: nothing per support).
    server_env["CONN_MAX_AGE"] = "3600"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve"], env=server_env, cwd=BASE, start_new_session=True
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        env=env, cwd=BASE, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{args.port}/livez", timeout=60)
        warm = [http_attempts.Attempt("GET", "/livez")] * 200
        http_attempts.run("127.0.0.1", args.port, warm, connections=args.workers)
        cpu_before = _cpu_seconds(server.pid, worker.pid)
        started = time.perf_counter()
        outcomes = http_attempts.run("127.0.0.1", args.port, attempts, connections=args.connections)
        result = http_attempts.summary(outcomes, time.perf_counter() - started)
        cpu_after = _cpu_seconds(server.pid, worker.pid)
        result["cpu"] = {part: cpu_after[part] - cpu_before.get(part, 0.0) for part in cpu_after}
        # Leave the worker a moment to fold what the last supports left pending.
        from proposals.models import SupportTally

        deadline = time.monotonic() + 30
        while SupportTally.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        return result, outcomes
    finally:
        for process in (server, worker):
            os.killpg(process.pid, signal.SIGTERM)
        for process in (server, worker):
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
