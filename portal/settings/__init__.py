"""`DJANGO_SETTINGS_MODULE=portal.settings` means the development settings (see CONTRACT.md)."""

from .dev import *  # noqa: F401,F403
