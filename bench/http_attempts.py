"""A fixed list of HTTP requests sent over keep-alive connections, every one answered or counted as failed.

wrk measures throughput well but stops on a clock, leaving requests in flight whose fate nobody knows; a
check such as "rows equal the distinct people who tried" needs to know each attempt's answer. This client
sends exactly the requests it is given, over `connections` asyncio streams on one core, and returns one
`Outcome` per request (status or error, latency). Loopback benchmarks and tests only; HTTP/1.1 without TLS.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Attempt:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True)
class Outcome:
    attempt_index: int
    status: int  # 0 when the connection failed before an answer
    seconds: float
    error: str = ""


def run(
    host: str, port: int, attempts: list[Attempt], *, connections: int = 32, timeout: float = 30
) -> list[Outcome]:
    """Sends every attempt once, `connections` at a time; returns the outcomes in the attempts' order."""
    return _in_own_loop(_run, host, port, attempts, connections, timeout)


def run_at_rate(
    host: str,
    port: int,
    attempt: Attempt | list[Attempt],
    *,
    rate: float,
    seconds: float,
    timeout: float = 30,
) -> list[Outcome]:
    """Sends `attempt` `rate` times a second for `seconds`, whether or not earlier ones were answered (a list:
    each in turn).

    An open loop, as real visitors arrive: each latency counts from the moment the request was due, so time
    spent waiting for a free connection or a busy server is included (no "coordinated omission")."""
    return _in_own_loop(_paced, host, port, attempt, rate, seconds, timeout)


def _in_own_loop(coroutine_function, *args):
    """asyncio.run, in a thread of its own when the caller already runs an event loop (Playwright does)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine_function(*args))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine_function(*args)).result()


def summary(outcomes: list[Outcome], seconds: float) -> dict:
    """Throughput, latency percentiles (ms) and answers by status class."""
    latencies = sorted(outcome.seconds for outcome in outcomes if outcome.status)
    statuses = Counter(outcome.status for outcome in outcomes)

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000 if latencies else 0.0

    return {
        "requests": len(outcomes),
        "seconds": seconds,
        "rps": len(outcomes) / seconds if seconds else 0.0,
        "p50": percentile(50),
        "p95": percentile(95),
        "p99": percentile(99),
        "statuses": dict(sorted(statuses.items())),
        "5xx": sum(n for status, n in statuses.items() if status >= 500),
        "failed": statuses.get(0, 0),
    }


async def _run(host, port, attempts, connections, timeout) -> list[Outcome]:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(attempts)):
        queue.put_nowait(index)
    outcomes: list[Outcome | None] = [None] * len(attempts)
    await asyncio.gather(
        *(_connection(host, port, attempts, queue, outcomes, timeout) for _ in range(connections))
    )
    return [outcome for outcome in outcomes if outcome is not None]


async def _connection(host, port, attempts, queue, outcomes, timeout) -> None:
    reader = writer = None
    while not queue.empty():
        index = queue.get_nowait()
        attempt = attempts[index]
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
            writer.write(_encode(host, port, attempt))
            status, keep_alive = await asyncio.wait_for(_read_response(reader), timeout)
            outcomes[index] = Outcome(index, status, time.perf_counter() - started)
            if not keep_alive:
                writer.close()
                reader = writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            # Not retried: a retry would hide exactly what a check of "every attempt answered" must see.
            outcomes[index] = Outcome(index, 0, time.perf_counter() - started, type(error).__name__)
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _paced(host, port, attempt, rate, seconds, timeout) -> list[Outcome]:
    loop = asyncio.get_running_loop()
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    start = loop.time()
    tasks = []
    for index in range(int(rate * seconds)):
        due = start + index / rate
        if (wait := due - loop.time()) > 0:
            await asyncio.sleep(wait)
        this = attempt[index % len(attempt)] if isinstance(attempt, list) else attempt
        tasks.append(asyncio.create_task(_one(host, port, this, index, due, idle, timeout)))
    return list(await asyncio.gather(*tasks))


async def _one(host, port, attempt, index, due, idle, timeout) -> Outcome:
    loop = asyncio.get_running_loop()
    reader = writer = None
    try:
        reader, writer = (
            idle.pop() if idle else await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        )
        writer.write(_encode(host, port, attempt))
        status, keep_alive = await asyncio.wait_for(_read_response(reader), timeout)
        if keep_alive:
            idle.append((reader, writer))
        else:
            writer.close()
        return Outcome(index, status, loop.time() - due)
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
        if writer is not None:
            writer.close()
        return Outcome(index, 0, loop.time() - due, type(error).__name__)


def _encode(host: str, port: int, attempt: Attempt) -> bytes:
    lines = [
        f"{attempt.method} {attempt.path} HTTP/1.1",
        f"Host: {host}:{port}",
        f"Content-Length: {len(attempt.body)}",
    ]
    lines += [f"{name}: {value}" for name, value in attempt.headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + attempt.body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    keep_alive = headers.get("connection", "").lower() != "close"
    return status, keep_alive
