"""HTTP benchmark of the read pages, each as a ratio to a trivial Django view served the same way.

    python bench/http_pages.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench \
        [--duration 10] [--connections 16] [--workers 4] [--server gunicorn]

The database must be seeded first (see docs/BENCHMARKS.md). Starts the server with production settings
on 127.0.0.1, runs wrk against each page in turn (the trivial view /livez first and last, to see drift),
then prints a Markdown table. Only loopback traffic; every run is bounded by --duration.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("wrk_report.lua")


def server_command(kind: str, port: int, workers: int) -> list[str]:
    python = sys.executable
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


def run_wrk(url: str, duration: int, connections: int) -> dict:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "-s", str(LUA), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=duration + 30).stdout
    line = next(line for line in output.splitlines() if line.startswith("{"))
    return json.loads(line)


def pick_paths(database_url: str) -> dict[str, str]:
    """The pages to measure, with real ids from the seeded database."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    code = (
        "import django, json; django.setup();"
        "from proposals.bench_targets import bench_paths; print(json.dumps(bench_paths()))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BASE, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--server", default="gunicorn", choices=["gunicorn", "granian"])
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    paths = {"trivial view (/livez)": "/livez", **pick_paths(args.database_url)}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], env=env, cwd=BASE, check=True
    )
    server = subprocess.Popen(
        server_command(args.server, args.port, args.workers), env=env, cwd=BASE, start_new_session=True
    )
    base_url = f"http://127.0.0.1:{args.port}"
    results = {}
    try:
        wait_until_up(base_url + "/livez")
        for name, path in [*paths.items(), ("trivial view, again", "/livez")]:
            run_wrk(base_url + path, 2, args.connections)  # warm-up: caches, connections
            results[name] = run_wrk(base_url + path, args.duration, args.connections)
            print(name, results[name], file=sys.stderr)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    trivial = results["trivial view (/livez)"]["rps"]
    print(
        f"\n{args.server}, {args.workers} workers, {args.connections} connections, {args.duration} s each, "
        f"{date.today().isoformat()}\n"
    )
    print("| page | requests/s | ratio to trivial | p50 ms | p95 ms | p99 ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        print(
            f"| {name} | {r['rps']:.0f} | {r['rps'] / trivial:.2f} | {r['p50'] / 1000:.1f} | "
            f"{r['p95'] / 1000:.1f} | {r['p99'] / 1000:.1f} | {r['errors']} |"
        )


if __name__ == "__main__":
    main()
