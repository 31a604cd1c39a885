"""The Celery app: work that leaves the request (mail delivery, the daily digests) runs on
workers started with ``celery -A partnerbenefits worker``, and the schedule below is kept by one
``celery -A partnerbenefits beat``. Its settings are Django's named ``CELERY_*`` (settings.py,
"Tasks"); each app's tasks live in its ``tasks.py``."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerbenefits.settings")

app = Celery("partnerbenefits")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Celery's clock is UTC (its default): SPEC 10's daily job runs at 06:00 UTC.
app.conf.beat_schedule = {
    "daily-digests": {
        "task": "benefits.notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=6, minute=0),
    },
    # The outbox's safety net: mails whose task a broker lost are handed to a worker again.
    "retry-unsent-mail": {
        "task": "accounts.tasks.retry_unsent_mail",
        "schedule": crontab(minute="*/15"),
    },
    # Webhook deliveries whose next try is due (the long waits are kept in the database, not on
    # the broker) or whose task was lost.
    "webhook-deliveries-due": {
        "task": "benefits.webhooks.tasks.webhook_deliveries_due",
        "schedule": crontab(minute="*"),
    },
    # API Idempotency-Keys are answered again for API_IDEMPOTENCY_KEEP_HOURS, then forgotten.
    "api-idempotency-keys-purge": {
        "task": "benefits.tasks.api_idempotency_keys_purge",
        "schedule": crontab(hour=3, minute=30),
    },
}
