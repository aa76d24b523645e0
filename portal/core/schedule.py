"""Beat's schedule run in-process, for the embedded default (`make run` without Redis): the same sweeps as
production (support-count folds, reminders, deadlines, digests, retention), each task applied eagerly in this
process when its entry is due. With a broker, `celery beat` does this instead."""

import logging
from datetime import datetime

from celery import Celery
from celery.beat import ScheduleEntry

logger = logging.getLogger(__name__)


class InProcessSchedule:
    def __init__(self, *, app: Celery, schedule: dict, started_at: datetime | None = None):
        self.app = app
        # Autodiscovery is lazy: the task modules are imported when a worker or beat starts, so here too.
        app.loader.import_default_modules()
        self.entries = {
            name: ScheduleEntry(
                name=name,
                task=spec["task"],
                schedule=spec["schedule"],
                args=tuple(spec.get("args", ())),
                kwargs=spec.get("kwargs", {}),
                last_run_at=started_at,
                app=app,
            )
            for name, spec in schedule.items()
        }

    def tick(self) -> tuple[list[str], float]:
        """Runs every due entry once; returns their names and the seconds until the next one is due."""
        ran, wait = [], 60.0
        for name, entry in list(self.entries.items()):
            due, next_in = entry.is_due()
            if due:
                try:
                    self.app.tasks[entry.task].apply(args=entry.args, kwargs=entry.kwargs, throw=True)
                except Exception:
                    # One failing sweep must not stop the others; it runs again at its next time.
                    logger.exception("scheduled task %s failed", name)
                self.entries[name] = entry = next(entry)
                ran.append(name)
                next_in = entry.is_due().next
            wait = min(wait, next_in)
        return ran, max(wait, 0.5)
