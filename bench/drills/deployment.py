"""Drill: the production set of deploy/ on one machine, under load, with its parts failing one by one.

    python bench/drills/deployment.py [--quick]

Starts, each in a temporary directory and on free loopback ports: a PostgreSQL 15 primary (initdb, with
deploy/postgresql/primary.conf) and a streaming replica made from it with `pg_basebackup -R` (a second
cluster), PgBouncer in transaction mode (deploy/pgbouncer/pgbouncer.ini) in front of the primary, Redis,
and from the systemd units of deploy/systemd/ the web server (granian, `manage.py serve`), a Celery worker
and beat, all with the environment of deploy/env.example (DATABASE_POOLER=pgbouncer, the replica,
PORTAL_TRUSTED_PROXY_HOPS=1, X-Accel-Redirect), and nginx with deploy/nginx/qatysu.conf and a test
certificate. The machine's own PostgreSQL gives only the migrated schema (pg_dump of the drills' template).

Then, over HTTPS through nginx:

1. the citizen's journey: pages compressed, static files with a year's caching, sign in, one's own page,
   a submission and a support through the API, an attachment sent by nginx after the permission check;
2. anonymous reads (pages and API) counted on the replica, writes on the primary (pg_stat_database);
3. readers under load while the replica stops replaying (lag past DATABASE_REPLICA_MAX_LAG_SECONDS), then
   while it is stopped, then started again; then while PgBouncer is restarted; then while nginx reloads:
   no reader gets a 5xx, and writers retrying with their Idempotency-Key store each proposal exactly once;
4. API writes replayed with the same key: one row each;
5. a surge of concurrent readers past nginx's `limit_conn`: the excess is refused by nginx with 503 at
   once, the requests within the limit are served, the health probe always answers.

Prints PASS or FAIL with the figures (docs/RESILIENCE.md); `--quick` (CI, tests/resilience/) shortens
every phase. Every process started is stopped on the way out, also on failure, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import deployment_files as files
import harness
from deployment_clients import (
    CERTIFICATE,
    REFUSAL_MARK,
    SITE_CONNECTIONS,
    listening,
    make_reader,
    make_writer,
    status_of,
    trust,
)
from deployment_clusters import DATABASE, Clusters, load_schema

# The web processes name themselves to PostgreSQL (application_name=qatysu-web), so that each cluster's
# statement log tells their statements from the worker's, beat's and the drill's own.
PASSWORD = "drill-citizen-password-42"  # noqa: S105 (an account of the drill's own database)
# The web processes look at the replica every second and skip it beyond one second of lag.
MAX_LAG_SECONDS = 1


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short phases, for CI")
    parser.add_argument("--clients", type=int, default=6, help="concurrent readers during the failures")
    parser.add_argument("--surge", type=int, default=48, help="concurrent readers of the surge")
    parser.add_argument("--keep-logs", action="store_true", help="keep the logs directory also on PASS")
    return parser.parse_args()


# --- the drill ------------------------------------------------------------------------------------------


class DeploymentDrill(contextlib.AbstractContextManager):
    def __init__(self, args):
        self.args = args
        self.verdict = harness.Verdict("deployment: nginx, granian, Celery, PgBouncer, primary and replica")
        self.logdir = Path(tempfile.mkdtemp(prefix="drill-deployment-"))
        self.pg_root = files.postgres_directory("drill-deployment-pg-")
        self.clusters = Clusters(self.pg_root)
        self.redis_port = harness.free_port()
        self.pgbouncer_port = harness.free_port()
        self.web_port = harness.free_port()
        self.media_root = Path(tempfile.mkdtemp(prefix="drill-deployment-media-"))
        self.media_root.chmod(0o755)
        self.state = self.logdir / "state"
        self.state.mkdir()
        self.nginx_root = self.logdir / "nginx"
        self.nginx_root.mkdir()
        self.https_port = harness.free_port()
        self.base_url = f"https://localhost:{self.https_port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.drills.settings",
            "PYTHONPATH": str(harness.BASE),
            # deploy/env.example, on this machine's ports.
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pgbouncer_port}/{DATABASE}",
            "DATABASE_POOLER": "pgbouncer",
            "DATABASE_REPLICA_URL": self.clusters.url("replica"),
            "DATABASE_REPLICA_MAX_LAG_SECONDS": str(MAX_LAG_SECONDS),
            "DATABASE_REPLICA_CHECK_SECONDS": "1",
            "DATABASE_CONNECT_TIMEOUT": "2",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "SECRET_KEY": harness.SECRET_KEY,
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": self.base_url,
            "SITE_URL": self.base_url,
            "EMAIL_URL": "consolemail://",
            "LOG_LEVEL": "INFO",
            "PORTAL_TRUSTED_PROXY_HOPS": "1",
            "PORTAL_X_ACCEL_REDIRECT_PREFIX": "/protected-uploads/",
            "MEDIA_ROOT": str(self.media_root),
            "WEB_CONCURRENCY": "2",
            "WEB_THREADS": "4",
            "HOST": "127.0.0.1",
            "PORT": str(self.web_port),
            # Every request reaches the database: what is drilled is where reads go, not the page cache.
            "PAGE_CACHE_SECONDS": "0",
            # The portal's own queue budget (load shedding) is drilled by bench/surge.py; on a shared
            # 2-core machine it would refuse readers during the failures below for the machine's sake.
            # The surge phase shows nginx's refusal, which comes before it.
            "PORTAL_QUEUE_BUDGET_MS": "10000",
            "SUBMISSIONS_PER_ACCOUNT_PER_HOUR": "1000000",
            "SUBMISSIONS_PER_ADDRESS_PER_HOUR": "1000000",
            "DRAFTS_PER_ACCOUNT_PER_HOUR": "1000000",
            "DRAFTS_PER_ADDRESS_PER_HOUR": "1000000",
        }
        self.processes = harness.Processes(self.logdir, self.env)
        self.nginx: files.NginxLayout | None = None
        self._previous_sigterm = None

    def __enter__(self):
        self._previous_sigterm = signal.signal(signal.SIGTERM, harness._raise_keyboard_interrupt)
        try:
            self._start()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def _start(self) -> None:
        began = time.monotonic()

        def step(name: str) -> None:
            print(f"{time.monotonic() - began:6.1f} s  {name}", file=sys.stderr)

        self.clusters.start_primary()
        step("primary started")
        load_schema(self.clusters, self.env)
        step("schema loaded")
        self.start_pgbouncer()
        self.processes.redis(self.redis_port)
        # The portal's processes start while the replica is being made: until it answers, they read from
        # the primary (which is also what the first phase would show if the router failed open).
        self.start_unit("web", "qatysu-web.service")
        self.start_unit("worker", "qatysu-worker@.service")
        self.start_unit("beat", "qatysu-beat.service")
        self.clusters.make_replica()
        step("replica made and started")
        # This process seeds and checks the primary directly (not through the router or PgBouncer).
        os.environ.update({**self.env, "DATABASE_URL": self.clusters.url("primary"), "DATABASE_POOLER": ""})
        os.environ.pop("DATABASE_REPLICA_URL")
        import django

        django.setup()
        # /healthz: exempt from the HTTPS redirect, and it answers only once the database and broker do.
        if not harness.wait_until(lambda: harness._answers(f"http://127.0.0.1:{self.web_port}/healthz"), 60):
            raise RuntimeError("granian did not start (see web.*.log)")
        step("web, worker and beat started")
        self.start_nginx()
        self.verdict.figure("set up in (s)", round(time.monotonic() - began, 1))

    def start_unit(self, name: str, unit_name: str) -> None:
        unit = files.read_unit(unit_name, python=sys.executable, state_directory=self.state)
        command = unit.command
        if name == "worker":  # two processes are enough on a shared 2-core machine
            command = [
                part if not part.startswith("--concurrency=") else "--concurrency=2" for part in command
            ]
        env = {**self.env, **unit.environment}
        # Each kind of process names itself (PgBouncer passes the name on to the server session it lends).
        env["DATABASE_URL"] += f"?application_name=qatysu-{name}"
        env["DATABASE_REPLICA_URL"] += f"?application_name=qatysu-{name}"
        self.processes.start(name, command, env=env)
        self.processes.supervise(name)  # Restart=always

    def start_pgbouncer(self) -> None:
        ini = files.render_pgbouncer(
            self.pg_root, port=self.pgbouncer_port, primary=("127.0.0.1", self.clusters.primary_port),
            database=DATABASE,
        )  # fmt: skip
        self.processes.start("pgbouncer", files.pgbouncer_command(ini))
        if not harness.wait_until(lambda: listening(self.pgbouncer_port), 20):
            raise RuntimeError("pgbouncer did not start (see pgbouncer.*.log)")

    def start_nginx(self) -> None:
        certificate, key = files.make_certificate(self.logdir)
        CERTIFICATE.path = str(certificate)  # clients trust the drill's own certificate, and only it
        self.nginx = files.NginxLayout(
            root=self.nginx_root, http_port=harness.free_port(), https_port=self.https_port,
            web_port=self.web_port, static_root=harness.BASE / "static", media_root=self.media_root,
            certificate=certificate, key=key, site_connections=SITE_CONNECTIONS, per_address_limits=False,
        )  # fmt: skip
        files.render_nginx(self.nginx)
        for temp in (self.nginx_root / "temp").iterdir():
            temp.chmod(0o777)  # written by nginx's unprivileged workers
        self.processes.start("nginx", files.nginx_command(self.nginx))
        if not harness.wait_until(lambda: status_of(f"{self.base_url}/livez") == 200, 20):
            raise RuntimeError("nginx did not start (see nginx/error.log)")

    def __exit__(self, exc_type, exc, traceback) -> None:
        self.processes.stop_all()
        from django.db import connections

        with contextlib.suppress(Exception):
            connections.close_all()
        self.clusters.close()
        failed = exc_type is not None or not self.verdict.passed
        if failed or self.args.keep_logs:
            shutil.copytree(self.pg_root, self.logdir / "postgresql-logs",
                            ignore=shutil.ignore_patterns("primary", "replica", ".s.PGSQL*"))  # fmt: skip
            print(f"logs of the drill's processes: {self.logdir}", file=sys.stderr)
        else:
            shutil.rmtree(self.logdir, ignore_errors=True)
        shutil.rmtree(self.pg_root, ignore_errors=True)
        shutil.rmtree(self.media_root, ignore_errors=True)
        signal.signal(signal.SIGTERM, self._previous_sigterm or signal.SIG_DFL)


# --- the phases -----------------------------------------------------------------------------------------


def seed(drill: DeploymentDrill):
    from allauth.account.models import EmailAddress
    from django.core.files.base import ContentFile

    from portal.accounts.models import User
    from proposals.models import Attachment

    consultation, published = harness.open_consultation()
    people = harness.seed_people(40, domain="deployment.drill", verified=True, tokens=True)
    citizen = User.objects.create_user(email="walker@deployment.drill", password=PASSWORD,
                                       display_name="Walker", preferred_language="en",
                                       privacy_notice_version=1)  # fmt: skip
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)
    attachment = Attachment(proposal=published, original_name="budget.pdf", size=8)
    attachment.file.save("budget.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return published, people, citizen, attachment


def citizen_journey(drill: DeploymentDrill, published, people, attachment) -> None:
    import re

    import requests

    verdict, base = drill.verdict, drill.base_url
    session = requests.Session()
    trust(session)
    home = session.get(f"{base}/en/", headers={"Accept-Encoding": "gzip"}, timeout=10)
    verdict.check("the home page is served over HTTPS through nginx", home.status_code == 200)
    verdict.check("HTML leaves nginx compressed", home.headers.get("Content-Encoding") == "gzip")
    api = session.get(f"{base}/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"}, timeout=10)
    verdict.check("JSON leaves nginx compressed", api.headers.get("Content-Encoding") == "gzip")
    static = session.get(f"{base}/static/css/portal.css", timeout=10)
    verdict.check(
        "static files come from nginx with a year's caching",
        static.status_code == 200 and "max-age=31536000" in static.headers.get("Cache-Control", ""),
    )
    detail = session.get(f"{base}/en/proposals/{published.pk}/", timeout=10)
    verdict.check(
        "an anonymous reader opens a proposal", detail.status_code == 200 and published.title in detail.text
    )
    download = session.get(f"{base}/en/attachments/{attachment.pk}/", timeout=10)
    verdict.check(
        "an attachment is sent by nginx after the portal's check (X-Accel-Redirect)",
        download.status_code == 200
        and download.content == b"%PDF-1.4\n"
        and "X-Accel-Redirect" not in download.headers,
    )
    direct = session.get(f"{base}/protected-uploads/{attachment.file.name}", timeout=10)
    verdict.check("uploads cannot be fetched around the portal", direct.status_code == 404)

    login_page = session.get(f"{base}/en/accounts/login/", timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    signed_in = session.post(
        f"{base}/en/accounts/login/",
        data={"csrfmiddlewaretoken": token, "login": "walker@deployment.drill", "password": PASSWORD},
        headers={"Referer": f"{base}/en/accounts/login/", "Origin": base},
        timeout=10,
    )
    verdict.check(
        "the citizen signs in over HTTPS", signed_in.status_code == 200 and "Sign out" in signed_in.text
    )
    own = session.get(f"{base}/en/notifications/", timeout=10)
    verdict.check(
        "the signed-in citizen opens their notifications", own.status_code == 200 and "Walker" in own.text
    )

    person = people[0]
    auth = {"Authorization": f"Bearer {person.plain_token}"}
    text = "Local councils approve local budgets, after a public hearing."
    submitted = session.post(
        f"{base}/api/v1/proposals", json={"title": "Councils approve budgets", "summary": text, "body": text,
                                         "language": "en"},
        headers={**auth, "Idempotency-Key": str(uuid.uuid4())}, timeout=10,
    )  # fmt: skip
    supported = session.post(f"{base}/api/v1/proposals/{published.pk}/support", headers=auth, timeout=10)
    verdict.check(
        "a submission and a support through the API",
        submitted.status_code == 201 and supported.status_code == 200 and supported.json()["supported"],
    )


def reads_go_to_the_replica(drill: DeploymentDrill, published, people) -> None:
    """Counts the web processes' statements in each cluster's log while anonymous people read, then while
    API clients write."""
    import requests

    clusters, verdict = drill.clusters, drill.verdict
    wait_for_replica(drill)
    paths = ["/en/proposals/", f"/en/proposals/{published.pk}/", f"/api/v1/proposals/{published.pk}",
             "/api/v1/proposals"]  # fmt: skip
    reads, writes = 40, 10
    session = trust(requests.Session())
    marks = clusters.log_size("primary"), clusters.log_size("replica")
    statuses = [session.get(drill.base_url + paths[n % 4], timeout=10).status_code for n in range(reads)]
    time.sleep(0.5)  # the servers' log lines are written as the statements run; let the last ones land
    on_primary, on_replica = (
        clusters.web_statements("primary", marks[0]),
        clusters.web_statements("replica", marks[1]),
    )
    verdict.figure(
        f"web statements during {reads} anonymous reads (primary / replica)", f"{on_primary} / {on_replica}"
    )
    verdict.check("anonymous reads are answered", statuses.count(200) == reads)
    if on_primary:
        verdict.figure(
            "first web statements on the primary", clusters.web_statement_lines("primary", marks[0])[:8]
        )
    verdict.check(
        "anonymous reads go to the replica, none to the primary", on_replica >= reads and on_primary == 0
    )

    marks = clusters.log_size("primary"), clusters.log_size("replica")
    for person in people[1 : writes + 1]:
        session.post(f"{drill.base_url}/api/v1/proposals/{published.pk}/support",
                     headers={"Authorization": f"Bearer {person.plain_token}"}, timeout=10)  # fmt: skip
    time.sleep(0.5)
    inserts = clusters.web_statements("primary", marks[0], 'INSERT INTO "proposals_support"')
    on_replica = clusters.web_statements("replica", marks[1], "proposals_support")
    verdict.figure(f"support inserts by the web during {writes} API supports (primary / replica)",
                   f"{inserts} / {on_replica}")  # fmt: skip
    verdict.check("writes go to the primary", inserts == writes and on_replica == 0)
    in_recovery = clusters.sql("replica", "SELECT pg_is_in_recovery()")[0][0]
    verdict.check("the replica is a streaming standby (it cannot take a write)", in_recovery is True)


def wait_for_replica(drill: DeploymentDrill) -> None:
    """Until the replica has replayed everything and the web processes have had time to look at it again."""
    harness.wait_until(drill.clusters.caught_up, 60)
    time.sleep(1.5)


def fault(drill: DeploymentDrill, name: str, published, people, inject, recover, seconds: float) -> dict:
    """Readers (and a writer) under load while `inject()` … `recover()` happens; returns the table."""
    keys: list[str] = []
    reader, writer = make_reader(drill.base_url, published.pk), make_writer(drill.base_url, people, keys)
    actions = [reader] * 4 + [writer]
    with harness.Load(lambda session, rng: rng.choice(actions)(session, rng), drill.args.clients) as load:
        time.sleep(seconds / 3)
        inject()
        time.sleep(seconds / 3)
        recover()
        time.sleep(seconds / 3)
    reads = [a for a in load.answers if a.kind == "read"]
    table = harness.status_table(load.answers)
    drill.verdict.figure(f"{name}: answers (kind: {{status: count}})", table)
    drill.verdict.check(f"{name}: readers were served throughout", len(reads) > 0)
    drill.verdict.check(
        f"{name}: no reader got a 5xx or no answer", all(200 <= a.status < 500 for a in reads)
    )
    from django.db.models import Count

    from proposals.models import Proposal

    titles = [f"Drill {key[:12]}" for key in keys]
    stored = dict(Proposal.objects.filter(title__in=titles).values_list("title").annotate(n=Count("id")))
    drill.verdict.check(
        f"{name}: every write answered is stored exactly once ({len(keys)} writes)",
        len(stored) == len(keys) and all(n == 1 for n in stored.values()),
    )
    return table


def failures(drill: DeploymentDrill, published, people, seconds: float) -> None:
    clusters = drill.clusters

    from proposals.models import Proposal

    def pause_replay():
        clusters.sql("replica", "SELECT pg_wal_replay_pause()")
        Proposal.objects.filter(pk=published.pk).update(title="Corrected while the replica lagged")
        # The web processes notice the lag within their next look (1 s) once it passes 1 s.
        time.sleep(MAX_LAG_SECONDS + 2)
        title = _api_title(drill, published.pk)
        drill.verdict.check("while the replica lags, anonymous readers get the primary's data",
                            title == "Corrected while the replica lagged")  # fmt: skip

    def resume_replay():
        lag = clusters.sql("replica", "SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())")[
            0
        ][0]
        drill.verdict.figure("replica lag when replay resumed (s)", round(float(lag or 0), 1))
        clusters.sql("replica", "SELECT pg_wal_replay_resume()")

    fault(
        drill,
        "replica lagging",
        published,
        people,
        pause_replay,
        resume_replay,
        seconds + 2 * MAX_LAG_SECONDS,
    )

    fault(drill, "replica down", published, people, lambda: clusters.stop("replica", "immediate"),
          lambda: clusters.start("replica"), seconds)  # fmt: skip
    # The next faults are each on their own: the replica serves the readers again first.
    wait_for_replica(drill)

    def restart_pgbouncer():
        drill.processes.stop("pgbouncer", signal.SIGINT, grace=10)
        drill.start_pgbouncer()

    fault(drill, "PgBouncer restarted", published, people, restart_pgbouncer, lambda: None, seconds)

    def reload_nginx():
        subprocess.run(files.nginx_command(drill.nginx, "-s", "reload"), check=True, capture_output=True)

    fault(drill, "nginx reloaded", published, people, reload_nginx, reload_nginx, seconds)


def idempotent_replays(drill: DeploymentDrill, people) -> None:
    import requests

    from proposals.models import Proposal

    session = requests.Session()
    trust(session)
    keys, statuses, ids = [str(uuid.uuid4()) for _ in range(5)], [], set()
    for n, key in enumerate(keys):
        person = people[n % len(people)]
        payload = {"title": f"Replayed {key[:12]}", "summary": "Sent five times.", "body": "Same key.",
                   "language": "en"}  # fmt: skip
        headers = {"Authorization": f"Bearer {person.plain_token}", "Idempotency-Key": key}
        for _attempt in range(5):
            answer = session.post(
                f"{drill.base_url}/api/v1/proposals", json=payload, headers=headers, timeout=10
            )
            statuses.append(answer.status_code)
            ids.add(answer.json()["id"])
    rows = Proposal.objects.filter(title__in=[f"Replayed {key[:12]}" for key in keys]).count()
    drill.verdict.figure("API writes sent 5 times each with one key: answers, distinct ids, rows",
                         f"{len(statuses)}, {len(ids)}, {rows}")  # fmt: skip
    drill.verdict.check(
        "each replayed write is one row, every answer the first",
        rows == len(keys) == len(ids) and set(statuses) == {201},
    )


def surge(drill: DeploymentDrill, published, seconds: float) -> None:
    import requests

    stop = threading.Event()
    answers: list[tuple[int, float, bool]] = []
    probes: list[int] = []
    lock = threading.Lock()
    url = f"{drill.base_url}/en/proposals/?ordering=-supports"

    def reader():
        session = requests.Session()
        trust(session)
        while not stop.is_set():
            began = time.monotonic()
            try:
                response = session.get(url, timeout=30)
                status, by_nginx = response.status_code, REFUSAL_MARK in response.text[:600]
            except requests.RequestException:
                status, by_nginx = 0, False
            with lock:
                answers.append((status, time.monotonic() - began, by_nginx))

    threads = [threading.Thread(target=reader, daemon=True) for _ in range(drill.args.surge)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        probes.append(status_of(f"{drill.base_url}/healthz"))
        time.sleep(0.25)
    stop.set()
    for thread in threads:
        thread.join(40)
    served = [seconds_ for status, seconds_, _ in answers if status == 200]
    refused = [seconds_ for status, seconds_, by_nginx in answers if status == 503 and by_nginx]
    other = [
        status
        for status, _, by_nginx in answers
        if status not in (200, 503) or (status == 503 and not by_nginx)
    ]
    drill.verdict.figure(
        f"surge of {drill.args.surge} readers for {seconds:.0f} s, nginx limit {SITE_CONNECTIONS} in flight",
        f"{len(served)} served ({len(served) / seconds:.1f}/s, median {_ms(served)}), "
        f"{len(refused)} refused by nginx (median {_ms(refused)}), {len(other)} other",
    )
    drill.verdict.check("nginx refused the excess with 503", len(refused) > 0)
    drill.verdict.check("the workers kept serving during the surge", len(served) > 0)
    drill.verdict.check("a refusal by nginx is immediate (median under 100 ms)",
                        bool(refused) and statistics.median(refused) < 0.1)  # fmt: skip
    drill.verdict.check("the health probe answered throughout", probes and all(s == 200 for s in probes))


def _api_title(drill: DeploymentDrill, pk: int) -> str | None:
    import requests

    response = trust(requests.Session()).get(f"{drill.base_url}/api/v1/proposals/{pk}", timeout=10)
    return response.json().get("title") if response.status_code == 200 else None


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms" if values else "-"


def main() -> int:
    args = arguments()
    seconds = 3 if args.quick else 12
    with DeploymentDrill(args) as drill:
        published, people, _citizen, attachment = seed(drill)
        citizen_journey(drill, published, people, attachment)
        reads_go_to_the_replica(drill, published, people)
        failures(drill, published, people, seconds)
        idempotent_replays(drill, people)
        surge(drill, published, 4 if args.quick else 15)
        return drill.verdict.report()


if __name__ == "__main__":
    sys.exit(main())
