"""Settings of the fault drills: production's, with the clock of the recovery sweeps compressed.

Every process of a drill (web, worker, beat, the drill itself) runs with these. What a drill proves about
production holds with the production intervals too; only the waiting is shorter:

- the beat sweeps that pick up what a failure left (unscreened submissions, digest chains of a dead worker)
  run every DRILL_SWEEP_SECONDS (default 2) instead of every one or five minutes;
- a submission counts as missed by the broker after DRILL_UNSCREENED_AFTER_SECONDS (default 15; production:
  60);
- DIGEST_CLAIM_STALE_SECONDS is set by the drill's environment (production reads it the same way);
- static files are referenced without collectstatic's manifest: drills read pages, not stylesheets.
"""

from portal.settings.production import *  # noqa: F401,F403
from portal.settings.production import CELERY_BEAT_SCHEDULE, env

_SWEEP_SECONDS = env.float("DRILL_SWEEP_SECONDS", default=2.0)

CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "screen-unscreened": {
        **CELERY_BEAT_SCHEDULE["screen-unscreened"],
        "schedule": _SWEEP_SECONDS,
        "kwargs": {"older_than_seconds": env.int("DRILL_UNSCREENED_AFTER_SECONDS", default=15)},
    },
    "resume-digests": {**CELERY_BEAT_SCHEDULE["resume-digests"], "schedule": _SWEEP_SECONDS},
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
