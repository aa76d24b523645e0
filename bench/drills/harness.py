"""What every fault drill shares: a database and a Redis of its own, the portal's processes started and
always stopped, HTTP load, and a verdict printed with its figures (exit status 0 on PASS, 1 on FAIL).

A drill is one command (`python bench/drills/<drill>.py`); `make drills` runs them all. Each one:

1. drops and recreates its own PostgreSQL database (the name must contain "drill": this module refuses to
   drop anything else) as a copy of a migrated template database (`<name without its last part>_template`,
   kept between runs and rebuilt when a migration changes);
2. starts its own `redis-server` on a free loopback port, so that stopping or flushing it touches nobody else;
3. runs the portal's real processes (gunicorn, Celery worker, Celery beat) as their own process groups with
   `bench.drills.settings`, logs in a temporary directory that is printed on failure;
4. injects the fault, waits for recovery, and checks the criterion in the database and at the SMTP sink.

Every process started is stopped on the way out, on failure, Ctrl-C or SIGTERM alike.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]
if str(BASE) not in sys.path:
    sys.path.insert(0, str(BASE))

# The server the drills' databases are made on (`make drills` passes DRILLS_POSTGRES through).
POSTGRES_SERVER = os.environ.get("DRILLS_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
SECRET_KEY = "drill-only-secret-key-0123456789-0123456789-0123456789"  # noqa: S105 (loopback drills)
# Hourly per-account limits are not what is drilled: drill clients submit (and start drafts) far faster.
UNLIMITED_SUBMISSIONS = {f"{kind}_PER_ACCOUNT_PER_HOUR": "1000000" for kind in ("SUBMISSIONS", "DRAFTS")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def arguments(doc: str, name: str, *, people: int | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url",
        default=f"{POSTGRES_SERVER}/portal_drills_{name}",
        help="PostgreSQL database of the drill, dropped and created again (its name must contain 'drill')",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards, to look at it")
    parser.add_argument("--timeout", type=float, default=180, help="seconds recovery may take before FAIL")
    if people is not None:  # the load the drill puts on the portal: people, and the clients they use
        parser.add_argument("--people", type=int, default=people)
        parser.add_argument("--clients", type=int, default=6)
    return parser


# --- the drill's database ---------------------------------------------------------------------------------


def _admin_connection(database_url: str):
    """A connection to the server's `postgres` database, for CREATE/DROP DATABASE."""
    import psycopg

    url = urllib.parse.urlsplit(database_url)
    return psycopg.connect(
        host=url.hostname or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        dbname="postgres",
        autocommit=True,
    )


def database_name(database_url: str) -> str:
    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    if "drill" not in name:
        raise SystemExit(f"refusing to use database {name!r}: a drill drops its database, name it *drill*")
    return name


def terminate_backends(database_url: str, admin=None) -> int:
    """Ends every session on the drill's database (only that database), as a failover or a DBA would."""
    name = database_name(database_url)
    own = admin is None
    admin = admin or _admin_connection(database_url)
    try:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    finally:
        if own:
            admin.close()
    return sum(1 for (ended,) in rows if ended)


def _migrations_fingerprint() -> str:
    """Changes whenever a migration file does: the template database is rebuilt then."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(BASE.glob("*/**/migrations/*.py")):
        if ".venv" not in path.parts and "node_modules" not in path.parts:
            digest.update(str(path.relative_to(BASE)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _template_name(name: str) -> str:
    """`portal_drills_digests` → `portal_drills_template`: one migrated template for a family of drills."""
    return name.rsplit("_", 1)[0] + "_template"


def migrated_template(database_url: str, env: dict, admin=None) -> str:
    """The name of the migrated template database of the drill's family, made (or made again when a
    migration changed) on the drill's server: migrating an empty database costs some twenty seconds,
    copying one a second or two."""
    name = database_name(database_url)
    template = _template_name(name)
    fingerprint = _migrations_fingerprint()
    own = admin is None
    admin = admin or _admin_connection(database_url)
    try:
        admin.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])  # drills started side by side
        try:
            current = admin.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template]
            ).fetchone()
            if current is None or current[0] != fingerprint:
                admin.execute(f'DROP DATABASE IF EXISTS "{template}"')
                admin.execute(f'CREATE DATABASE "{template}"')
                template_url = urllib.parse.urlsplit(database_url)._replace(path=f"/{template}").geturl()
                subprocess.run(
                    [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
                    cwd=BASE, env={**env, "DATABASE_URL": template_url}, check=True,
                )  # fmt: skip
                admin.execute(f"COMMENT ON DATABASE \"{template}\" IS '{fingerprint}'")
        finally:
            admin.execute("SELECT pg_advisory_unlock(hashtext(%s))", [template])
    finally:
        if own:
            admin.close()
    return template


def recreate_database(database_url: str, env: dict) -> None:
    """Drops and creates the drill's database as a copy of the migrated template."""
    name = database_name(database_url)
    with _admin_connection(database_url) as admin:
        template = migrated_template(database_url, env, admin)
        admin.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])  # no migration while copying
        try:
            terminate_backends(database_url, admin)
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            admin.execute("SELECT pg_advisory_unlock(hashtext(%s))", [template])


