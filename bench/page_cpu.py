"""CPU per signed-in page in one process, on both sides of the wire, and the longest pause of the collector.

    python bench/page_cpu.py --database-url postgres://postgres@127.0.0.1:5432/portal_perf \
        --redis-url redis://127.0.0.1:6379/1 [--people 50] [--hits 3000] [--rounds 3] \
        [--pages "proposal detail" "article"]

Throughput under load on a shared 2-core machine measures the neighbours as much as the portal; CPU time does
not. This script sends GET requests through the production WSGI application (production settings, the whole
middleware stack, the page cache) one after another in this process, as `--people` signed-in citizens taking
turns, and reads the CPU each page used: this process's own (`time.process_time`), the PostgreSQL backend's
that served it (`/proc/<pid>/stat`, one connection throughout) and Redis's (its INFO counts every client of
the server: on a shared machine an upper bound). The trivial view `/livez` is measured the same way, for
scale: the ratio of CPU per hit is what the HTTP benchmark's throughput ratio tends to, less the server's and
the network's own share. Each page is warmed first (every person three times), so what is measured is the
steady state of a popular page: shared renderings stored, each person's standing and facts kept by the
process.

The collector's passes are timed with `gc.callbacks`: the longest is the pause every thread of a web process
waits through (portal/core/heap.py). Pages are those of `bench/targets.py` (`bench_paths`).
"""

import gc
import os
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))

from bench import wsgi_request  # noqa: E402
from bench.cli import bench_parser  # noqa: E402
from bench.http_pages import production_env  # noqa: E402
from bench.support_cpu import _process_cpu_seconds, _redis_cpu_seconds  # noqa: E402

DEFAULT_PAGES = ("proposal list", "proposal detail (most supported)", "article page")


class _Pauses:
    """The collector's passes while measuring: (generation, milliseconds)."""

    def __init__(self):
        self.passes: list[tuple[int, float]] = []
        self._started = 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.passes.append((info["generation"], (time.perf_counter() - self._started) * 1000))


def main() -> None:
    parser = bench_parser(__doc__, redis="required")
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--hits", type=int, default=3000, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each page; the least CPU counts")
    parser.add_argument("--pages", nargs="*", default=DEFAULT_PAGES, help="names in bench/targets.py")
    args = parser.parse_args()
    # One connection for the whole run, so that one PostgreSQL backend serves it.
    os.environ.update(production_env(args.database_url, args.redis_url), CONN_MAX_AGE="3600")

    # Django reads its settings from the environment set just above: it is imported after.
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection

    from bench import targets
    from portal.wsgi import application

    paths = targets.bench_paths()
    cookies = targets.signed_in_sessions(args.people)
    redis = cache._cache.get_client(write=True)
    pauses = _Pauses()

    def request(path: str, cookie: str) -> int:
        return wsgi_request.status_of(application, wsgi_request.environ("GET", path, HTTP_COOKIE=cookie))

    pages = [("trivial view (/livez)", "/livez", False)]
    pages += [(name, paths[name], True) for name in args.pages]
    for label, path, signed_in in pages:
        for cookie in (cookies if signed_in else [""]) * 3:
            # Warm: the shared rendering, each person's standing, token and facts, the compiled templates.
            assert request(path, cookie) == 200, (label, path)
    # As a web process does after its first requests (portal/core/heap.py; an older tree compared with this
    # one may not).
    if hasattr(application, "heap"):
        application.heap.settle_now()
    rows = []
    for label, path, signed_in in pages:
        people = cookies if signed_in else [""]
        request(path, people[0])  # the stored page may have expired meanwhile
        backend = connection.connection.info.backend_pid
        runs = []
        for _round in range(args.rounds):
            walls = []
            pauses.passes.clear()
            gc.callbacks.append(pauses)
            python_before, postgres_before = time.process_time(), _process_cpu_seconds(backend)
            redis_before = _redis_cpu_seconds(redis)
            for hit in range(args.hits):
                started = time.perf_counter()
                status = request(path, people[hit % len(people)])
                walls.append((time.perf_counter() - started) * 1000)
                assert status == 200, (label, status)
            python = time.process_time() - python_before
            postgres = _process_cpu_seconds(backend) - postgres_before
            redis_cpu = _redis_cpu_seconds(redis) - redis_before
            gc.callbacks.remove(pauses)
            assert connection.connection.info.backend_pid == backend, "the connection changed during the run"
            longest = max((ms for _generation, ms in pauses.passes), default=0.0)
            runs.append((python + postgres, python, postgres, redis_cpu, max(walls), longest))
        rows.append((label, min(runs), sorted(run[0] for run in runs)))

    trivial = rows[0][1][0]
    print(
        f"\n| page, {args.people} signed-in people in turn, least CPU of {args.rounds} rounds of "
        f"{args.hits:,} | Python CPU ms | PostgreSQL CPU ms | Redis CPU ms (server-wide) "
        "| CPU ms each (Python + PostgreSQL) | CPU of /livez ÷ CPU of the page | slowest hit ms "
        "| longest collector pass ms |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    per = 1000 / args.hits
    for label, (cpu, python, postgres, redis_cpu, slowest, longest), all_runs in rows:
        others = ", ".join(f"{value * per:.3f}" for value in all_runs[1:])
        print(
            f"| {label} | {python * per:.3f} | {postgres * per:.3f} | {redis_cpu * per:.3f} | "
            f"{cpu * per:.3f}{f' (other rounds: {others})' if others else ''} | {trivial / cpu:.2f} | "
            f"{slowest:.1f} | {longest:.1f} |"
        )
    print(f"\ncollector: {gc.get_freeze_count():,} objects set aside, {len(gc.get_objects()):,} still walked")


if __name__ == "__main__":
    main()
