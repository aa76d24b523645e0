"""The Celery application. Every setting lives in Django settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Services queue tasks through `portal.core.queue.enqueue_on_commit`, after the commit: a worker never picks
# up a task for a row that is not committed yet (or never will be), and a broker outage leaves the row for a
# periodic sweep instead of failing the request.
app.autodiscover_tasks()
