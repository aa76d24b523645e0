"""The deployment drill's PostgreSQL: a primary and its streaming replica in a temporary directory, and the
migrated schema loaded into the primary (see bench/drills/deployment.py)."""

from __future__ import annotations

import contextlib
import re
import subprocess
from pathlib import Path

import deployment_files as files
import harness

DATABASE = "portal_drills_deployment"


class Clusters:
    """A primary and its streaming replica, run as the `postgres` account in a temporary directory."""

    def __init__(self, root: Path):
        self.root = root
        self.primary_port = harness.free_port()
        self.replica_port = harness.free_port()
        self.primary_dir = root / "primary"
        self.replica_dir = root / "replica"

    def _run(self, *command: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(files.as_postgres(list(command)), check=True, capture_output=True, **kwargs)

    def _bin(self, name: str) -> str:
        return str(files.POSTGRES_BIN / name)

    def start_primary(self) -> None:
        self._run(self._bin("initdb"), "-D", str(self.primary_dir), "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        shipped = files.DEPLOY / "postgresql" / "primary.conf"
        with open(self.primary_dir / "postgresql.conf", "a") as conf:
            conf.write(f"\n# deploy/postgresql/primary.conf as shipped\n{shipped.read_text()}\n")
            # One machine for everything: small memory, loopback only, this drill's port and socket.
            conf.write(
                "listen_addresses = '127.0.0.1'\nshared_buffers = 128MB\neffective_cache_size = 512MB\n"
                f"max_connections = 120\nport = {self.primary_port}\n"
                f"unix_socket_directories = '{self.root}'\nfsync = off\n"
                "wal_keep_size = 256MB\nlog_statement = 'all'\nlog_line_prefix = '%m [%a] '\n"
            )
        self.start("primary")

    def make_replica(self) -> None:
        self._run(self._bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary_port),
                  "-U", "postgres", "-D", str(self.replica_dir), "-R", "-X", "stream", "-C", "-c", "fast",
                  "-S", "drill_replica")  # fmt: skip
        with open(self.replica_dir / "postgresql.auto.conf", "a") as conf:
            conf.write(f"port = {self.replica_port}\n")
        self.start("replica")

    def start(self, which: str) -> None:
        directory = self.primary_dir if which == "primary" else self.replica_dir
        self._run(self._bin("pg_ctl"), "-D", str(directory), "-l", str(self.root / f"{which}.log"), "-w",
                  "-t", "60", "start")  # fmt: skip

    def stop(self, which: str, mode: str = "fast") -> None:
        directory = self.primary_dir if which == "primary" else self.replica_dir
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(self._bin("pg_ctl"), "-D", str(directory), "-m", mode, "-w", "stop")

    def url(self, which: str, database: str = DATABASE) -> str:
        port = self.primary_port if which == "primary" else self.replica_port
        return f"postgres://postgres@127.0.0.1:{port}/{database}"

    def sql(self, which: str, statement: str, database: str = DATABASE):
        import psycopg

        port = self.primary_port if which == "primary" else self.replica_port
        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=database,
                             autocommit=True, connect_timeout=5) as conn:  # fmt: skip
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def log_size(self, which: str) -> int:
        return (self.root / f"{which}.log").stat().st_size

    def web_statements(self, which: str, since: int, containing: str = "") -> int:
        """Statements the web processes sent to that server since its log had `since` bytes."""
        return len(self.web_statement_lines(which, since, containing))

    def web_statement_lines(self, which: str, since: int, containing: str = "") -> list[str]:
        marker, text = b"[qatysu-web] LOG:  statement:", containing.encode()
        with open(self.root / f"{which}.log", "rb") as log:
            log.seek(since)
            # PgBouncer's own SET of the next client's application_name is logged under the previous one.
            return [
                entry.decode(errors="replace")[:160]
                for entry in _log_entries(log)
                if marker in entry and text in entry and b"SET application_name=" not in entry
            ]

    def caught_up(self) -> bool:
        """The replica answers and has replayed everything the primary wrote."""
        try:
            (current,) = self.sql("primary", "SELECT pg_current_wal_lsn()::text")[0]
            (replayed,) = self.sql("replica", f"SELECT pg_last_wal_replay_lsn() >= '{current}'::pg_lsn")[0]  # noqa: S608
        except Exception:  # noqa: BLE001 (starting up: any error means not yet)
            return False
        return bool(replayed)

    def close(self) -> None:
        self.stop("replica", "immediate")
        self.stop("primary", "immediate")


def load_schema(clusters: Clusters, env: dict) -> None:
    """The migrated schema of the drills' template database (on the machine's PostgreSQL), into the new
    primary."""
    migrate_env = {k: v for k, v in env.items() if k not in ("DATABASE_REPLICA_URL", "DATABASE_POOLER")}
    template = harness.migrated_template(f"{harness.POSTGRES_SERVER}/{DATABASE}", migrate_env)
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--no-acl", f"{harness.POSTGRES_SERVER}/{template}"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    clusters.sql("primary", f'CREATE DATABASE "{DATABASE}"', database="postgres")
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", clusters.url("primary")], input=dump, check=True,
        capture_output=True,
    )  # fmt: skip


# A log entry starts with the timestamp of `log_line_prefix`; a statement written on several lines (a `WITH`
# whose INSERT is on its second line) goes on without it.
_ENTRY_START = re.compile(rb"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def _log_entries(log) -> list[bytes]:
    entries: list[bytes] = []
    for line in log:
        if _ENTRY_START.match(line) or not entries:
            entries.append(line)
        else:
            entries[-1] += line
    return entries
