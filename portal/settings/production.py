"""Production: every secret comes from the environment; passes `check --deploy --fail-level WARNING`."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import LOGGING, env


def _required(name: str, read=env.str):
    """A variable production cannot start without: its absence ends the process with one line saying so
    (every process reads settings first: serve, migrate, workers, beat), not with a traceback."""
    try:
        value = read(name)
    except ImproperlyConfigured:
        value = None
    if not value:
        raise SystemExit(f"{name} is not set: production needs it (README, deploy/env.example)")
    return value


DEBUG = False
# What the checks of environment-given settings hold to (portal/core/checks.py: PostgreSQL, Redis, …).
PORTAL_PRODUCTION = True
SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = _required("ALLOWED_HOSTS", env.list)
# Links in emails (List-Unsubscribe must be HTTPS), calendars and open data: the site's own name, not the
# development default of http://127.0.0.1:8000.
SITE_URL = env("SITE_URL", default=f"https://{ALLOWED_HOSTS[0].lstrip('.')}").rstrip("/")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Derived from the production SECRET_KEY unless set; rotating SECRET_KEY then needs IDENTITY_HASH_KEY pinned.
IDENTITY_HASH_KEY = env("IDENTITY_HASH_KEY", default="") or f"identity:{SECRET_KEY}"
PORTAL_STAFF_MFA = env("PORTAL_STAFF_MFA", default="required")
# Only verifications a script cannot fake, and staff; the self-declared IIN check is off.
PORTAL_IDENTITY_BACKENDS = env.list(
    "PORTAL_IDENTITY_BACKENDS",
    default=[
        "portal.accounts.verification.backends.SignatureBackend",
        "portal.accounts.verification.backends.NationalSignInBackend",
        "portal.accounts.verification.backends.StaffBackend",
    ],
)
PORTAL_IDENTITY_DEFAULT_LEVELS = env.list(
    "PORTAL_IDENTITY_DEFAULT_LEVELS", default=["signature", "national_sign_in", "staff"]
)
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://127.0.0.1:25")
vars().update(EMAIL_CONFIG)
# The sender at the site's own domain unless set: the development default's `qatysu.local` does not resolve,
# and receiving servers refuse or bin mail whose sender domain has no DNS (nor SPF, nor DMARC).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"Qatysu <no-reply@{urlsplit(SITE_URL).hostname}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Behind a TLS-terminating load balancer that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# /healthz is probed by the load balancer over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# With more than one web node, uploads (attachments, data exports) must live where every node reads them:
# an S3-compatible bucket. Files stay private; the portal serves them after its own permission check.
STORAGE_BUCKET = env("STORAGE_BUCKET", default="")
if STORAGE_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_BUCKET,
            "endpoint_url": env("STORAGE_ENDPOINT_URL", default=None),
            "region_name": env("STORAGE_REGION", default=None),
            "access_key": env("STORAGE_ACCESS_KEY", default=None),
            "secret_key": env("STORAGE_SECRET_KEY", default=None),
            "location": env("STORAGE_PREFIX", default="uploads"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

LOGGING["handlers"]["console"]["formatter"] = "json"
