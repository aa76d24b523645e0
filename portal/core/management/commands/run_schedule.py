"""Runs beat's schedule in this process (no broker needed); `run_portal` starts it when Redis is absent."""

import time

from celery import current_app as app
from django.conf import settings
from django.core.management.base import BaseCommand

from portal.core.schedule import InProcessSchedule


class Command(BaseCommand):
    help = "Runs the periodic jobs of CELERY_BEAT_SCHEDULE in-process, each task applied when due."

    def handle(self, *args, **options):
        schedule = InProcessSchedule(app=app, schedule=settings.CELERY_BEAT_SCHEDULE)
        self.stdout.write(f"Running {len(schedule.entries)} periodic jobs in-process.")
        try:
            while True:
                ran, wait = schedule.tick()
                if ran:
                    self.stdout.write("ran: " + ", ".join(ran))
                time.sleep(wait)
        except KeyboardInterrupt:
            pass