def drop_database(database_url: str) -> None:
    name = database_name(database_url)
    with _admin_connection(database_url) as admin:
        terminate_backends(database_url, admin)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


# --- processes ----------------------------------------------------------------------------------------------


class Processes:
    """The processes a drill started, each its own process group (a SIGKILL takes its children too).

    `supervise(name)` restarts a process that exits by itself, as systemd's `Restart=always` or Kubernetes
    would in production; a process the drill stops on purpose is not restarted.
    """

    def __init__(self, logdir: Path, env: dict):
        self.logdir = logdir
        self.env = env
        self.running: dict[str, subprocess.Popen] = {}
        self.generation: dict[str, int] = {}
        self.restarts: dict[str, int] = {}
        self._commands: dict[str, tuple[list[str], dict | None]] = {}
        self._supervised: set[str] = set()
        self._lock = threading.RLock()
        self._closing = threading.Event()

    def start(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        with self._lock:
            self.generation[name] = self.generation.get(name, 0) + 1
            log = open(self.logdir / f"{name}.{self.generation[name]}.log", "wb")  # noqa: SIM115 (closed with the process)
            process = subprocess.Popen(
                command,
                cwd=BASE,
                env=env or self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            process.log = log
            self.running[name] = process
            self._commands[name] = (command, env)
            return process

    def supervise(self, name: str) -> None:
        with self._lock:
            if not self._supervised:
                threading.Thread(target=self._supervisor, daemon=True).start()
            self._supervised.add(name)

    def _supervisor(self) -> None:
        while not self._closing.wait(0.5):
            with self._lock:
                for name in self._supervised:
                    process = self.running.get(name)
                    if process is not None and process.poll() is not None:
                        process.log.close()
                        self.restarts[name] = self.restarts.get(name, 0) + 1
                        print(
                            f"{name} exited ({process.returncode}); restarted by the supervisor",
                            file=sys.stderr,
                        )
                        self.start(name, *self._commands[name])

    def stop(self, name: str, sig: int = signal.SIGTERM, grace: float = 15) -> None:
        """Sends `sig` to the process group; SIGKILL after `grace` seconds if it is still there."""
        with self._lock:  # taken from the supervisor's sight first: a stop on purpose is not a crash
            process = self.running.pop(name, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):  # children that outlived their parent
            os.killpg(process.pid, signal.SIGKILL)
        process.log.close()

    def stop_all(self) -> None:
        """At the end the verdict is in and the database is dropped next: nothing needs a graceful stop."""
        self._closing.set()
        for name in list(self.running):
            self.stop(name, signal.SIGKILL)

    # The portal's processes.

    def worker(self, name: str = "worker", concurrency: int = 2) -> subprocess.Popen:
        return self.start(
            name,
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "prefork",
             "-c", str(concurrency), "-n", f"{name}-{self.generation.get(name, 0) + 1}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
        )  # fmt: skip

    def beat(self) -> subprocess.Popen:
        return self.start(
            "beat",
            [sys.executable, "-m", "celery", "-A", "portal", "beat", "-l", "WARNING",
             "-s", str(self.logdir / "beat-schedule")],
        )  # fmt: skip

    def web(self, port: int, workers: int = 2) -> subprocess.Popen:
        process = self.start(
            "web",
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "--graceful-timeout", "5"],
        )  # fmt: skip
        if not wait_until(lambda: _answers(f"http://127.0.0.1:{port}/livez"), timeout=60):
            raise RuntimeError("the web process did not start (see web.*.log)")
        return process

    def redis(self, port: int) -> subprocess.Popen:
        """A Redis of the drill's own that keeps nothing on disk: a restart comes back empty."""
        process = self.start(
            "redis",
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        )
        from portal.core.redis_probe import redis_answers

        if not wait_until(lambda: redis_answers(f"redis://127.0.0.1:{port}/0"), timeout=20):
            raise RuntimeError("redis-server did not start (see redis.*.log)")
        return process


def _answers(url: str) -> bool:
    import requests

    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


# --- the verdict ----------------------------------------------------------------------------------------


@dataclass
class Verdict:
    """Figures measured and criteria checked; printed as a table and one JSON line for the tests."""

    drill: str
    figures: dict[str, object] = field(default_factory=dict)
    checks: list[tuple[str, bool]] = field(default_factory=list)

    def figure(self, name: str, value) -> None:
        self.figures[name] = value

    def check(self, criterion: str, passed: bool) -> bool:
        self.checks.append((criterion, bool(passed)))
        return bool(passed)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(passed for _criterion, passed in self.checks)

    def report(self) -> int:
        print(f"\n== {self.drill} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
        for name, value in self.figures.items():
            print(f"   {name}: {value}")
        for criterion, passed in self.checks:
            print(f"   [{'ok' if passed else 'FAILED'}] {criterion}")
        print(f"{'PASS' if self.passed else 'FAIL'}: {self.drill}")
        summary = {"drill": self.drill, "passed": self.passed, "figures": self.figures, "checks": self.checks}
        print("DRILL-RESULT " + json.dumps(summary, default=str))
        return 0 if self.passed else 1


# --- one drill's run ------------------------------------------------------------------------------------


class Drill(contextlib.AbstractContextManager):
    """Sets the drill up (database, Redis, environment, Django in this process) and tears it all down.

    `with Drill(args, "name", env={...}) as drill:`, then `drill.processes.worker()`,
    `drill.verdict.check(...)`.
    """

    def __init__(
        self, args: argparse.Namespace, name: str, env: dict | None = None, smtp_port: int | None = None
    ):
        self.args = args
        self.name = name
        self.verdict = Verdict(name)
        self.logdir = Path(tempfile.mkdtemp(prefix="drill-" + "-".join(name.split()) + "-"))
        self.redis_port = free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.drills.settings",
            "PYTHONPATH": str(BASE),
            "DATABASE_URL": args.database_url,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}" if smtp_port else "consolemail://",
            "LOG_LEVEL": "WARNING",
            # Every account of a drill submits from 127.0.0.1: the per-address limit is not what is drilled.
            **{f"{kind}_PER_ADDRESS_PER_HOUR": "1000000" for kind in ("SUBMISSIONS", "DRAFTS")},
            **(env or {}),
        }
        self.processes = Processes(self.logdir, self.env)
        self._previous_sigterm = None

    def __enter__(self) -> Drill:
        # SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so that __exit__ stops every process.
        self._previous_sigterm = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        began = time.monotonic()
        try:
            recreate_database(self.args.database_url, self.env)
            self.processes.redis(self.redis_port)
            os.environ.update(self.env)  # this process reads and writes the same database and broker
            import django

            django.setup()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        print(f"set up in {time.monotonic() - began:.1f} s (database, migrations, Redis)", file=sys.stderr)
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        began = time.monotonic()
        self.processes.stop_all()
        print(f"processes stopped in {time.monotonic() - began:.1f} s", file=sys.stderr)
        from django.db import connections

        connections.close_all()
        if exc_type is not None or not self.verdict.passed:
            print(f"logs of the drill's processes: {self.logdir}", file=sys.stderr)
        else:
            shutil.rmtree(self.logdir, ignore_errors=True)
        if not self.args.keep:
            drop_database(self.args.database_url)
        signal.signal(signal.SIGTERM, self._previous_sigterm or signal.SIG_DFL)

    def reconnect_database(self) -> None:
        """Closes this process's database connections (after the drill's own kills, or before a long wait):
        the next query opens a fresh one."""
        from django.db import connections

        connections.close_all()


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


