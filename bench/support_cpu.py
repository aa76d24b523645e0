"""CPU per support through the API, in one process: what one core serves, without a load generator beside it.

    python bench/support_cpu.py --database-url postgres://postgres@127.0.0.1:5432/portal_perf \
        --redis-url redis://127.0.0.1:6379/1 [--people 2000] [--profile 30]

On a machine shared with other work, throughput under load measures the neighbours as much as the portal.
CPU time does not: this script sends `POST /api/v1/proposals/{id}/support` through the production WSGI
application (production settings, the whole middleware stack, token auth) one after another in this
process, each person once (a new support) and then each person again (a repeat that changes nothing), and
reads the CPU the request used on both sides of the wire: this process's own (`time.process_time`) and the
PostgreSQL backend's that served it (`/proc/<pid>/stat` of `pg_backend_pid()`, the same connection
throughout). Redis's CPU is read from its INFO, which counts every client of the server: on a shared machine
an upper bound. One core serves 1000 / (CPU ms per support) supports a second, if nothing else queues.

The people, their tokens and the proposal are those of `bench/support_storm.py` (created once).
"""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))

from bench import wsgi_request  # noqa: E402
from bench.cli import bench_parser  # noqa: E402
from bench.http_pages import production_env  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _process_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, from /proc (PostgreSQL runs on this host in the benchmarks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _redis_cpu_seconds(client) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def main() -> None:
    parser = bench_parser(__doc__, redis="required")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each pass; the least CPU counts")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions (cProfile)")
    args = parser.parse_args()
    # One connection for the whole run (production reconnects once a minute: nothing per support).
    os.environ.update(production_env(args.database_url, args.redis_url), CONN_MAX_AGE="3600")

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.support_storm import seed
    from portal.accounts.models import ApiToken
    from portal.accounts.tokens import _hash
    from proposals.models import Proposal, Support
    from proposals.services.support import support_withdraw

    call_command("migrate", verbosity=0)
    proposal_id, plains = seed(args.people)
    plains = plains[: args.people]
    path = f"/api/v1/proposals/{proposal_id}/support"
    application = WSGIHandler()
    redis = cache._cache.get_client(write=True)

    def post(token: str) -> int:
        request = wsgi_request.environ("POST", path, HTTP_AUTHORIZATION=f"Bearer {token}", CONTENT_LENGTH="0")
        return wsgi_request.status_of(application, request)

    def trivial(_token: str) -> int:
        return wsgi_request.status_of(application, wsgi_request.environ("GET", "/livez"))

    def queries_of(token: str) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert post(token) == 200
        return [query["sql"] for query in captured.captured_queries]

    def forget_supports() -> None:
        """Back to no supports (the benchmark's own proposal), so that the next pass adds them again."""
        Support.objects.filter(proposal_id=proposal_id).delete()
        Proposal.objects.filter(pk=proposal_id).update(supports_count=0)

    # Warm-up (imports, connection, caches) on people left out of the measured runs.
    warm, measured = plains[:50], plains[50:]
    for token in warm:
        assert post(token) == 200
    backend = connection.connection.info.backend_pid

    def forget_supports_and_uses() -> None:
        forget_supports()
        ApiToken.objects.filter(token_hash__in=[_hash(token) for token in measured]).update(last_used_at=None)

    passes = (
        (
            "new support, the token's first use this minute (its last use written)",
            post,
            forget_supports_and_uses,
        ),
        ("repeat (already supported: nothing written)", post, None),
        ("new support, the token used within the minute", post, forget_supports),
        ("trivial view (GET /livez), for scale", trivial, None),
    )
    # The machine may be shared: every pass runs `--rounds` times and the round with the least CPU counts
    # (other work only ever adds to a pass's CPU, through contended caches and cores).
    rows = []
    for number, (label, send, before) in enumerate(passes):
        runs = []
        for _round in range(args.rounds):
            if before:
                before()
            statuses = []
            profiler = cProfile.Profile(time.process_time) if args.profile and number == 2 else None
            python_before, postgres_before = time.process_time(), _process_cpu_seconds(backend)
            redis_before, wall_before = _redis_cpu_seconds(redis), time.perf_counter()
            if profiler:
                profiler.enable()
            for token in measured:
                statuses.append(send(token))
            if profiler:
                profiler.disable()
            wall = time.perf_counter() - wall_before
            python = time.process_time() - python_before
            postgres = _process_cpu_seconds(backend) - postgres_before
            redis_cpu = _redis_cpu_seconds(redis) - redis_before
            assert connection.connection.info.backend_pid == backend, "the connection changed during the run"
            assert set(statuses) == {200}, set(statuses)
            runs.append((python + postgres, wall, python, postgres, redis_cpu))
            if profiler:
                stream = io.StringIO()
                pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(args.profile)
                print(stream.getvalue())
        cpu_of_runs = sorted(run[0] for run in runs)
        rows.append((label, len(measured), *min(runs)[1:], cpu_of_runs))

    # Query counts, for a person whose token was used within the minute: a new support, then a repeat.
    from portal.accounts.tokens import api_token_authenticate

    person = api_token_authenticate(warm[0])
    proposal = Proposal.objects.select_related("consultation").get(pk=proposal_id)
    support_withdraw(user=person, proposal=proposal)
    new_queries = queries_of(warm[0])
    repeat_queries = queries_of(warm[0])

    print(
        f"\n| one process, sequential, least CPU of {args.rounds} rounds | requests | wall ms each | "
        "Python CPU ms | PostgreSQL CPU ms | Redis CPU ms (server-wide) | CPU ms each (Python + PostgreSQL) "
        "| per second on one core |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, count, wall, python, postgres, redis_cpu, cpu_of_runs in rows:
        per = 1000 / count
        cpu = (python + postgres) * per
        others = ", ".join(f"{value * per:.2f}" for value in cpu_of_runs[1:])
        print(
            f"| {label} | {count:,} | {wall * per:.2f} | {python * per:.2f} | {postgres * per:.2f} | "
            f"{redis_cpu * per:.2f} | {cpu:.2f}{f' (other rounds: {others})' if others else ''} | "
            f"{1000 / cpu:,.0f} |"
        )
    print(f"\nqueries of a new support ({len(new_queries)}):")
    for sql in new_queries:
        print("  ", sql[:300])
    print(f"queries of a repeat ({len(repeat_queries)}):")
    for sql in repeat_queries:
        print("  ", sql[:300])


if __name__ == "__main__":
    main()
