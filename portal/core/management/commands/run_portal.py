"""`make run`: the development server, plus a Celery worker and beat when Redis answers.

Ctrl-C (or SIGTERM) stops every process this command started.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.core.redis_probe import redis_answers


class Command(BaseCommand):
    help = "Serves the portal for development; starts Celery worker and beat when Redis is reachable."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, **options):
        python = sys.executable
        env = os.environ.copy()
        # Without SITE_URL, the settings build it from PORT: a port given only as --port left links in emails,
        # calendar files and feeds on port 8000, where nothing answered.
        env["PORT"] = str(options["port"])
        commands = []
        if redis_answers(settings.REDIS_URL):
            commands += [
                [python, "-m", "celery", "-A", "portal", "worker", "--loglevel=INFO", "--concurrency=2"],
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "portal",
                    "beat",
                    "--loglevel=INFO",
                    "--schedule",
                    os.path.join(settings.BASE_DIR, ".celerybeat-schedule"),
                ],
            ]
            self.stdout.write("Redis answers: starting a Celery worker and beat.")
        else:
            # No broker: the server runs tasks in-process (CELERY_TASK_ALWAYS_EAGER), and beat's schedule
            # runs in a process of its own, so the periodic sweeps happen as in production.
            env["REDIS_URL"] = ""
            commands.append([python, "manage.py", "run_schedule"])
            self.stdout.write("No reachable Redis: background tasks and periodic jobs run in-process.")
        commands.append([python, "manage.py", "runserver", f"{options['host']}:{options['port']}"])

        processes = [subprocess.Popen(command, env=env, cwd=settings.BASE_DIR) for command in commands]
        self.stdout.write(
            f"Serving on http://{options['host']}:{options['port']}/ — Ctrl-C stops everything."
        )

        def stop(*_args):
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for process in processes:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()

        signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