# --- seeding ------------------------------------------------------------------------------------------


def seed_people(count: int, *, domain: str, verified: bool = False, tokens: bool = False) -> list:
    """`count` active accounts (English-speaking), optionally identity-verified and with an API token each.

    Returns the users; with `tokens`, each user carries its plain token as `.plain_token`.
    """
    from portal.accounts.models import ApiToken, IdentityVerification, User
    from portal.accounts.tokens import TOKEN_PREFIX, _hash

    users = User.objects.bulk_create(
        User(email=f"p{n}@{domain}", display_name=f"Person {n}", preferred_language="en")
        for n in range(count)
    )
    if verified:
        IdentityVerification.objects.bulk_create(
            IdentityVerification(user=user, method="staff", identity_hash=f"{domain}-{user.pk}")
            for user in users
        )
    if tokens:
        for user in users:
            user.plain_token = TOKEN_PREFIX + f"drill{user.pk:08d}" + "x" * 24
        ApiToken.objects.bulk_create(
            ApiToken(
                user=user, name="drill", token_hash=_hash(user.plain_token), prefix=user.plain_token[:10]
            )
            for user in users
        )
    return users


def open_consultation():
    """The demo consultation (intake open for weeks) and one published proposal in it."""
    from django.utils import timezone

    from portal.accounts.models import User
    from proposals.demo import seed_consultation
    from proposals.models import Proposal

    consultation = seed_consultation()
    author = User.objects.create(email="author@drill.invalid", display_name="Author", preferred_language="en")
    published = Proposal.objects.create(
        consultation=consultation, author=author, title="Published before the drill", summary="S.",
        body="Body.", language="en", status="published", published_at=timezone.now(),
    )  # fmt: skip
    return consultation, published


