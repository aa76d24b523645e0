"""The operator's files (deploy/): nginx accepts the shipped site, the units supervise every process from one
environment file, uploads leave through nginx after the permission check, and the portal works through a
real PgBouncer in transaction mode with the settings DATABASE_POOLER=pgbouncer turns on (and fails without
them). The whole set running together is the deployment drill's (tests/resilience/test_drills.py)."""

import http.server
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.core.files.base import ContentFile
from django.db import connection

from bench.drills import deployment_files
from proposals.models import Attachment
from tests.proposals.factories import ProposalFactory
from tests.services import database_url_for_subprocesses, missing
from tests.smtp_sink import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
UNITS = ("qatysu-web.service", "qatysu-worker@.service", "qatysu-beat.service")


def _nginx_layout(tmp_path: Path) -> deployment_files.NginxLayout:
    if not Path(deployment_files.NGINX).exists():
        missing("nginx is not installed (apt-get install nginx-light)")
    certificate, key = deployment_files.make_certificate(tmp_path)
    return deployment_files.NginxLayout(
        root=tmp_path / "nginx",
        http_port=free_port(),
        https_port=free_port(),
        web_port=free_port(),
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
        certificate=certificate,
        key=key,
    )


def test_nginx_accepts_the_shipped_site_with_a_test_certificate(tmp_path):
    layout = _nginx_layout(tmp_path)
    deployment_files.render_nginx(layout)
    result = subprocess.run(deployment_files.nginx_command(layout, "-t"), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_nginx_refuses_a_broken_site(tmp_path):
    """The check above can fail: a directive nginx does not know is refused."""
    layout = _nginx_layout(tmp_path)
    site = deployment_files.render_nginx(layout).parent / "qatysu.conf"
    site.write_text(site.read_text().replace("gzip on;", "gzip on; gzip_everything yes;"))
    result = subprocess.run(deployment_files.nginx_command(layout, "-t"), capture_output=True, text=True)
    assert result.returncode != 0
    assert "gzip_everything" in result.stderr


def test_the_nginx_site_does_what_the_portal_relies_on():
    site = (BASE_DIR / "deploy" / "nginx" / "qatysu.conf").read_text()
    proxy = (BASE_DIR / "deploy" / "nginx" / "qatysu-proxy.conf").read_text()
    assert 'proxy_set_header X-Request-Start "t=${msec}";' in proxy
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxy
    # One hop that replaces the header: PORTAL_TRUSTED_PROXY_HOPS=1 in deploy/env.example.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in proxy
    assert "PORTAL_TRUSTED_PROXY_HOPS=1" in (BASE_DIR / "deploy" / "env.example").read_text()
    assert re.search(r"gzip_types[^;]*application/json", site)
    # Sitemap sections of 50,000 addresses and the feeds leave compressed too.
    assert re.search(r"gzip_types[^;]*application/xml[^;]*application/atom\+xml", site)
    assert re.search(r"location /protected-uploads/ \{\s*internal;", site)
    assert "limit_conn_status 503;" in site and "limit_req_status 429;" in site


def test_client_max_body_size_matches_the_upload_limit(settings):
    site = (BASE_DIR / "deploy" / "nginx" / "qatysu.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    allowed = megabytes * 1024 * 1024
    # The proposal form sends all its attachments at once ("Up to 5 PDF files of at most 10 MB each"): room
    # for all of them and the form around them, not for much more.
    largest = settings.PROPOSAL_MAX_ATTACHMENTS * settings.PROPOSAL_ATTACHMENT_MAX_BYTES
    assert largest < allowed <= largest + 2**21


class _RecordingUpstream(http.server.BaseHTTPRequestHandler):
    """Stands in for the web processes: answers 200 and keeps the headers nginx passed on."""

    seen: list[dict[str, str]] = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        while length > 0:
            length -= len(self.rfile.read(min(length, 1 << 20)))
        type(self).seen.append(dict(self.headers.items()))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = _answer  # noqa: N815 (http.server's names)


class _SlowUpstream(_RecordingUpstream):
    """Keeps each request in flight for a second, so that a second one meets nginx's limit_conn."""

    def _answer(self):
        time.sleep(1)
        super()._answer()

    do_GET = do_POST = _answer  # noqa: N815 (http.server's names)

    def log_message(self, *args):
        pass


@pytest.fixture
def nginx_in_front(tmp_path):
    """The shipped site, served by a real nginx in front of a recording upstream."""
    yield from _serve_through_nginx(tmp_path)


def _serve_through_nginx(
    tmp_path, limits: dict[str, str] | None = None, upstream_class=_RecordingUpstream, extra_http=()
):
    """`limits`: texts of the rendered site replaced by others (a rate a test can reach), each required."""
    layout = _nginx_layout(tmp_path)
    layout.extra_http.extend(extra_http)
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", layout.web_port), upstream_class)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    _RecordingUpstream.seen = []
    # Bodies kept in memory: as root, nginx's workers run as nobody, who cannot write under pytest's tmp_path.
    layout.extra_http.append("client_body_buffer_size 64m;")
    site = deployment_files.render_nginx(layout).parent / "qatysu.conf"
    site.write_text(deployment_files.substitute(site.read_text(), limits or {}, "qatysu.conf"))
    nginx = subprocess.Popen(deployment_files.nginx_command(layout), stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not _listening(layout.https_port) and time.monotonic() < deadline:
            time.sleep(0.05)
        yield layout
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        upstream.shutdown()


def _https(layout, path: str, **options):
    return requests.request(
        options.pop("method", "GET"), f"https://localhost:{layout.https_port}{path}", verify=str(layout.certificate),
        timeout=30, **options,
    )  # fmt: skip


def test_nginx_replaces_a_forwarded_for_sent_from_outside(nginx_in_front):
    layout = nginx_in_front
    spoofed = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "http"}
    assert _https(layout, "/en/proposals/", headers=spoofed).status_code == 200
    probe = requests.get(f"http://127.0.0.1:{layout.http_port}/healthz", headers=spoofed, timeout=30)
    assert probe.status_code == 200
    page, health = _RecordingUpstream.seen
    # PORTAL_TRUSTED_PROXY_HOPS=1 reads the last entry: the address nginx saw, never the client's claim.
    assert page["X-Forwarded-For"] == "127.0.0.1" and page["X-Forwarded-Proto"] == "https"
    assert health["X-Forwarded-For"] == "127.0.0.1" and health["X-Forwarded-Proto"] == "http"
    assert page["X-Request-Start"].startswith("t=")


def test_nginx_closes_a_request_for_another_host_name_before_the_portal_sees_it(nginx_in_front):
    """A scanner names the IP address or a made-up host: nginx's default server closes the connection without
    an answer (444), over HTTP and over HTTPS, so the portal never refuses it with a 400 and an error line."""
    layout = nginx_in_front
    with pytest.raises(requests.ConnectionError):
        requests.get(
            f"http://127.0.0.1:{layout.http_port}/healthz", headers={"Host": "evil.example"}, timeout=30
        )
    with pytest.raises(requests.ConnectionError):
        _https(layout, "/en/proposals/", headers={"Host": "evil.example"})
    assert _RecordingUpstream.seen == []
    # The site's own names still reach it.
    assert _https(layout, "/en/proposals/").status_code == 200
    assert len(_RecordingUpstream.seen) == 1


def test_nginx_logs_no_query_string_and_no_key_of_a_link(nginx_in_front):
    layout = nginx_in_front
    _https(layout, "/en/proposals/?q=Aigerim+aigerim@example.kz&iin=900101300123")
    _https(layout, "/kk/accounts/password/reset/key/1-c9xk2a-0d3e6f5b7a9c1e2f4a6b8c0d2e4f6a8b/")
    _https(layout, "/notifications/unsubscribe/eyJ1IjozfQ:1xaW59:IKQ6ISYS5u1sd-Yn3As/")
    _https(layout, "/ru/accounts/privacy/export/download/Zq8s7Vd0kLr3TmPx9Wc2/")
    _https(layout, "/en/accounts/invitations/Hb6Jf1Ga4Ue7Is0Od3/")
    nginx_in_front_log = (layout.root / "access.log").read_text()
    assert "GET /en/proposals/ HTTP/" in nginx_in_front_log
    assert "/kk/accounts/password/reset/key/[token]" in nginx_in_front_log
    assert "/notifications/unsubscribe/[token]" in nginx_in_front_log
    assert "/ru/accounts/privacy/export/download/[token]" in nginx_in_front_log
    for secret in ("aigerim", "900101300123", "c9xk2a", "eyJ1IjozfQ", "Zq8s7Vd0", "Hb6Jf1Ga", "?"):
        assert secret not in nginx_in_front_log


def test_nginx_lets_the_whole_proposal_form_through_and_refuses_more_with_a_page(nginx_in_front, settings):
    layout = nginx_in_front
    form = settings.PROPOSAL_MAX_ATTACHMENTS * settings.PROPOSAL_ATTACHMENT_MAX_BYTES + 100_000
    assert _https(layout, "/en/proposals/new/", method="POST", data=b"x" * form).status_code == 200
    refused = _https(layout, "/en/proposals/new/", method="POST", data=b"x" * (60 * 2**20))
    assert refused.status_code == 413
    assert "10 MB" in refused.text and 'lang="kk"' in refused.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in refused.text


@pytest.fixture
def nginx_with_a_low_rate(tmp_path):
    """The shipped site with a per-address rate a test reaches in three requests: one a minute, one more at once."""
    yield from _serve_through_nginx(
        tmp_path, {"rate=30r/s;": "rate=1r/m;", "burst=120 nodelay;": "burst=1 nodelay;"}
    )


def _until_refused(layout, path: str, **options) -> requests.Response:
    for _ in range(5):
        response = _https(layout, path, **options)
        if response.status_code != 200:
            return response
    pytest.fail(f"nginx never refused {path}")


def test_nginx_refuses_a_fast_api_client_with_the_apis_json_429(nginx_with_a_low_rate):
    """An API client reads `detail` and waits Retry-After seconds (docs/API.md), whoever refuses it; an HTML
    503 page was neither JSON nor a status that says "slow down"."""
    refused = _until_refused(nginx_with_a_low_rate, "/api/v1/proposals?page=2")
    assert refused.status_code == 429
    assert refused.headers["Content-Type"] == "application/json"
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["Cache-Control"] == "no-store"
    # A page on another site reading the API (CORS) can read the refusal and its Retry-After.
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert "Retry-After" in refused.headers["Access-Control-Expose-Headers"]
    assert set(refused.json()) == {"detail"} and "Retry-After" in refused.json()["detail"]
    # A write too: the client retries it with its Idempotency-Key.
    write = _https(nginx_with_a_low_rate, "/api/v1/proposals", method="POST", json={})
    assert write.status_code == 429 and write.json()["detail"]
    opened = _https(nginx_with_a_low_rate, "/open-data/proposals.json")
    assert opened.status_code == 429 and opened.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("path", "language", "text"),
    [
        ("/kk/proposals/", "kk", "Сіздің қосылымыңыздан қысқа уақытта тым көп сұрау келді"),
        ("/ru/proposals/", "ru", "С вашего подключения за короткое время пришло слишком много запросов"),
        ("/en/accounts/login/", "en", "Too many requests came from your connection"),
    ],
    ids=["kk", "ru", "en"],
)
def test_nginx_refuses_a_fast_reader_with_a_page_in_the_language_of_the_path(
    nginx_with_a_low_rate, path, language, text
):
    refused = _until_refused(nginx_with_a_low_rate, path)
    assert refused.status_code == 429
    assert refused.headers["Content-Type"] == "text/html; charset=utf-8"
    assert refused.headers["Content-Language"] == language and int(refused.headers["Retry-After"]) > 0
    assert f'<html lang="{language}">' in refused.text and text in refused.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in refused.text  # phones
    assert [other for other in ("kk", "ru", "en") if f'lang="{other}"' in refused.text] == [language]


def test_nginx_refuses_a_page_without_a_language_in_all_three(nginx_with_a_low_rate):
    refused = _until_refused(nginx_with_a_low_rate, "/hearings.ics")
    assert refused.status_code == 429
    assert "Content-Language" not in refused.headers
    for language in ("kk", "ru", "en"):
        assert f'<p lang="{language}">' in refused.text


@pytest.fixture
def nginx_seeing_any_address(tmp_path):
    """The low rate of `nginx_with_a_low_rate`, with nginx taking the client's address from `X-Test-Client`
    (its realip module): the test speaks as IPv6 and IPv4 clients it could not otherwise be."""
    version = subprocess.run([deployment_files.NGINX, "-V"], capture_output=True, text=True).stderr
    if "--with-http_realip_module" not in version:
        missing("this nginx has no realip module")
    yield from _serve_through_nginx(
        tmp_path,
        {"rate=30r/s;": "rate=1r/m;", "burst=120 nodelay;": "burst=1 nodelay;"},
        extra_http=["set_real_ip_from 127.0.0.1;", "real_ip_header X-Test-Client;"],
    )


def _statuses_from(layout, client: str, times: int = 3) -> list[int]:
    return [
        _https(layout, "/api/v1/topics", headers={"X-Test-Client": client}).status_code for _ in range(times)
    ]


def test_nginx_counts_an_ipv6_client_by_its_network_not_by_each_address(nginx_seeing_any_address):
    """One customer's /64 holds 2^64 addresses: counted one by one, a script would take a fresh rate limit
    from each, as the portal's own limits already refuse it (portal/core/http.py)."""
    layout = nginx_seeing_any_address
    one_network = ["2001:db8:1:2::a", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2:3:4:5:6"]
    assert [_statuses_from(layout, address, 1)[0] for address in one_network] == [200, 200, 429]
    assert [_statuses_from(layout, address, 1)[0] for address in ("2001:db8::7", "2001:db8::1:0:0:8")] == [
        200,
        200,
    ]
    assert _statuses_from(layout, "2001:db8::9")[-1] == 429  # 2001:db8:0:0::/64 had its two
    assert _statuses_from(layout, "2001:db8:0:1::a") == [200, 200, 429]  # the next /64: its own count
    # IPv4 addresses, also written IPv4-mapped, are each their own.
    assert _statuses_from(layout, "192.0.2.1") == [200, 200, 429]
    assert _statuses_from(layout, "192.0.2.2") == [200, 200, 429]
    assert _statuses_from(layout, "::ffff:192.0.2.3") == [200, 200, 429]
    assert _statuses_from(layout, "::ffff:192.0.2.4") == [200, 200, 429]  # not one count for all of ::/64


@pytest.fixture
def nginx_with_one_request_in_flight(tmp_path):
    yield from _serve_through_nginx(tmp_path, {"limit_conn qatysu_site 512;": "limit_conn qatysu_site 1;"},
                                    upstream_class=_SlowUpstream)  # fmt: skip


def test_during_a_surge_nginx_answers_busy_in_json_for_programs_and_a_page_for_people(
    nginx_with_one_request_in_flight,
):
    layout = nginx_with_one_request_in_flight
    for path, kind in (
        ("/api/v1/proposals", "application/json"),
        ("/ru/proposals/", "text/html; charset=utf-8"),
    ):
        holder = threading.Thread(target=_https, args=(layout, "/en/"))
        holder.start()
        time.sleep(0.3)  # the holder's request is in flight upstream
        busy = _https(layout, path)
        holder.join()
        assert busy.status_code == 503, path
        assert busy.headers["Content-Type"] == kind and int(busy.headers["Retry-After"]) > 0
    assert busy.headers["Content-Language"] == "ru" and "Портал сейчас перегружен" in busy.text
    # How the deployment drill tells nginx's refusal from the portal's own (bench/drills/deployment_clients.py).
    assert "</style><title>Qatysu</title><p" in busy.text[:600]
    holder = threading.Thread(target=_https, args=(layout, "/en/"))
    holder.start()
    time.sleep(0.3)
    busy_api = _https(layout, "/api/v1/stats")
    holder.join()
    assert busy_api.json()["detail"].startswith("The portal is very busy")


def test_every_job_of_the_beat_schedule_is_documented_for_the_operator(settings):
    documented = (BASE_DIR / "docs" / "DEPLOYMENT.md").read_text()
    missing_jobs = [name for name in settings.CELERY_BEAT_SCHEDULE if f"| `{name}` |" not in documented]
    assert missing_jobs == [], "add them to docs/DEPLOYMENT.md, 'Celery beat: the schedule'"


def test_every_health_probe_is_documented_with_what_to_alert_on():
    """A monitor set up from the documentation watches every probe the portal answers, with a threshold."""
    from portal.urls import urlpatterns

    documented = (BASE_DIR / "docs" / "DEPLOYMENT.md").read_text()
    monitoring = documented.split("### Monitoring: what to alert on", 1)[1].split("\n## ", 1)[0]
    probes = [
        str(url.pattern) for url in urlpatterns if str(url.pattern).endswith(("healthz", "livez", "workers"))
    ]
    assert len(probes) == 3
    for probe in probes:
        row = re.search(rf"^\| `GET /{probe}` \| ([^|]+) \|", monitoring, re.MULTILINE)
        assert row and re.search(r"\d", row.group(1)), f"/{probe}: when to alert, with a number"


@pytest.mark.parametrize("unit", UNITS)
def test_every_unit_restarts_always_from_the_one_environment_file(unit):
    text = (BASE_DIR / "deploy" / "systemd" / unit).read_text()
    assert "Restart=always" in text
    assert "EnvironmentFile=/etc/qatysu/env" in text
    assert int(re.search(r"LimitNOFILE=(\d+)", text).group(1)) >= 65536


def test_behind_pgbouncer_the_web_processes_connect_as_the_role_that_carries_the_statement_timeout():
    """DATABASE_STATEMENT_TIMEOUT_MS is a connection option, which PgBouncer refuses (the settings leave it out
    with DATABASE_POOLER=pgbouncer): the web unit reads the web role's DATABASE_URL after the shared file."""
    unit = (BASE_DIR / "deploy" / "systemd" / "qatysu-web.service").read_text()
    files = re.findall(r"^EnvironmentFile=(.+)$", unit, re.MULTILINE)
    assert files == ["/etc/qatysu/env", "-/etc/qatysu/web.env"]
    web_env = (BASE_DIR / "deploy" / "web.env.example").read_text()
    assert re.search(r"^DATABASE_URL=postgres://qatysu_web:[^@]+@127\.0\.0\.1:6432/", web_env, re.MULTILINE)
    roles = (BASE_DIR / "deploy" / "postgresql" / "roles.sql").read_text()
    assert "ALTER ROLE qatysu_web SET statement_timeout" in roles
    shared = (BASE_DIR / "deploy" / "env.example").read_text()
    assert "DATABASE_POOLER=pgbouncer" in shared
    assert "postgres://qatysu:" in shared  # workers, beat and migrations: the owner, without the limit


def test_the_units_run_the_portals_own_commands(tmp_path):
    python = sys.executable
    web = deployment_files.read_unit("qatysu-web.service", python=python, state_directory=tmp_path)
    assert web.command == [python, "manage.py", "serve"]
    assert web.working_directory == BASE_DIR
    assert int(web.environment["DATABASE_STATEMENT_TIMEOUT_MS"]) > 0
    worker = deployment_files.read_unit("qatysu-worker@.service", python=python, state_directory=tmp_path)
    assert worker.command[:6] == [python, "-m", "celery", "-A", "portal", "worker"]
    assert "worker1@%h" in worker.command
    beat = deployment_files.read_unit("qatysu-beat.service", python=python, state_directory=tmp_path)
    assert beat.command[:6] == [python, "-m", "celery", "-A", "portal", "beat"]
    assert str(tmp_path / "celerybeat-schedule") in beat.command


@pytest.mark.django_db
def test_an_upload_is_handed_to_nginx_only_after_the_permission_check(client, settings, tmp_path):
    settings.PORTAL_X_ACCEL_REDIRECT_PREFIX = "/protected-uploads/"
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    visible = Attachment(proposal=ProposalFactory(), original_name="Бюджет.pdf", size=4)
    visible.file.save("budget.pdf", ContentFile(b"%PDF"), save=True)
    assert (tmp_path / visible.file.name).exists()
    response = client.get(f"/en/attachments/{visible.pk}/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-uploads/{visible.file.name}"
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert response.content == b""  # nginx sends the file
    hidden = Attachment(proposal=ProposalFactory(status="draft"), original_name="x.pdf", size=4)
    hidden.file.save("hidden.pdf", ContentFile(b"%PDF"), save=True)
    refused = client.get(f"/en/attachments/{hidden.pk}/")
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


@pytest.mark.django_db
def test_web_processes_have_postgresql_cancel_a_statement_past_their_timeout():
    """granian cannot stop a stuck request; with DATABASE_STATEMENT_TIMEOUT_MS (the web unit sets it)
    PostgreSQL cancels the statement."""
    if connection.vendor != "postgresql":
        missing("DATABASE_URL is not a PostgreSQL database")
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SELECT pg_sleep(2)')\n"
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings",
           "DATABASE_URL": database_url_for_subprocesses()}  # fmt: skip
    limited = subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, capture_output=True, text=True,
                             env={**env, "DATABASE_STATEMENT_TIMEOUT_MS": "200"})  # fmt: skip
    assert limited.returncode != 0
    assert "canceling statement due to statement timeout" in limited.stderr
    unlimited = subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, capture_output=True, text=True,
                               env=env)  # fmt: skip
    assert unlimited.returncode == 0, unlimited.stderr[-2000:]


