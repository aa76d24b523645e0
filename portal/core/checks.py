"""Deployment checks for the middleware that `/api/` skips (portal.core.middleware, the "Page…" classes).

Django's own checks look for its CSRF and clickjacking middleware by their dotted path, so they miss our
subclasses: they would warn that the protection is gone (security.W002, W003, silenced in the settings) and
skip what depends on it (a secure CSRF cookie, W016; `X-Frame-Options: DENY`, W019). These checks find the
classes by what they are and ask the same questions, so `check --deploy` still fails if one is taken out.

Further deployment checks: a connection through PgBouncer must say so (`DATABASE_POOLER`), production's
staff need a second factor (`PORTAL_STAFF_MFA`, W044), the footer names the Commission's office
(`CONTACT_EMAIL`, I046) and security.txt names where to report a hole (`SECURITY_CONTACT`, I048).

The settings an operator gives in the environment are checked at every start (not only by `check --deploy`):
`manage.py serve`, `migrate` and the other commands run Django's checks first, and Celery workers and beat run
these (portal/celery.py). A value that would quietly do something else — production on SQLite or without
Redis, a mistyped PORTAL_STAFF_MFA that leaves staff without a second factor, a rotated SECRET_KEY that
orphans every IIN fingerprint — stops the process with a message naming the variable, instead of surfacing
at the first request or never."""

from django.conf import settings
from django.core.checks import Error, Info, Tags, Warning, register
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.module_loading import import_string


def _installed(kind: type) -> bool:
    found = [import_string(path) for path in settings.MIDDLEWARE]
    return any(isinstance(middleware, type) and issubclass(middleware, kind) for middleware in found)


@register(Tags.security, deploy=True)
def csrf_protection_installed(app_configs, **kwargs):
    if not _installed(CsrfViewMiddleware):
        return [
            Warning(
                "No CSRF middleware in MIDDLEWARE: forms can be posted from other sites.", id="portal.W003"
            )
        ]
    if not settings.CSRF_COOKIE_SECURE:
        return [
            Warning("CSRF_COOKIE_SECURE is not True: the CSRF cookie can leak over HTTP.", id="portal.W016")
        ]
    return []


@register(Tags.security, deploy=True)
def clickjacking_protection_installed(app_configs, **kwargs):
    if not _installed(XFrameOptionsMiddleware):
        return [
            Warning("No X-Frame-Options middleware in MIDDLEWARE: pages can be framed.", id="portal.W002")
        ]
    if settings.X_FRAME_OPTIONS != "DENY":
        return [Warning("X_FRAME_OPTIONS is not 'DENY': pages can be framed by this site.", id="portal.W019")]
    return []


# PgBouncer's usual port (deploy/pgbouncer/pgbouncer.ini listens there).
PGBOUNCER_PORT = "6432"


@register(Tags.database, deploy=True)
def pooler_declared(app_configs, **kwargs):
    """A connection on PgBouncer's port that still prepares statements: in transaction mode the next
    transaction may run in another server session, where the statement does not exist, and the signed-in
    pages fail now and then. `DATABASE_POOLER=pgbouncer` turns preparing off."""
    return [
        Warning(
            f"The {alias!r} database is reached on port {PGBOUNCER_PORT}, PgBouncer's, but prepares "
            "statements: set DATABASE_POOLER=pgbouncer (docs/DEPLOYMENT.md).",
            id="portal.W030",
        )
        for alias in preparing_through_pgbouncer(settings.DATABASES)
    ]


def preparing_through_pgbouncer(databases: dict) -> list[str]:
    """The aliases of PostgreSQL databases on PgBouncer's port whose connections prepare statements."""
    return [
        alias
        for alias, database in databases.items()
        if database.get("ENGINE") in ("django.db.backends.postgresql", "portal.core.postgresql")
        and str(database.get("PORT")) == PGBOUNCER_PORT
        and database.get("OPTIONS", {}).get("prepare_threshold") is not None
    ]


# The tag of the checks of environment-given settings; Celery workers and beat run the checks of this tag.
SETTINGS_TAG = "portal_settings"
POSTGRESQL_ENGINES = ("django.db.backends.postgresql", "portal.core.postgresql")
STAFF_MFA_VALUES = ("required", "optional")


def default_database_engine() -> str:
    return settings.DATABASES["default"]["ENGINE"]


