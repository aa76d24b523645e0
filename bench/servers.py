"""Which WSGI server to run in production: the same pages under several servers in one run, as ratios.

    python bench/servers.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench \
        [--duration 5] [--connections 16] [--rounds 1] [--variants gunicorn-sync-2 granian-2 ...]

Each variant starts the portal with production settings on 127.0.0.1 (one after another, never two at once),
runs wrk against the trivial view `/livez` and a few real pages (after a 2-second warm-up each), and stops it.
The figures are printed as a Markdown table with every variant's requests/s as a ratio to the first variant's
on the same page, because on a shared 2-core machine only ratios measured in one run mean something. With
`--rounds 2` or more, the variants are measured again in the same order and the table shows the median round.
The server processes, wrk and the pages' ids come from `bench/http_pages.py`, so both benchmarks measure the
same thing. Loopback only; every measurement is bounded by --duration.
"""

import argparse
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

from http_pages import BASE, pick_paths, run_wrk, server_command, wait_until_up  # noqa: E402

CORES = os.cpu_count() or 2

# name -> (server, workers, extra command-line options). The worker count is the same (one per core) for the
# head-to-head comparison; 2 x cores + 1 is gunicorn's own advice for sync workers, gthread adds threads.
VARIANTS: dict[str, tuple[str, int, list[str]]] = {
    "gunicorn-sync-2": ("gunicorn", CORES, []),
    "granian-2": ("granian", CORES, []),
    "gunicorn-sync-5": ("gunicorn", 2 * CORES + 1, []),
    "gunicorn-gthread-2x4": ("gunicorn", CORES, ["--worker-class", "gthread", "--threads", "4"]),
    "granian-2-blocking-4": ("granian", CORES, ["--blocking-threads", "4"]),
}
PAGES = ("proposal list", "proposal detail (most supported)", "API list")


def production_env(database_url: str, redis_url: str = "") -> dict[str, str]:
    """The environment `bench/http_pages.py` serves with: production settings on loopback, plain HTTP."""
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


def variant_command(name: str, port: int) -> list[str]:
    kind, workers, extra = VARIANTS[name]
    command = server_command(kind, port, workers)
    if "--worker-class" in extra:  # replaces http_pages' `--worker-class sync`
        at = command.index("--worker-class")
        del command[at : at + 2]
    return command + extra


def port_is_free(port: int) -> bool:
    """Other benchmarks run on this machine too: measuring their server by mistake must not happen."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def measure(name: str, paths: dict[str, str], env: dict, port: int, duration: int, connections: int) -> dict:
    if not port_is_free(port):
        raise SystemExit(f"something already listens on 127.0.0.1:{port}; choose another --port")
    server = subprocess.Popen(variant_command(name, port), env=env, cwd=BASE, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    results = {}
    try:
        wait_until_up(base_url + "/livez")
        for page, path in paths.items():
            run_wrk(base_url + path, 2, connections)  # warm-up: imports, connections, PostgreSQL's cache
            results[page] = run_wrk(base_url + path, duration, connections)
            print(name, page, results[page], file=sys.stderr)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        for _ in range(60):  # a server's workers may outlive its main process by a moment
            if port_is_free(port):
                break
            time.sleep(0.5)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--port", type=int, default=18431)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    chosen = {page: path for page, path in pick_paths(args.database_url).items() if page in PAGES}
    paths = {"trivial view (/livez)": "/livez", **chosen}
    env = production_env(args.database_url, args.redis_url)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], env=env, cwd=BASE, check=True
    )
    rounds = [
        {
            name: measure(name, paths, env, args.port, args.duration, args.connections)
            for name in args.variants
        }
        for _ in range(args.rounds)
    ]

    def median(name: str, page: str, key: str) -> float:
        return statistics.median(r[name][page][key] for r in rounds)

    first = args.variants[0]
    print(
        f"\n{args.connections} connections, {args.duration} s per page, {args.rounds} round(s), "
        f"{CORES} cores, {date.today().isoformat()}; "
        f"ratio = requests/s relative to {first} on the same page\n"
    )
    print("| server | page | requests/s | ratio | p50 ms | p99 ms | errors |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name in args.variants:
        for page in paths:
            rps = median(name, page, "rps")
            print(
                f"| {name} | {page} | {rps:.0f} | {rps / median(first, page, 'rps'):.2f} | "
                f"{median(name, page, 'p50') / 1000:.1f} | {median(name, page, 'p99') / 1000:.1f} | "
                f"{median(name, page, 'errors'):.0f} |"
            )


if __name__ == "__main__":
    main()
