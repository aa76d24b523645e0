"""Two running web applications side by side, each page as a ratio to its own server's trivial view.

    python bench/side_by_side.py \
        --server "adhocracy+" http://127.0.0.1:8141 /robots.txt \
        --server Qatysu http://127.0.0.1:8142 /livez \
        --page "idea list" /bench-city/projects/module/idea-challenge/ /en/proposals/ \
        --page "idea detail" /bench-city/ideas/2026-00001/ /en/proposals/1/ \
        [--cookies /tmp/aplus.cookie /tmp/qatysu.cookie] [--rounds 3] [--duration 5] [--connections 8]

Different applications on different stacks cannot be compared by requests/s alone, and on a shared machine
not even one application's figures from minutes apart can. So each page is measured as in
`bench/http_pages.py`: wrk against the server's own trivial view (a view that goes through the framework and
touches no database), then against the page, and the page's requests/s is a ratio to that trivial view's.
For each page the pairs alternate: trivial view then page on the first server, then on the second; `--rounds`
repeats all of it and the table gives the median of the rounds' ratios.

Each `--page` names a page and gives its path on each server, in the order of `--server`. With `--cookies`
(a file per server, holding a `Cookie` header's value a line, as `bench/wrk_people.lua` reads them; `-` for
none) every page is measured twice, anonymous and signed in; the trivial views are always requested without
cookies, so the floor a page is compared with is the same for both. Every page must answer 200 before any
measurement starts: a redirect to a sign-in or consent page would be measured as a fast page.

The servers are started beforehand (how, and with what data, belongs with the figures in
docs/BENCHMARKS.md); this script only sends loopback requests, each run bounded by `--duration`. The load
average before and after each pair goes to stderr, and before and after the whole run to the output.
"""

import argparse
import math
import os
import shutil
import statistics
import sys
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))

from bench import http_attempts  # noqa: E402
from bench.http_pages import run_wrk, wait_until_up  # noqa: E402


def parse_args() -> argparse.Namespace:
    # bench/cli.py's conventions (the docstring as --help, wrk settings by name) without its --database-url:
    # the servers measured here are started with their own databases beforehand.
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--server", nargs=3, action="append", required=True, metavar=("NAME", "BASE_URL", "TRIVIAL_PATH"),
        help="a server to measure (give it twice or more)",
    )  # fmt: skip
    parser.add_argument(
        "--page", nargs="+", action="append", required=True, metavar="NAME_THEN_PATHS",
        help="a page's name, then its path on each server in the order of --server",
    )  # fmt: skip
    parser.add_argument("--cookies", nargs="+", default=[], help="a cookie file per server ('-': none)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per measurement")
    parser.add_argument("--warm-up", type=int, default=2, help="seconds of wrk before each measurement")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if len(args.server) < 2:
        parser.error("give --server at least twice")
    for page in args.page:
        if len(page) != 1 + len(args.server):
            parser.error(f"--page {page[0]!r} needs one path per server ({len(args.server)})")
    if args.cookies and len(args.cookies) != len(args.server):
        parser.error("--cookies needs one file per server ('-' for none)")
    return args


def answers(base_url: str, path: str, cookie_file: Path | None = None) -> int:
    """The status of one GET, redirects not followed, with the file's first cookie line if any. Queued
    behind whatever the server still has to answer, it also waits for that."""
    address = urllib.parse.urlsplit(base_url)
    headers = (("Cookie", cookie_file.read_text().splitlines()[0]),) if cookie_file else ()
    attempt = http_attempts.Attempt("GET", path, headers)
    return http_attempts.run(address.hostname, address.port, [attempt], connections=1)[0].status


def figure(value: float) -> str:
    """Two decimals, or two significant digits below 0.1: a page at a thousandth of its trivial view's
    throughput is not 0.00."""
    return f"{value:.2g}" if abs(value) < 0.1 else f"{value:.2f}"


def load_average() -> str:
    return " ".join(f"{each:.2f}" for each in os.getloadavg())