@register(SETTINGS_TAG)
def environment_settings(app_configs, **kwargs):
    errors = []
    if settings.PORTAL_STAFF_MFA not in STAFF_MFA_VALUES:
        errors.append(
            Error(
                f"PORTAL_STAFF_MFA is {settings.PORTAL_STAFF_MFA!r}: it must be 'required' or 'optional' "
                "(any other value would leave staff pages without a second factor).",
                id="portal.E040",
            )
        )
    if not getattr(settings, "PORTAL_PRODUCTION", False):
        return errors
    engine = default_database_engine()
    if engine not in POSTGRESQL_ENGINES:
        errors.append(
            Error(
                f"DATABASE_URL is unset or not PostgreSQL (engine {engine}): production keeps its data "
                "in PostgreSQL, e.g. DATABASE_URL=postgres://qatysu:…@127.0.0.1:6432/qatysu "
                "(deploy/env.example).",
                id="portal.E041",
            )
        )
    if not settings.REDIS_URL:
        errors.append(
            Error(
                "REDIS_URL is unset: without Redis every background task would run inside a web request "
                "and each process would keep its own rate limits. Set REDIS_URL=redis://…/0 "
                "(deploy/env.example).",
                id="portal.E042",
            )
        )
    if settings.SECRET_KEY_FALLBACKS and not settings.IDENTITY_HASH_KEY_PINNED:
        errors.append(
            Error(
                "SECRET_KEY is being rotated (SECRET_KEY_FALLBACKS is set) but IDENTITY_HASH_KEY is not: "
                "the IIN fingerprints derived from the previous key would no longer match, and a verified "
                "person could verify and support again. Set IDENTITY_HASH_KEY=identity:<the previous "
                "SECRET_KEY> "
                "(docs/DEPLOYMENT.md, 'Rotating keys').",
                id="portal.E043",
            )
        )
    return errors


def _in_production(wrong: bool, warning: Warning) -> list:
    """`warning` where production runs with a setting that is `wrong` there; a development or test machine
    may leave it so."""
    return [warning] if getattr(settings, "PORTAL_PRODUCTION", False) and wrong else []


@register(Tags.security, deploy=True)
def staff_second_factor_required(app_configs, **kwargs):
    return _in_production(
        settings.PORTAL_STAFF_MFA == "optional",
        Warning(
            "PORTAL_STAFF_MFA=optional: staff (moderators, the Commission, administrators) can act "
            "with a password alone. Production needs 'required'.",
            id="portal.W044",
        ),
    )


@register(Tags.security, deploy=True)
def proxy_hops_set(app_configs, **kwargs):
    """Production stands behind nginx (it already trusts its X-Forwarded-Proto). Left at 0, the hops make
    every request look as if it came from nginx's own address: every per-address limit becomes one for the
    whole site, and ten mistyped passwords anywhere in a minute lock everyone out of signing in."""
    return _in_production(
        settings.PORTAL_TRUSTED_PROXY_HOPS < 1,
        Warning(
            "PORTAL_TRUSTED_PROXY_HOPS=0: behind nginx every request counts as nginx's own address, so "
            "one address's failed logins, sign-ups and submissions would refuse everyone. Set it to the "
            "proxies in front of the web processes (1 with deploy/nginx; deploy/env.example).",
            id="portal.W047",
        ),
    )


@register(Tags.compatibility, deploy=True)
def contact_address_set(app_configs, **kwargs):
    """Information, not a warning: a deployment without the address still works, but where the portal
    cannot help a person itself (no IIN; an IIN another account holds) it names nobody to write to."""
    if settings.CONTACT_EMAIL:
        return []
    return [
        Info(
            "CONTACT_EMAIL is empty: the footer and the identity page name no address of the Commission's "
            "office for people the portal cannot help itself.",
            id="portal.I046",
        )
    ]


@register(Tags.compatibility, deploy=True)
def security_contact_set(app_configs, **kwargs):
    """Information: without a contact, /.well-known/security.txt answers 404, and whoever finds a hole has no
    address to report it to but the public issue tracker."""
    if settings.SECURITY_CONTACT or settings.CONTACT_EMAIL:
        return []
    return [
        Info(
            "SECURITY_CONTACT and CONTACT_EMAIL are empty: /.well-known/security.txt answers 404 and names "
            "no address for reporting a security hole (SECURITY.md).",
            id="portal.I048",
        )
    ]