# --- HTTP load ------------------------------------------------------------------------------------------


@dataclass
class Answer:
    """One request of a load: its kind, HTTP status (0: no answer at all), when it was sent, and what it
    created (the proposal's id for a submission) or what it was about."""

    kind: str
    status: int
    sent_at: float
    detail: object = None


class Load:
    """`threads` clients in a loop, each calling `action(session, rng)` → Answer until stopped.

    Every client has its own `requests.Session` (keep-alive, like a browser) and its own random sequence.
    """

    def __init__(self, action: Callable, threads: int = 6, seed: int = 1):
        import random

        self.action = action
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._client, args=(random.Random(seed + n),), daemon=True)
            for n in range(threads)
        ]

    def _client(self, rng) -> None:
        import requests

        session = requests.Session()
        while not self._stop.is_set():
            answer = self.action(session, rng)
            with self._lock:
                self.answers.append(answer)

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


def request(session, kind: str, method: str, url: str, detail=None, **kwargs) -> Answer:
    """Sends one request; a refused or cut connection is status 0 (the client cannot know what happened)."""
    import requests

    sent_at = time.monotonic()
    try:
        response = session.request(method, url, timeout=30, **kwargs)
    except requests.RequestException:
        return Answer(kind, 0, sent_at, detail)
    if kind == "submit" and response.status_code == 201:
        detail = (detail, response.json()["id"])
    return Answer(kind, response.status_code, sent_at, detail)


def api_submission(base_url: str, people: list):
    """An action: a random person submits a proposal with a title of its own through the API."""
    import uuid

    def submit(session, rng) -> Answer:
        person = rng.choice(people)
        title = f"Drill proposal {uuid.uuid4().hex[:12]}"
        text = f"A proposal written during a fault drill by person {person.pk}, numbered {title[-12:]}."
        return request(
            session, "submit", "POST", f"{base_url}/api/v1/proposals", detail=title,
            json={"title": title, "summary": text, "body": text, "language": "en"},
            headers={"Authorization": f"Bearer {person.plain_token}"},
        )  # fmt: skip

    return submit


def page_read(base_url: str, published_id: int):
    """An action: a reader opens the proposal list or a proposal, as a browser or through the API."""
    paths = ["/en/proposals/", f"/en/proposals/{published_id}/", f"/api/v1/proposals/{published_id}"]

    def read(session, rng) -> Answer:
        return request(session, "read", "GET", base_url + rng.choice(paths))

    return read


def status_table(answers: list[Answer]) -> dict[str, dict[int, int]]:
    """{kind: {status: count}}, for the verdict's figures."""
    table: dict[str, dict[int, int]] = {}
    for answer in answers:
        by_status = table.setdefault(answer.kind, {})
        by_status[answer.status] = by_status.get(answer.status, 0) + 1
    return {kind: dict(sorted(by_status.items())) for kind, by_status in sorted(table.items())}


def screened_once(proposal_ids: list[int]) -> tuple[int, int]:
    """(proposals still unscreened, proposals that left `submitted` more than once) among `proposal_ids`."""
    from django.db.models import Count

    from proposals.models import Proposal, ProposalTransition

    unscreened = Proposal.objects.filter(pk__in=proposal_ids, status="submitted").count()
    twice = (
        ProposalTransition.objects.filter(proposal_id__in=proposal_ids, from_status="submitted")
        .values("proposal")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    return unscreened, twice
