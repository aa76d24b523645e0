"""The operator's files of deploy/, rendered for one machine's temporary directory: other ports, paths and a
test certificate, everything else exactly as shipped.

Used by the deployment drill (bench/drills/deployment.py) and its tests (tests/portal/test_deploy.py). Each
substitution names the exact text it replaces and fails when that text is no longer in the shipped file, so
a change of deploy/ cannot leave the drill proving an older configuration.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]
DEPLOY = BASE / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


def substitute(text: str, replacements: dict[str, str], source: str) -> str:
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"{source} no longer contains {old!r}: update bench/drills/deployment_files.py")
        text = text.replace(old, new)
    return text


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1 (openssl), valid two days."""
    certificate, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


@dataclass
class NginxLayout:
    """Where the rendered nginx listens and finds things; `site_connections` is the shipped
    `limit_conn qatysu_site` (a drill lowers it to what its two small web processes can take)."""

    root: Path
    http_port: int
    https_port: int
    web_port: int
    static_root: Path
    media_root: Path
    certificate: Path
    key: Path
    site_connections: int | None = None
    # A drill's clients all come from 127.0.0.1: the per-address limits would refuse them as one person.
    per_address_limits: bool = True
    extra_http: list[str] = field(default_factory=list)

    @property
    def main_config(self) -> Path:
        return self.root / "nginx.conf"


def render_nginx(layout: NginxLayout) -> Path:
    """Writes the site (deploy/nginx/qatysu.conf), its proxy snippet and a main nginx.conf that includes
    them into `layout.root`; returns the main file (for `nginx -c`)."""
    root = layout.root
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (root / "temp" / temp).mkdir(parents=True, exist_ok=True)
    snippet = root / "qatysu-proxy.conf"
    shutil.copyfile(DEPLOY / "nginx" / "qatysu-proxy.conf", snippet)
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{layout.http_port};",
        "listen [::]:80;\n": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{layout.https_port} ssl http2;",
        "listen [::]:443 ssl http2;\n": "",
        "listen 80 default_server;": f"listen 127.0.0.1:{layout.http_port} default_server;",
        "listen [::]:80 default_server;\n": "",
        "listen 443 ssl http2 default_server;": (
            f"listen 127.0.0.1:{layout.https_port} ssl http2 default_server;"
        ),
        "listen [::]:443 ssl http2 default_server;\n": "",
        # The site answers for the names the drills and tests ask by; any other is closed, as in production.
        "server_name qatysu.example.kz;": "server_name qatysu.example.kz localhost 127.0.0.1;",
        "server 127.0.0.1:8000 ": f"server 127.0.0.1:{layout.web_port} ",
        "/etc/qatysu/tls/fullchain.pem": str(layout.certificate),
        "/etc/qatysu/tls/privkey.pem": str(layout.key),
        "/srv/qatysu/staticfiles/": f"{layout.static_root}/",
        "/srv/qatysu/media/": f"{layout.media_root}/",
        "include snippets/qatysu-proxy.conf;": f"include {snippet};",
        "/var/log/nginx/qatysu-access.log": str(root / "access.log"),
    }
    if not layout.per_address_limits:
        replacements["rate=30r/s;"] = "rate=100000r/s;"
        replacements["limit_conn qatysu_address 64;"] = "limit_conn qatysu_address 60000;"
    if layout.site_connections is not None:
        replacements["limit_conn qatysu_site 512;"] = f"limit_conn qatysu_site {layout.site_connections};"
    site = root / "qatysu.conf"
    site.write_text(substitute((DEPLOY / "nginx" / "qatysu.conf").read_text(), replacements, "qatysu.conf"))
    temp = root / "temp"
    layout.main_config.write_text(
        "\n".join(
            [
                "daemon off;",
                "worker_processes 1;",
                f"pid {root / 'nginx.pid'};",
                f"error_log {root / 'error.log'} warn;",
                "events { worker_connections 4096; }",
                "http {",
                "    include /etc/nginx/mime.types;",
                "    default_type application/octet-stream;",
                f"    access_log {root / 'access.log'};",
                f"    client_body_temp_path {temp / 'body'};",
                f"    proxy_temp_path {temp / 'proxy'};",
                f"    fastcgi_temp_path {temp / 'fastcgi'};",
                f"    uwsgi_temp_path {temp / 'uwsgi'};",
                f"    scgi_temp_path {temp / 'scgi'};",
                *layout.extra_http,
                f"    include {site};",
                "}",
                "",
            ]
        )
    )
    return layout.main_config


