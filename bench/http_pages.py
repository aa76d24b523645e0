"""HTTP benchmark of the read pages, each as a ratio to a trivial Django view served the same way.

    python bench/http_pages.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench \
        --redis-url redis://127.0.0.1:6379/8 [--duration 10] [--connections 16] [--workers 2] \
        [--server serve|gunicorn|granian] [--page-cache-seconds 5]

The database must be seeded first (see docs/BENCHMARKS.md). Starts the server with production settings
on 127.0.0.1 (by default as production does: `manage.py serve`, granian with 4 threads per process), runs
wrk against each page in turn, each just after the trivial view /livez, and gives the page's throughput as
a ratio to that trivial view's (the machine drifts over minutes; `--rounds N` repeats the pairs and reports
the median ratio). Then, for each page, requests at half of the throughput wrk found, at a fixed rate (an
open loop: bench/http_attempts.py), give the p95 "at half of saturation". Prints a Markdown table.
`--page-cache-seconds 0` measures every page rendered from the database. `--people N` measures the pages
as N different signed-in citizens: each request carries the next person's cookies (session, CSRF) in turn
(bench/wrk_people.lua), so no reader's own state is reused; the open-loop run at half of saturation signs
in as one of them. `--drafts-per-second R` has authors save drafts meanwhile, as in a busy intake;
`--site-changes-per-second R` changes what every page shows, as answers and hearings do;
`--publications-per-second R` publishes proposals, as moderators do (bench/meanwhile.py).
Only loopback traffic; every run is bounded by --duration.
"""

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("wrk_report.lua")
PEOPLE_LUA = Path(__file__).with_name("wrk_people.lua")
sys.path.insert(0, str(BASE))

from bench import http_attempts  # noqa: E402
from bench.cli import bench_parser  # noqa: E402


