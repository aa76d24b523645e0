#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path

import environ


def main():
    # The .env beside this file (on a server, a link to /etc/qatysu/env, the units' environment file) may name
    # the settings module too: `sudo -u qatysu .venv/bin/python manage.py migrate` then runs with production
    # settings and the production database, not the development defaults. The environment still wins.
    environ.Env.read_env(Path(__file__).resolve().parent / ".env", overwrite=False)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
