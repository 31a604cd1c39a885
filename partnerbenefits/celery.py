"""The Celery app: work that leaves the request (mail delivery) runs on workers started with
``celery -A partnerbenefits worker``. Its settings are Django's named ``CELERY_*`` (settings.py,
"Tasks"); each app's tasks live in its ``tasks.py``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerbenefits.settings")

app = Celery("partnerbenefits")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
