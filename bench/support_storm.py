"""A support storm through HTTP: many people supporting one proposal at once, exact counts at the end.

    python bench/support_storm.py --database-url postgres://postgres@127.0.0.1:5432/portal_bench_storm \
        --redis-url redis://127.0.0.1:6379/9 [--people 5000] [--duration 40] [--connections 32]

Creates (once) `--people` verified people with API tokens and one published proposal, serves the portal with
production settings under gunicorn on 127.0.0.1, and sends `POST /api/v1/proposals/{id}/support` for
`--duration` seconds with wrk, each request with a token drawn at random (most people support several times;
the second and later are no-ops answering 200). Then checks: at most one support row per person, the counter
equal to the rows, no 5xx. Prints supports/s and latency percentiles. Loopback only, bounded by `--duration`.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))

LUA = """
local tokens = {}
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
init = function(args)
  errors5xx = 0
  other = 0
  for line in io.lines(args[1]) do table.insert(tokens, line) end
  math.randomseed(tonumber(args[2]) + id * 7919)  -- each thread its own sequence of people
end
request = function()
  local token = tokens[math.random(#tokens)]
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. token, ["Content-Length"] = "0"}, "")
end
response = function(status, headers, body)
  if status >= 500 then errors5xx = errors5xx + 1 elseif status ~= 200 then other = other + 1 end
end
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e5, o = 0, 0
  for _, thread in ipairs(threads) do e5 = e5 + thread:get("errors5xx"); o = o + thread:get("other") end
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50": %d, "p95": %d, "p99": %d, '
    .. '"5xx": %d, "other": %d}\\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), e5, o))
end
"""


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
    from proposals.models import Proposal, Support
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
    Proposal.objects.filter(pk=proposal.pk).update(supports_count=0)
    return proposal.pk, plains


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--duration", type=int, default=40, help="seconds of load (the bound of the run)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    setup(args.database_url)
    proposal_id, plains = seed(args.people)

    # Each wrk thread draws tokens at random; --duration bounds the run.
    workdir = Path(tempfile.mkdtemp())
    rng = random.Random(1)
    tokens_file = workdir / "tokens.txt"
    tokens_file.write_text("\n".join(plains))
    script = workdir / "storm.lua"
    script.write_text(LUA)
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
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", str(args.workers),
         "-b", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        env=env, cwd=BASE, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{args.port}/api/v1/proposals/{proposal_id}/support"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/livez", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.3)
        _wrk(f"http://127.0.0.1:{args.port}/livez", script, tokens_file, 2, 4, rng)  # warm the workers up
        result = json.loads(_wrk(url, script, tokens_file, args.duration, args.connections, rng)[-1])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    from django.db.models import Count

    from proposals.models import Proposal, Support

    rows = Support.objects.filter(proposal_id=proposal_id).count()
    counter = Proposal.objects.get(pk=proposal_id).supports_count
    duplicates = (
        Support.objects.filter(proposal_id=proposal_id).values("user").annotate(n=Count("id")).filter(n__gt=1)
    )
    total = result["requests"]
    print(
        f"\n| support storm: {total:,} attempts by up to {args.people:,} people on one proposal, "
        f"{args.connections} connections, gunicorn {args.workers} workers | figure | date |"
    )
    print("| --- | --- | --- |")
    today = f"{datetime.now(UTC):%Y-%m-%d}"
    print(f"| throughput | {result['rps']:,.0f} supports/s | {today} |")
    print(f"| latency p50 / p95 / p99 | {result['p50'] / 1000:.1f} / {result['p95'] / 1000:.1f} / "
          f"{result['p99'] / 1000:.1f} ms | {today} |")  # fmt: skip
    doubles = duplicates.count()
    print(f"| support rows / counter / people with two rows | {rows:,} / {counter:,} / {doubles} | {today} |")
    errors = result["5xx"]
    print(f"| 5xx answers / other non-200 | {errors} / {result['other']} | {today} |")
    assert counter == rows and not doubles and errors == 0, "counts drifted or the server failed"


def _wrk(url, script, tokens_file, seconds, connections, rng) -> list[str]:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-s", str(script), url, "--",
               str(tokens_file), str(rng.randint(1, 10**6))]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    print(output, file=sys.stderr)
    return [line for line in output.splitlines() if line.startswith("{")]


if __name__ == "__main__":
    main()
