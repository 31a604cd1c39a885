"""Forgetting the API's idempotency keys once they have been kept long enough."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from benefits.models import IdempotentRequest


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Forget the keys (and their stored answers) older than API_IDEMPOTENCY_KEEP_HOURS; how
    many were removed. The activity records keep their keys, so a forgotten key is still
    refused if it comes back with another change."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.API_IDEMPOTENCY_KEEP_HOURS)
    removed, _counts = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return removed