def nginx_command(layout: NginxLayout, *arguments: str) -> list[str]:
    root = layout.root
    return [NGINX, "-p", str(root), "-e", str(root / "error.log"), "-c", str(layout.main_config), *arguments]


@dataclass
class Unit:
    """What a systemd unit of deploy/systemd/ runs: its command, directory and extra environment."""

    command: list[str]
    working_directory: Path
    environment: dict[str, str]


def read_unit(name: str, *, python: str, state_directory: Path, instance: str = "1") -> Unit:
    """The unit's ExecStart (with /srv/qatysu the checkout and its venv's python `python`),
    WorkingDirectory and Environment= lines; EnvironmentFile= is the caller's environment."""
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    replacements = {"/srv/qatysu/.venv/bin/python": python, "/srv/qatysu": str(BASE),
                    "/var/lib/qatysu": str(state_directory)}  # fmt: skip

    def rendered(text: str) -> str:
        for old, new in replacements.items():
            text = text.replace(old, new)
        return text.replace("%i", instance).replace("%%", "%")

    (exec_start,) = values["ExecStart"]
    environment = dict(
        part.split("=", 1) for line in values.get("Environment", []) for part in shlex.split(line)
    )
    return Unit(
        command=shlex.split(rendered(exec_start)),
        working_directory=Path(rendered(values["WorkingDirectory"][0])),
        environment=environment,
    )


def render_pgbouncer(root: Path, *, port: int, primary: tuple[str, int], database: str) -> Path:
    """deploy/pgbouncer/pgbouncer.ini for `database` on the given servers, listening on `port`, trusting
    loopback clients (the drill's clusters trust them too)."""
    userlist = root / "userlist.txt"
    userlist.write_text('"postgres" ""\n')
    text = substitute(
        (DEPLOY / "pgbouncer" / "pgbouncer.ini").read_text(),
        {
            "qatysu = host=10.0.0.10 port=5432 dbname=qatysu": (
                f"{database} = host={primary[0]} port={primary[1]} dbname={database}"
            ),
            "listen_port = 6432": f"listen_port = {port}",
            "unix_socket_dir = /var/run/postgresql": f"unix_socket_dir = {root}",
            "auth_type = scram-sha-256": "auth_type = trust",
            "auth_file = /etc/pgbouncer/userlist.txt": f"auth_file = {userlist}",
            "logfile = /var/log/postgresql/pgbouncer.log": f"logfile = {root / 'pgbouncer.log'}",
            "pidfile = /var/run/postgresql/pgbouncer.pid": f"pidfile = {root / 'pgbouncer.pid'}",
        },
        "pgbouncer.ini",
    )
    ini = root / "pgbouncer.ini"
    ini.write_text(text)
    return ini


def running_as_root() -> bool:
    return os.geteuid() == 0


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL and PgBouncer refuse to run as root (CI containers run as root): run them as the
    `postgres` account then."""
    return ["runuser", "-u", "postgres", "--", *command] if running_as_root() else command


def postgres_directory(prefix: str) -> Path:
    """A new temporary directory the programs run by `as_postgres` can reach and write in (the caller
    removes it)."""
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    if running_as_root():
        shutil.chown(directory, "postgres", "postgres")
    return directory


def pgbouncer_command(ini: Path) -> list[str]:
    return as_postgres([PGBOUNCER, str(ini)])
