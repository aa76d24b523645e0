"""Development: `make run`. DEBUG on, emails printed to the console, MFA for staff optional."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
PORTAL_STAFF_MFA = env("PORTAL_STAFF_MFA", default="optional")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
