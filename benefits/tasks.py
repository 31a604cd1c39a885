"""The benefits app's periodic work (the schedule is in partnerbenefits/celery.py)."""

from celery import shared_task

from benefits.services.idempotency import idempotency_keys_purge


@shared_task
def api_idempotency_keys_purge() -> int:
    """Forget API idempotency keys past API_IDEMPOTENCY_KEEP_HOURS (their activity records,
    which carry the key too, stay). Idempotent: running it twice removes nothing more."""
    return idempotency_keys_purge()