# --- PgBouncer in transaction mode --------------------------------------------------------------------

THROUGH_PGBOUNCER = """
import django
django.setup()
from django.db import connections
from proposals.models import Proposal
# PgBouncer has two server sessions (default_pool_size 2) and gives out the one released last. Another
# connection holds the first in a transaction while this one starts iterating a result (on the second),
# then releases it: the iteration's next fetch runs on the first session. A server-side cursor (Django's
# default for .iterator()) lives in the second session only.
holder = connections.create_connection("default")
holder.set_autocommit(False)
with holder.cursor() as cursor:
    cursor.execute("SELECT 1")
rows = Proposal.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=1)
first = next(rows)
holder.commit()
print("proposals", Proposal.objects.count(), 1 + sum(1 for _ in rows))
"""


@pytest.fixture
def pgbouncer():
    if not Path(deployment_files.PGBOUNCER).exists():
        missing("pgbouncer is not installed (apt-get install pgbouncer)")
    if connection.vendor != "postgresql":
        missing("DATABASE_URL is not a PostgreSQL database")
    root = deployment_files.postgres_directory("test-pgbouncer-")
    port = free_port()
    settings_dict = connection.settings_dict
    ini = deployment_files.render_pgbouncer(
        root,
        port=port,
        primary=(settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)),
        database=settings_dict["NAME"],
    )
    ini.write_text(ini.read_text().replace("default_pool_size = 40", "default_pool_size = 2"))
    process = subprocess.Popen(deployment_files.pgbouncer_command(ini), stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not _listening(port):
            time.sleep(0.1)
        if not _listening(port):
            pytest.fail(f"pgbouncer did not start: {(root / 'pgbouncer.log').read_text()[-2000:]}")
        yield database_url_for_subprocesses().replace(f":{settings_dict['PORT'] or 5432}/", f":{port}/")
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(root, ignore_errors=True)


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _run_through(url: str, pooler: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": url,
        "DATABASE_POOLER": pooler,
        "CONN_MAX_AGE": "0",
    }
    return subprocess.run(
        [sys.executable, "-c", THROUGH_PGBOUNCER], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


@pytest.mark.django_db(transaction=True)
def test_the_portal_works_through_pgbouncer_in_transaction_mode(pgbouncer):
    ProposalFactory.create_batch(3)
    result = _run_through(pgbouncer, "pgbouncer")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "proposals 3 3" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_without_the_pooler_settings_a_server_side_cursor_is_lost_in_pgbouncer(pgbouncer):
    """Why DATABASE_POOLER=pgbouncer exists: a server-side cursor outlives its transaction."""
    ProposalFactory.create_batch(3)
    result = _run_through(pgbouncer, "")
    assert result.returncode != 0
    assert re.search(r"cursor .* does not exist", result.stderr), result.stderr[-3000:]
