"""Settings shared by every environment, read from the environment with django-environ.

Every environment variable, with its meaning and default, is in the README's "Configuration" table (the
retention periods in docs/PRIVACY.md); a new one is added there too.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from .environment import Environment

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = Environment()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-" + "x" * 20)
# Previous keys, comma-separated, while SECRET_KEY is rotated: sessions, password-reset and emailed signed
# links made with them stay valid until they expire (docs/DEPLOYMENT.md, "Rotating keys").
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# Without SITE_URL, links in emails, calendar files and open data follow the port `make run` serves on.
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}").rstrip("/")

INSTALLED_APPS = [
    "portal.core.admin_config.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # its templates only: the sections are proposals/views/sitemaps.py
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "csp",
    "portal.core",
    "portal.accounts",
    "portal.notifications",
    "proposals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but for security headers: every answer to a public read, 503s included, may be read by
    # other sites' pages, and a preflight is answered without touching the database.
    "portal.core.middleware.PublicReadCorsMiddleware",
    # A lost database connection answers 503 with Retry-After, not 500 (its process_exception runs last).
    "portal.core.middleware.DatabaseUnavailableMiddleware",
    # The surge switches are read once per request (views, permissions and the banner all ask).
    "portal.core.switches.ReadOncePerRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.core.csp.SitePolicyMiddleware",
    # Before sessions, users and views: a request that waited past its queue budget gets a quick 503.
    "portal.core.load_shedding.QueueTimeBudgetMiddleware",
    # Marks anonymous reads for the replica (portal/core/db_routing.py); before anything reads the database.
    "portal.core.db_routing.ReplicaReadMiddleware",
    # "Page…": Django's middleware of that name, skipped by /api/ requests (bearer tokens, no cookie session;
    # portal.core.middleware._SkippedByApi). The API keeps the locale: its refusals are translated.
    "portal.core.middleware.PageSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.core.middleware.MachineReadableConditionalGetMiddleware",
    # Before CSRF: a method no page answers is 405 with `Allow`, not a CSRF refusal or the page itself.
    "portal.core.middleware.PageMethodsMiddleware",
    "portal.core.middleware.PageCsrfViewMiddleware",
    "portal.core.middleware.PageAuthenticationMiddleware",
    "portal.core.middleware.PageMessageMiddleware",
    "portal.core.middleware.PageXFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.core.middleware.StaffSecondFactorMiddleware",
    "portal.accounts.middleware.PrivacyConsentMiddleware",
]

# Django looks for its CSRF and clickjacking middleware by dotted path and misses the "Page…" subclasses;
# portal/core/checks.py asks the same questions of the classes themselves (portal.W002, W003, W016, W019).
SILENCED_SYSTEM_CHECKS = ["security.W002", "security.W003"]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.core.context_processors.portal",
                "portal.notifications.context_processors.notifications",
            ],
            # One set of date filters on every page and email (date_long, datetime_short, iso…).
            "builtins": ["portal.core.templatetags.when"],
        },
    },
]
# Forms render through the project's templates, so templates/django/forms/div.html (every form's layout, with
# its error summary) replaces Django's own; Django's widget templates are found through "django.forms" above.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database: SQLite is the embedded default, PostgreSQL (psycopg 3) in production and CI.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Behind PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer) consecutive transactions of one Django
# connection may run on different server sessions: nothing may outlive a transaction, so no prepared
# statements (psycopg 3 prepares a query run 5 times when server-side binding is on) and no server-side
# cursors (Django's `.iterator()` keeps one open across transactions).
DATABASE_POOLER = env("DATABASE_POOLER", default="")
# Web processes only (the systemd unit of the web server sets it): granian cannot stop a stuck request, so
# PostgreSQL cancels any statement running longer. Behind PgBouncer, set it on the web role instead
# (`ALTER ROLE ... SET statement_timeout`, deploy/postgresql/roles.sql): PgBouncer refuses startup options.
DATABASE_STATEMENT_TIMEOUT_MS = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=0)
# A streaming replica for what anonymous people read (portal/core/db_routing.py); skipped while it is down
# or replays more than DATABASE_REPLICA_MAX_LAG_SECONDS behind the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=5.0)
# How long a process trusts its last look at the replica (up or down, its lag) before asking again.
DATABASE_REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=3.0)
# Someone who has just written reads from the primary this long (read-your-writes), whatever the lag.
DATABASE_READ_YOUR_WRITES_SECONDS = env.int("DATABASE_READ_YOUR_WRITES_SECONDS", default=30)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASE_ROUTERS = ["portal.core.db_routing.PrimaryReplicaRouter"]
else:
    DATABASE_ROUTERS = []
for _database in DATABASES.values():
    _database["ATOMIC_REQUESTS"] = False
    if _database["ENGINE"] != "django.db.backends.postgresql":
        continue
    # Django's backend, but a connection that served a request a moment ago is not health-checked again
    # (a round trip per request, portal/core/postgresql/base.py).
    _database["ENGINE"] = "portal.core.postgresql"
    _database.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    _database["CONN_HEALTH_CHECKS"] = True
    _options = _database.setdefault("OPTIONS", {})
    # A replica that stopped answering must cost a reader a moment, not a TCP timeout.
    _options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3))
    # Statements are prepared only where code asks for it (portal.core.rows.prepared_cursor: the few
    # hand-written statements of every request, planned once per connection); Django's own queries bind on
    # the client and are never prepared.
    _options.setdefault("prepare_threshold", 0)
    if DATABASE_POOLER == "pgbouncer":
        _options["prepare_threshold"] = None
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
    elif DATABASE_STATEMENT_TIMEOUT_MS:
        _options["options"] = f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker. Without it, a local-memory cache and in-process tasks.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, answering as an empty cache while Redis is down (a 500 otherwise).
            "BACKEND": "portal.core.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # A signed-in request reads its session from the shared cache, not the database (written through to
    # both; read from the database when Redis is down). Only with a shared cache: a per-process cache would
    # keep a signed-out session alive in the other processes. The store fetches the reader's generation in
    # the same round trip, so that a web process can answer a reading request from the standing it kept.
    SESSION_ENGINE = "portal.accounts.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery (portal/celery.py reads every CELERY_* name here).
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# One deployment's queue; a drill or a second portal on the same Redis can use another.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it finished, and re-queued if its worker dies mid-way: tasks must be
# idempotent. Prefetch 1 keeps a long task from holding others hostage on a busy worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis re-delivers an unacknowledged task after the visibility timeout, so every task must be killed
# well before it: otherwise a slow task would run twice in parallel.
CELERY_BROKER_VISIBILITY_TIMEOUT = 3600
# Publishing gives up after about a second when the broker is down: the request must not hang, and the row
# it was about is committed, so a periodic sweep sends the task later (portal/core/queue.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Almaty"
from celery.schedules import crontab  # noqa: E402 (kept beside the schedule it builds)


def _job(task: str, schedule, *args) -> dict:
    """One job of the beat schedule: the task's dotted path, when it runs (every so many seconds, or a
    crontab) and the arguments it is given, if any."""
    return {"task": task, "schedule": schedule, **({"args": list(args)} if args else {})}


# The one beat schedule (celery beat, or `run_schedule` without a broker): a new periodic job is added here.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": _job("portal.core.tasks.record_worker_heartbeat", 60.0),
    # Answers kept for Idempotency-Key retries are forgotten after 24 hours.
    "purge-idempotency-records": _job("portal.core.tasks.purge_idempotency_records", crontab(minute=40)),
    # Submissions saved while the broker was down are screened once it is back.
    "screen-unscreened": _job("proposals.tasks.screen_unscreened", 60.0),
    # Support-count changes of hot proposals left pending when a queued fold was lost (e.g. broker down).
    "fold-support-tallies": _job("proposals.tasks.fold_support_tallies", 10.0),
    # Answers that passed their deadline are announced once to the author, followers and assignee.
    "missed-answer-deadlines": _job("proposals.tasks.record_missed_deadlines", crontab(minute=5)),
    # Commitments that passed their due date unfinished are announced to their followers, once per due date.
    "overdue-commitments": _job("proposals.tasks.announce_overdue_commitments", crontab(minute=10)),
    # Digests at 07:00 Almaty time: yesterday's events daily, last week's on Mondays.
    "daily-digests": _job("portal.notifications.tasks.plan_digests", crontab(hour=7, minute=0), "daily"),
    # Digest chains stopped by a crashed worker are restarted; a no-op when nothing is pending.
    "resume-digests": _job("portal.notifications.tasks.resume_digests", 300.0),
    "weekly-digests": _job(
        "portal.notifications.tasks.plan_digests", crontab(hour=7, minute=15, day_of_week=1), "weekly"
    ),
    # Hearing reminders whose time has come; each registration's reminder is claimed once in the database.
    "hearing-reminders": _job("proposals.tasks.send_hearing_reminders", 300.0),
    # Accounts whose deletion grace period is over are erased; each account once.
    "erase-deleted-accounts": _job("portal.accounts.tasks.erase_deleted_accounts", crontab(minute=20)),
    # Retention: addresses, verification notes, old notifications and expired exports (docs/PRIVACY.md).
    "privacy-retention": _job(
        "portal.accounts.tasks.purge_expired_personal_data", crontab(hour=3, minute=30)
    ),
}

# --- Authentication: django-allauth with email login, mandatory verification and MFA.
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, loading the person with their roles, block and unread count in one query.
AUTHENTICATION_BACKENDS = [
    "portal.accounts.backends.PasswordBackend",
    "portal.accounts.backends.AccountBackend",
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "portal.accounts.forms.SignupDetailsForm"
ACCOUNT_ADAPTER = "portal.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Qatysu] "
# The owner hears of every change to the account's password, addresses and second factor, the address it
# left included: a session taken over could otherwise change them all unnoticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# allauth's rate limits count in the default cache, i.e. Redis wherever REDIS_URL is set.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    # Also what signing up with an address that has an account sends ("an account already exists"): a day's
    # cap, or rotating client addresses would mail one inbox 480 times a day.
    "confirm_email": "1/3m/key,10/d/key",
    # Per address asked for, whatever the client address: the form writes to addresses without an account too
    # (ACCOUNT_PREVENT_ENUMERATION), and allauth's 5 a minute let anyone have the portal flood an inbox.
    "reset_password": "20/m/ip,3/15m/key,10/d/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Qatysu"
MFA_ADAPTER = "portal.accounts.adapter.MFAAdapter"
# `required`: staff must set up a second factor before any staff page; `optional`: they may.
PORTAL_STAFF_MFA = env("PORTAL_STAFF_MFA", default="optional")
# URL paths (after the language prefix) that only staff reach; the MFA gate guards them.
PORTAL_STAFF_PATHS = ("/staff/", "/admin/", "/moderation/", "/commission/")
# Under `required`, the Django admin opens only within this many seconds of the session's last second factor;
# after that the superuser confirms it again (the staff area keeps the sign-in's).
PORTAL_ADMIN_SECOND_FACTOR_MAX_AGE = env.int("PORTAL_ADMIN_SECOND_FACTOR_MAX_AGE", default=30 * 60)

# Identity verification backends (see portal/accounts/verification/__init__.py for the interface).
# Development and the demo keep the weak self-declared IIN check so that a newcomer can try the portal;
# production settings enable only the strong backends and staff (docs/identity-verification.md).
PORTAL_IDENTITY_BACKENDS = env.list(
    "PORTAL_IDENTITY_BACKENDS",
    default=[
        "portal.accounts.verification.backends.SignatureBackend",
        "portal.accounts.verification.backends.NationalSignInBackend",
        "portal.accounts.verification.backends.IinBackend",
        "portal.accounts.verification.backends.StaffBackend",
    ],
)
# The levels a new consultation accepts for supports (each consultation's own setting is in the admin).
PORTAL_IDENTITY_DEFAULT_LEVELS = env.list(
    "PORTAL_IDENTITY_DEFAULT_LEVELS", default=["signature", "national_sign_in", "self_declared", "staff"]
)
# Digital signature (NCALayer): a folder of PEM files with the authority's root and intermediate
# certificates, its OCSP responder, and the address of NCALayer on the person's computer.
IDENTITY_EDS_TRUST_STORE = env("IDENTITY_EDS_TRUST_STORE", default="")
IDENTITY_EDS_OCSP_URL = env("IDENTITY_EDS_OCSP_URL", default="")
IDENTITY_EDS_OCSP_TIMEOUT_SECONDS = env.float("IDENTITY_EDS_OCSP_TIMEOUT_SECONDS", default=5)
IDENTITY_EDS_OCSP_MAX_AGE_SECONDS = env.int("IDENTITY_EDS_OCSP_MAX_AGE_SECONDS", default=300)
IDENTITY_EDS_CHALLENGE_TTL_SECONDS = env.int("IDENTITY_EDS_CHALLENGE_TTL_SECONDS", default=300)
IDENTITY_EDS_NCALAYER_URL = env("IDENTITY_EDS_NCALAYER_URL", default="wss://127.0.0.1:13579")
# National sign-in: any OpenID Connect provider, through django-allauth's `openid_connect` provider.
IDENTITY_OIDC_PROVIDER_ID = "national"
IDENTITY_OIDC_IIN_CLAIM = env("IDENTITY_OIDC_IIN_CLAIM", default="iin")
SOCIALACCOUNT_ADAPTER = "portal.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": IDENTITY_OIDC_PROVIDER_ID,
                "name": env("IDENTITY_OIDC_NAME", default="National sign-in"),
                "client_id": env("IDENTITY_OIDC_CLIENT_ID", default=""),
                "secret": env("IDENTITY_OIDC_CLIENT_SECRET", default=""),
                "settings": {
                    "server_url": env("IDENTITY_OIDC_ISSUER", default=""),
                    "scope": env.list("IDENTITY_OIDC_SCOPES", default=["openid"]),
                },
            }
        ]
        if env("IDENTITY_OIDC_ISSUER", default="")
        else [],
    }
}
# Key of the one-way IIN fingerprint. Changing it orphans every stored fingerprint: set it once.
IDENTITY_HASH_KEY_PINNED = bool(env("IDENTITY_HASH_KEY", default=""))
IDENTITY_HASH_KEY = env("IDENTITY_HASH_KEY", default="") or f"identity:{SECRET_KEY}"

# Proposals: how many files an author may attach, and how large each may be.
PROPOSAL_MAX_ATTACHMENTS = 5
PROPOSAL_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# How many proxies (load balancers) stand in front of the web processes and append to X-Forwarded-For.
PORTAL_TRUSTED_PROXY_HOPS = env.int("PORTAL_TRUSTED_PROXY_HOPS", default=0)
# The connections whose X-Forwarded-For is read: loopback and private networks, where nginx and a load
# balancer stand (a Unix socket counts too). A connection from anywhere else came around the proxy, straight
# to the web process, and its X-Forwarded-For is only the client's claim.
PORTAL_TRUSTED_PROXY_NETWORKS = env.list(
    "PORTAL_TRUSTED_PROXY_NETWORKS",
    default=["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
)
# allauth reads the client address through AccountAdapter.get_client_ip (ours); this keeps its own helpers,
# used where no adapter is asked, on the same count of proxies.
ALLAUTH_TRUSTED_PROXY_COUNT = PORTAL_TRUSTED_PROXY_HOPS
# Digest claims older than this are taken to belong to a worker that died, and go back to pending.
DIGEST_CLAIM_STALE_AFTER = timedelta(seconds=env.int("DIGEST_CLAIM_STALE_SECONDS", default=600))
# `auto_publish_clean`: proposals without screening findings are published at once; `review_all`.
# The site default: admins set a policy per consultation in the admin (Consultation.moderation_policy).
PORTAL_MODERATION_POLICY = env("PORTAL_MODERATION_POLICY", default="auto_publish_clean")
# The header of the proxy's stamp that load shedding reads (PORTAL_QUEUE_BUDGET_MS below).
PORTAL_REQUEST_START_HEADER = env("PORTAL_REQUEST_START_HEADER", default="X-Request-Start")
# nginx's internal location over MEDIA_ROOT (deploy/nginx/qatysu.conf): uploads are sent by nginx after the
# portal's permission check (portal/core/files.py). Empty: Django streams them itself.
PORTAL_X_ACCEL_REDIRECT_PREFIX = env("PORTAL_X_ACCEL_REDIRECT_PREFIX", default="")


def _settings_from_env(**defaults) -> None:
    """Sets each named setting from the environment variable of the same name, read as the type of its default
    (a whole number, a number or a yes/no): a setting is named once, so it and its variable cannot drift
    apart."""
    read = {bool: env.bool, int: env.int, float: env.float}
    globals().update({name: read[type(default)](name, default=default) for name, default in defaults.items()})


# The portal's own limits and thresholds, which an operator tunes per deployment without a release.
_settings_from_env(
    # Proposals: the longest text an author may write, in characters.
    PROPOSAL_BODY_MAX_LENGTH=10_000,
    # Submissions per hour from one account and from one address (a campus or office shares an address, so the
    # second is generous); the limits live on the shared cache.
    SUBMISSIONS_PER_ACCOUNT_PER_HOUR=10,
    SUBMISSIONS_PER_ADDRESS_PER_HOUR=60,
    # New drafts per hour from one account and from one address: each may carry five files of 10 MB, and a
    # draft is never submitted, so without a pace a script fills the disk through drafts alone.
    DRAFTS_PER_ACCOUNT_PER_HOUR=20,
    DRAFTS_PER_ADDRESS_PER_HOUR=120,
    # New registrations for one hearing from one address a day: a class or an office may come together, a farm
    # of throw-away accounts (they need only a confirmed email) must not take every seat.
    HEARING_REGISTRATIONS_PER_ADDRESS_PER_DAY=20,
    # Reports per hour from one address, whoever is signed in (each person may also make 30 an hour): every
    # report of another item opens a moderation case.
    REPORTS_PER_ADDRESS_PER_HOUR=120,
    # Comments per hour from one address, whoever is signed in (each person may also write 5 a minute): a
    # lecture hall during a hearing comments a lot, a farm of throw-away accounts must not flood every thread.
    COMMENTS_PER_ADDRESS_PER_HOUR=300,
    # Comment edits per hour from one account and from one address: each edit is screened again, so a script
    # rewriting comments in their 15-minute windows kept the screening busy as a flood of new comments would.
    COMMENT_EDITS_PER_ACCOUNT_PER_HOUR=20,
    COMMENT_EDITS_PER_ADDRESS_PER_HOUR=200,
    # Identity verification attempts (a typed IIN, a signature) from one address in an hour, whoever is signed
    # in (each person may make 5): a refused IIN says whether it verifies another account.
    IDENTITY_ATTEMPTS_PER_ADDRESS_PER_HOUR=60,
    # Organisations registered from one address a day, whoever is signed in (each person may register 5):
    # each waits in the staff verification panel.
    ORGANISATIONS_PER_ADDRESS_PER_DAY=20,
    # Requests (revalidations too) and whole downloads of the streamed open-data files from one address in an
    # hour: each reads aggregates over every row, a download every row (20 s at 100,000 proposals).
    OPEN_DATA_REQUESTS_PER_ADDRESS_PER_HOUR=360,
    OPEN_DATA_DOWNLOADS_PER_ADDRESS_PER_HOUR=60,
    # Seconds an anonymous reader's page is served from the shared cache (portal/core/page_cache.py): the most
    # that counters on public pages lag. 0 turns page caching off.
    PAGE_CACHE_SECONDS=5,
    # Seconds the outcome page's numbers (20 aggregate queries over all proposals) are shared before a
    # recount.
    OUTCOME_STATS_CACHE_SECONDS=30,
    # Seconds a hot proposal's support count may lag before pending changes are folded in
    # (services/support.py).
    SUPPORT_FOLD_DELAY_SECONDS=1,
    # Load shedding (portal/core/load_shedding.py): a request whose proxy stamp (nginx:
    # `proxy_set_header X-Request-Start "t=${msec}";`) shows it waited longer than this for a worker is
    # answered 503 with Retry-After at once. A person gives up after a few seconds; rendering the page later
    # only delays everyone behind it. In the surge benchmark a 1-s budget served as many pages as 2 s did, a
    # second sooner (docs/BENCHMARKS.md). 0 turns shedding off; without the header nothing is ever shed.
    PORTAL_QUEUE_BUDGET_MS=1000,
    PORTAL_SHED_RETRY_AFTER_SECONDS=10,
    # Moderation: a case is marked overdue after this many days in the queue.
    MODERATION_OVERDUE_DAYS=7,
    # Content reported by this many distinct people is hidden until a moderator decides.
    MODERATION_REPORT_HIDE_THRESHOLD=3,
    # Estimated similarity (Jaccard of word 3-grams) from which another person's text joins a campaign
    # cluster, and from which a proposal is flagged as a possible duplicate for the moderator.
    MODERATION_CAMPAIGN_SIMILARITY=0.9,
    MODERATION_NEAR_DUPLICATE_SIMILARITY=0.7,
    # Bursts: more than this many submissions in the window from one account, address or text are flagged.
    MODERATION_BURST_WINDOW_MINUTES=10,
    MODERATION_BURST_PER_ACCOUNT=5,
    MODERATION_BURST_PER_ADDRESS=20,
    MODERATION_BURST_PER_TEXT=20,
    # An SMTP server that stops answering must not hold a sender (and its claims) for ever.
    EMAIL_TIMEOUT=30,
    # A temporary mail failure is retried within this many seconds, then twice as long each time
    # (at most 15 min).
    EMAIL_RETRY_BACKOFF_SECONDS=30,
    # Four-eyes publishing of Commission responses: one member drafts, another approves (the drafter cannot).
    RESPONSE_FOUR_EYES=True,
)

# Hearings: livestreams are embedded only from these hosts (the CSP's frame-src lists exactly them), and
# registered people get a reminder this long before the start.
HEARING_STREAM_HOSTS = env.list(
    "HEARING_STREAM_HOSTS", default=["youtube.com", "www.youtube.com", "player.vimeo.com"]
)
HEARING_REMINDER_BEFORE = timedelta(hours=env.float("HEARING_REMINDER_BEFORE_HOURS", default=24))

# Personal data (docs/PRIVACY.md): the grace period of a self-service deletion, the lifetime of a
# "download my data" link, and how long each kind of data is kept.
ACCOUNT_DELETION_GRACE_DAYS = env.int("ACCOUNT_DELETION_GRACE_DAYS", default=7)
PRIVACY_EXPORT_LINK_LIFETIME = timedelta(hours=env.float("PRIVACY_EXPORT_LINK_HOURS", default=24))
PRIVACY_IP_RETENTION_DAYS = env.int("PRIVACY_IP_RETENTION_DAYS", default=30)
PRIVACY_VERIFICATION_NOTE_RETENTION_DAYS = env.int("PRIVACY_VERIFICATION_NOTE_RETENTION_DAYS", default=90)
PRIVACY_NOTIFICATION_RETENTION_DAYS = env.int("PRIVACY_NOTIFICATION_RETENTION_DAYS", default=365)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Email. Console in development, locmem in tests, SMTP (EMAIL_URL) in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Qatysu <no-reply@qatysu.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write to a person at the Commission's office: in the footer of every page, and where the
# portal cannot help them itself (no IIN to verify with, an IIN already verifying another account). Empty,
# those places say to contact the office with no address (`manage.py check --deploy` says so: portal.I046).
CONTACT_EMAIL = env("CONTACT_EMAIL", default="")
# Where holes are reported (/.well-known/security.txt, RFC 9116): addresses or https:// URLs, else
# CONTACT_EMAIL (neither: 404, portal.I048); the policy's public page, SECURITY.md as published (or none).
SECURITY_CONTACT = env.list("SECURITY_CONTACT", default=[])
SECURITY_POLICY_URL = env("SECURITY_POLICY_URL", default="")

# --- Languages: Kazakh is the state language and the default; Russian and English.
LANGUAGE_CODE = "kk"
LANGUAGES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("en", _("English")),
]
# Our own catalogue first; allauth ships no Kazakh, so its strings are translated in locale/allauth; Django's
# Kazakh lacks entries and has typos, filled and corrected in locale/django (all ahead of Django's own).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "allauth", BASE_DIR / "locale" / "django"]
USE_I18N = True
# Day-month-year, 24-hour clock for what Django formats itself (the admin); pages use portal.core.formats.
FORMAT_MODULE_PATH = ["portal.core.locale_formats"]
# Asia/Almaty moved to UTC+5 in March 2024; zoneinfo must have tzdata 2024a or newer (tested).
TIME_ZONE = "Asia/Almaty"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portal_language"

# --- Static files, served by whitenoise.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# TrueType fonts with Kazakh and Russian letters for the PDF outcome report (Debian: fonts-dejavu-core).
REPORT_FONT_DIR = env("REPORT_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")

# --- Security headers. A strict CSP: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        # NCALayer, the signing application on the person's own computer, listens on a local WebSocket.
        "connect-src": [SELF, IDENTITY_EDS_NCALAYER_URL],
        "frame-src": [f"https://{host}" for host in HEARING_STREAM_HOSTS] or [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Logging: one line of JSON per record in production (see production.py), readable text here.
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "portal.core.logging.RedactPersonalDataFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # `time` in ISO 8601 and UTC, as nginx's access log writes it: %(asctime)s would be the process's
        # local time (Django sets it to Asia/Almaty) without its offset.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "text", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
    },
}