def server_command(kind: str, port: int, workers: int) -> list[str]:
    python = sys.executable
    if kind == "serve":
        # The production command (granian as `manage.py serve` configures it), bound to loopback. Its start-up
        # checks are skipped: a benchmark may measure production settings without Redis (--redis-url is
        # optional here), which they refuse for a deployment (portal.E042).
        return ["env", f"WEB_CONCURRENCY={workers}", "HOST=127.0.0.1", f"PORT={port}", "LOG_LEVEL=WARNING",
                python, "manage.py", "serve", "--skip-checks"]  # fmt: skip
    if kind == "gunicorn":
        return [
            python,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ]
    if kind == "granian":
        return [
            python,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "portal.wsgi:application",
            "--workers",
            str(workers),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
    raise SystemExit(f"unknown server {kind}")


def production_env(database_url: str, redis_url: str = "") -> dict[str, str]:
    """The environment the benchmarks serve with: production settings on loopback, plain HTTP."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not answer {url}")


def run_wrk(url: str, duration: int, connections: int, sessions_file: Path | None = None) -> dict:
    """wrk against `url`; a URL with several paths (separated by spaces, see `bench/targets.py`) asks for each
    in turn."""
    base, *paths = url.split(" ")
    script = LUA if sessions_file is None and len(paths) == 0 else PEOPLE_LUA
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "-s", str(script), base]
    env = {**os.environ, "WRK_REPORT_LUA": str(LUA), "WRK_SESSIONS": str(sessions_file or "")}
    with tempfile.NamedTemporaryFile("w", suffix=".paths") as paths_file:
        if paths:
            paths_file.write("\n".join([urllib.parse.urlsplit(base).path, *paths]) + "\n")
            paths_file.flush()
        env["WRK_PATHS"] = paths_file.name if paths else ""
        output = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=duration + 30, env=env
        ).stdout
    line = next(line for line in output.splitlines() if line.startswith("{"))
    return json.loads(line)


def run_at_half(url_base_port: int, path: str, rate: float, duration: int, cookie: str = "") -> dict:
    """Requests at a fixed total `rate` (an open loop) for `duration` seconds, with latency percentiles."""
    headers = (("Cookie", cookie),) if cookie else ()
    attempts = [http_attempts.Attempt("GET", each, headers) for each in path.split(" ")]
    outcomes = http_attempts.run_at_rate("127.0.0.1", url_base_port, attempts, rate=rate, seconds=duration)
    result = http_attempts.summary(outcomes, duration)
    result["errors"] = sum(1 for outcome in outcomes if not 200 <= outcome.status < 400)
    return result


def pick_paths(database_url: str, call: str = "bench_paths()") -> dict[str, str]:
    """The pages to measure, with real ids from the seeded database (or another answer of bench/targets.py),
    under the server's settings: a session is signed with its secret key."""
    env = production_env(database_url)
    code = f"import django, json; django.setup();from bench import targets; print(json.dumps(targets.{call}))"
    output = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BASE, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = bench_parser(__doc__, redis="optional")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="processes (serve: WEB_CONCURRENCY)")
    parser.add_argument("--server", default="serve", choices=["serve", "gunicorn", "granian"])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--page-cache-seconds", type=int, default=5, help="PAGE_CACHE_SECONDS; 0: off")
    parser.add_argument("--people", type=int, default=0, help="signed-in citizens taking turns; 0: anonymous")
    parser.add_argument(
        "--pages", nargs="*", default=[], help="only the pages whose name contains one of these"
    )
    parser.add_argument(
        "--outcome-stats-seconds", type=int, default=0, help="OUTCOME_STATS_CACHE_SECONDS (0: the settings')"
    )
    parser.add_argument("--worker", action="store_true", help="a Celery worker beside the server (recounts)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of (trivial view, page) pairs; medians")
    parser.add_argument(
        "--drafts-per-second", type=float, default=0, help="drafts saved meanwhile (bench/meanwhile.py)"
    )
    parser.add_argument(
        "--site-changes-per-second",
        type=float,
        default=0,
        help="changes every page shows, meanwhile (bench/meanwhile.py)",
    )
    parser.add_argument(
        "--publications-per-second", type=float, default=0,
        help="proposals published meanwhile (bench/meanwhile.py)",
    )  # fmt: skip
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    paths = {"trivial view (/livez)": "/livez", **pick_paths(args.database_url)}
    if args.pages:
        paths = {name: path for name, path in paths.items() if name.startswith("trivial") or any(
            wanted in name for wanted in args.pages)}  # fmt: skip
    sessions_file, cookie = None, ""
    if args.people:
        sessions = pick_paths(args.database_url, f"signed_in_sessions({args.people})")
        sessions_file = Path(tempfile.mkstemp(prefix="bench-sessions-")[1])
        sessions_file.write_text("\n".join(sessions) + "\n")
        cookie = sessions[0]
    env = {
        **production_env(args.database_url, args.redis_url),
        "PAGE_CACHE_SECONDS": str(args.page_cache_seconds),
    }
    if args.outcome_stats_seconds:
        env["OUTCOME_STATS_CACHE_SECONDS"] = str(args.outcome_stats_seconds)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], env=env, cwd=BASE, check=True
    )
    server = subprocess.Popen(
        server_command(args.server, args.port, args.workers), env=env, cwd=BASE, start_new_session=True
    )
    worker = None
    if args.worker:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "-l", "WARNING"],
            env=env, cwd=BASE, start_new_session=True,
        )  # fmt: skip
    # For longer than the run can last: they are stopped with the server.
    writers = [
        subprocess.Popen(
            [sys.executable, "bench/meanwhile.py", kind, "--rate", str(rate), "--seconds", "3600"],
            env=env, cwd=BASE, start_new_session=True,
        )
        for kind, rate in (
            ("drafts", args.drafts_per_second),
            ("site-changes", args.site_changes_per_second),
            ("publications", args.publications_per_second),
        )
        if rate
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{args.port}"
    trivial_path = paths.pop("trivial view (/livez)")
    rounds: dict[str, list[tuple[dict, dict]]] = {name: [] for name in paths}
    halves = {}
    try:
        wait_until_up(base_url + "/livez")
        for _round in range(args.rounds):
            for name, path in paths.items():
                # The trivial view just before each page: the machine drifts over a run of minutes (the
                # trivial view's throughput moved by up to a sixth between a run's first and last minute).
                pair = []
                for measured in (trivial_path, path):
                    run_wrk(base_url + measured, 2, args.connections, sessions_file)  # warm-up
                    pair.append(run_wrk(base_url + measured, args.duration, args.connections, sessions_file))
                rounds[name].append((pair[0], pair[1]))
                print(name, pair, file=sys.stderr)
        trivial_runs = [trivial for pairs in rounds.values() for trivial, _page in pairs]
        rows = {"trivial view (/livez)": [(trivial, trivial) for trivial in trivial_runs], **rounds}
        for name, path in {"trivial view (/livez)": trivial_path, **paths}.items():
            half_rate = statistics.median(page["rps"] for _trivial, page in rows[name]) / 2
            # Warmed up as the wrk runs are: the page stored minutes ago is gone from the cache by now, and
            # the first second would measure every thread rendering it at once.
            run_wrk(base_url + path, 2, args.connections, sessions_file)
            halves[name] = run_at_half(args.port, path, half_rate, args.duration, cookie)
            print(name, halves[name], file=sys.stderr)
    finally:
        for process in (server, worker, *writers):
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)

    cache = f"page cache {args.page_cache_seconds} s" if args.page_cache_seconds else "page cache off"
    if args.people:
        cache += f", {args.people} signed-in people taking turns"
    if args.drafts_per_second:
        cache += f", {args.drafts_per_second:g} draft saves a second meanwhile"
    if args.site_changes_per_second:
        cache += f", {args.site_changes_per_second:g} changes of every page a second meanwhile"
    if args.publications_per_second:
        cache += f", {args.publications_per_second:g} proposals published a second meanwhile"
    print(
        f"\n{args.server}, {args.workers} workers, {cache}, wrk {args.connections} connections, "
        f"{args.duration} s each, {args.rounds} round(s) of (trivial view, page) pairs, "
        f"{date.today().isoformat()}\n"
    )
    print(
        "| page | requests/s | ratio to the trivial view before it (median; rounds) | p50 ms | p95 ms "
        "| p99 ms | errors | at half of saturation: requests/s | p95 ms |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, pairs in rows.items():
        ratios = [page["rps"] / trivial["rps"] for trivial, page in pairs]
        middle = sorted(pairs, key=lambda pair: pair[1]["rps"] / pair[0]["rps"])[len(pairs) // 2][1]
        half = halves[name]
        each = " / ".join(f"{ratio:.2f}" for ratio in ratios) if name in rounds and len(ratios) > 1 else ""
        print(
            f"| {name} | {middle['rps']:.0f} | {statistics.median(ratios):.2f}{f' ({each})' if each else ''} "
            f"| {middle['p50'] / 1000:.1f} | {middle['p95'] / 1000:.1f} | {middle['p99'] / 1000:.1f} "
            f"| {sum(page['errors'] for _trivial, page in pairs) + half['errors']} "
            f"| {half['rps']:.0f} | {half['p95']:.1f} |"
        )


if __name__ == "__main__":
    main()
