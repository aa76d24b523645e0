"""The Celery application. Every setting lives in Django settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Django's fixup makes every task a DjangoTask, which adds `delay_on_commit`: services enqueue with it
# so that a worker never picks up a task for a row that is not committed yet (or never will be).
app.autodiscover_tasks()