def measure(
    base_url: str, path: str, trivial: str, args: argparse.Namespace, cookie_file: Path | None = None
) -> dict:
    """wrk after a warm-up, each followed by a wait for the requests wrk left behind: a slow page's server
    goes on rendering the requests of the connections wrk closed when its time was up (seconds of work at a
    second a page), which would slow whatever is measured next, on this server or on the other one."""
    if args.warm_up:
        run_wrk(base_url + path, args.warm_up, args.connections, cookie_file)
        answers(base_url, trivial)
    result = run_wrk(base_url + path, args.duration, args.connections, cookie_file)
    answers(base_url, trivial)
    return result


def main() -> None:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    servers = [(name, base_url.rstrip("/"), trivial) for name, base_url, trivial in args.server]
    cookie_files = [None if each == "-" else Path(each) for each in args.cookies]
    # (row name, path per server, cookie file per server)
    rows = [(f"{page[0]}, anonymous" if cookie_files else page[0], page[1:], [None] * len(servers))
            for page in args.page]  # fmt: skip
    if cookie_files:
        rows += [(f"{page[0]}, signed in", page[1:], cookie_files) for page in args.page]
    for _name, base_url, trivial in servers:
        wait_until_up(base_url + trivial)
    for row, paths, cookies in rows:
        for (name, base_url, _trivial), path, cookie_file in zip(servers, paths, cookies, strict=True):
            status = answers(base_url, path, cookie_file)
            if status != 200:
                raise SystemExit(f"{name} answers {status} to {path} ({row}); measure pages that answer 200")

    started, load_before = datetime.now(UTC), load_average()
    # results[row][server] = [(trivial run, page run), ...], one pair a round
    results: dict[str, dict[str, list[tuple[dict, dict]]]] = {row: {name: [] for name, *_ in servers}
                                                              for row, *_ in rows}  # fmt: skip
    for round_number in range(args.rounds):
        for row, paths, cookies in rows:
            for (name, base_url, trivial), path, cookie_file in zip(servers, paths, cookies, strict=True):
                before = load_average()
                pair = (
                    measure(base_url, trivial, trivial, args),
                    measure(base_url, path, trivial, args, cookie_file),
                )
                results[row][name].append(pair)
                print(round_number, name, row, pair, f"load {before} -> {load_average()}", file=sys.stderr)
    finished, load_after = datetime.now(UTC), load_average()

    print(
        f"\n{started:%Y-%m-%d %H:%M}–{finished:%H:%M} UTC, load average (1, 5, 15 min) {load_before} before, "
        f"{load_after} after; wrk -t2 -c{args.connections} -d{args.duration}s after {args.warm_up} s of "
        f"warm-up, {args.rounds} round(s) of (trivial view, page) pairs, servers in turn\n"
    )
    header = "| page |"
    for name, _base_url, trivial in servers:
        header += f" {name}: requests/s | {name}: ratio to {trivial} (median; rounds) |"
    print(header)
    print("| --- |" + " ---: | ---: |" * len(servers))
    trivial_row = "| trivial view (median of all its runs) |"
    for name, _base_url, _trivial in servers:
        runs = [trivial for row in results.values() for trivial, _page in row[name]]
        trivial_row += f" {statistics.median(run['rps'] for run in runs):.0f} | 1.00 |"
    print(trivial_row)
    errors = []
    for row, by_server in results.items():
        line = f"| {row} |"
        for name, pairs in by_server.items():
            ratios = [page["rps"] / trivial["rps"] if trivial["rps"] else math.nan for trivial, page in pairs]
            rps = statistics.median(page["rps"] for _trivial, page in pairs)
            each = " / ".join(figure(ratio) for ratio in ratios)
            line += f" {rps:.0f} | " if rps >= 10 else f" {rps:.1f} | "
            line += f"{figure(statistics.median(ratios))} ({each}) |"
            failed = sum(trivial["errors"] + page["errors"] for trivial, page in pairs)
            if failed:
                errors.append(f"{name}, {row}: {failed} errors")
        print(line)
    # wrk's errors: answers of 4xx/5xx, socket errors, and answers slower than its 2-s timeout, which it
    # still counts as requests (they are in requests/s, only not in its latencies).
    print("\n" + ("\n".join(errors) if errors else "No errors in any run."))


if __name__ == "__main__":
    main()
