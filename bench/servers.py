"""Which WSGI server to run in production: the same pages under several servers in one run, as ratios.

    python bench/servers.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench \
        [--duration 5] [--connections 6] [--rounds 3] [--variants gunicorn-sync-2 granian-2 ...]

Every variant serves the portal with production settings on its own port of 127.0.0.1; all are started
first, warmed up (2 s of wrk per page), and then take turns: for each page, each variant gets `--duration`
seconds of wrk while the others sit idle, in an order that rotates every round. On a shared 2-core machine
load from other work comes and goes, and only ratios taken minutes apart mean something: the table shows each
variant's requests/s as a ratio to the first variant's on the same page in the same round, the median over
`--rounds`.
The server processes, wrk and the pages' ids come from `bench/http_pages.py`, so both benchmarks measure the
same thing. Loopback only; every measurement is bounded by --duration.
"""

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_pages import BASE, LUA, pick_paths, production_env, server_command, wait_until_up  # noqa: E402

from bench.cli import bench_parser  # noqa: E402

CORES = os.cpu_count() or 2

# name -> (server, workers, extra command-line options). The worker count is the same (one per core) for the
# head-to-head comparison; 2 x cores + 1 is gunicorn's own advice for sync workers, gthread adds threads.
VARIANTS: dict[str, tuple[str, int, list[str]]] = {
    "gunicorn-sync-2": ("gunicorn", CORES, []),
    "granian-2": ("granian", CORES, []),
    "gunicorn-sync-4": ("gunicorn", 2 * CORES, []),
    "gunicorn-sync-5": ("gunicorn", 2 * CORES + 1, []),
    "gunicorn-gthread-2x4": ("gunicorn", CORES, ["--worker-class", "gthread", "--threads", "4"]),
    "granian-2-blocking-4": ("granian", CORES, ["--blocking-threads", "4"]),
}
PAGES = ("proposal list", "proposal detail (most supported)", "API list")


def variant_command(name: str, port: int) -> list[str]:
    kind, workers, extra = VARIANTS[name]
    command = server_command(kind, port, workers)
    if "--worker-class" in extra:  # replaces http_pages' `--worker-class sync`
        at = command.index("--worker-class")
        del command[at : at + 2]
    return command + extra


def run_wrk(url: str, duration: int, connections: int, close: bool = False) -> dict:
    """`bench/http_pages.py`'s wrk run, optionally with a new connection per request as behind a proxy
    that does not keep connections to its upstreams alive (nginx's default)."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "-s", str(LUA), url]
    if close:
        command[1:1] = ["-H", "Connection: close"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=duration + 30).stdout
    return json.loads(next(line for line in output.splitlines() if line.startswith("{")))


def port_is_free(port: int) -> bool:
    """Other benchmarks run on this machine too: measuring their server by mistake must not happen."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def start(name: str, env: dict, port: int) -> subprocess.Popen:
    if not port_is_free(port):
        raise SystemExit(f"something already listens on 127.0.0.1:{port}; choose another --port")
    return subprocess.Popen(variant_command(name, port), env=env, cwd=BASE, start_new_session=True)


def stop(server: subprocess.Popen, port: int) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    for _ in range(60):  # a server's workers may outlive its main process by a moment
        if port_is_free(port):
            break
        time.sleep(0.5)


def main() -> None:
    parser = bench_parser(__doc__, redis="optional")
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--port", type=int, default=18431)
    parser.add_argument("--close", action="store_true", help="a new connection per request (no keep-alive)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    chosen = {page: path for page, path in pick_paths(args.database_url).items() if page in PAGES}
    paths = {"trivial view (/livez)": "/livez", **chosen}
    env = production_env(args.database_url, args.redis_url)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], env=env, cwd=BASE, check=True
    )
    ports = {name: args.port + index for index, name in enumerate(args.variants)}
    servers = {}
    rounds = []
    try:
        for name, port in ports.items():
            servers[name] = start(name, env, port)
        for port in ports.values():
            wait_until_up(f"http://127.0.0.1:{port}/livez")
            for path in paths.values():  # warm-up: imports, connections, PostgreSQL's cache
                run_wrk(f"http://127.0.0.1:{port}{path}", 2, args.connections)
        # The servers all run (idle but one) so that the variants take turns page by page, in a rotating
        # order: load from other work on the machine then falls on every variant alike.
        for round_number in range(args.rounds):
            results = {name: {} for name in args.variants}
            for page, path in paths.items():
                shift = round_number % len(args.variants)
                for name in args.variants[shift:] + args.variants[:shift]:
                    url = f"http://127.0.0.1:{ports[name]}{path}"
                    results[name][page] = run_wrk(url, args.duration, args.connections, args.close)
                    print(round_number, name, page, results[name][page], file=sys.stderr)
            rounds.append(results)
    finally:
        for name, server in servers.items():
            stop(server, ports[name])

    def median(name: str, page: str, key: str) -> float:
        return statistics.median(r[name][page][key] for r in rounds)

    def median_ratio(name: str, page: str) -> float:
        """Ratios are taken within each round (seconds apart), then the median."""
        return statistics.median(r[name][page]["rps"] / r[first][page]["rps"] for r in rounds)

    first = args.variants[0]
    print(
        f"\n{args.connections} connections{' (a new one per request)' if args.close else ''}, "
        f"{args.duration} s per page, {args.rounds} round(s), "
        f"{CORES} cores, {date.today().isoformat()}; ratio = requests/s relative to {first} on the same "
        "page in the same round (median over rounds)\n"
    )
    print("| server | page | requests/s | ratio | p50 ms | p99 ms | errors |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name in args.variants:
        for page in paths:
            print(
                f"| {name} | {page} | {median(name, page, 'rps'):.0f} | {median_ratio(name, page):.2f} | "
                f"{median(name, page, 'p50') / 1000:.1f} | {median(name, page, 'p99') / 1000:.1f} | "
                f"{median(name, page, 'errors'):.0f} |"
            )


if __name__ == "__main__":
    main()
