"""The webhooks' Celery tasks: one delivery's try, and the safety net that hands overdue
deliveries to a worker (partnerbenefits/celery.py runs it every minute).

A retry waits on the broker (a countdown) only when it is short: the Redis broker hands a task
that waits past its visibility timeout (an hour) to a second worker, and keeps nothing on disk,
so the hours-long waits of the later retries are kept in the database (``next_attempt_at``)
and the safety net enqueues each when it is due. The same net catches a first try whose task
was lost. Tasks are idempotent (delivery.py locks the row and checks it is still due), so a
task handed over twice sends once; the net skips the rows a try holds rather than wait for it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import Task, shared_task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from benefits.webhooks.delivery import delivery_attempt
from benefits.webhooks.models import WebhookDelivery

logger = logging.getLogger(__name__)

# The longest wait kept on the broker: under the Redis broker's visibility timeout (one hour).
COUNTDOWN_MAX_SECONDS = 50 * 60
# A pending delivery due this long ago that nobody tried has lost its task (or was left to the
# net for its long wait): it is handed to a worker again.
OVERDUE_AFTER = timedelta(minutes=2)
# At most this many handed over per run; the next run (a minute later) takes the rest.
BATCH = 5000
# A try ends by itself within WEBHOOKS_ATTEMPT_SECONDS (transport.py); these are the last resort
# should something else hang (a DNS lookup, the database). The soft limit raises inside the try,
# which writes it down as a failed attempt (delivery.py) so the retry schedule goes on; the hard
# one ends the worker's process should even that hang.
SOFT_TIME_LIMIT = settings.WEBHOOKS_ATTEMPT_SECONDS + 45
TIME_LIMIT = SOFT_TIME_LIMIT + 30


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def deliver_webhook(self: Task, delivery_id: int) -> None:
    """Try the delivery ``delivery_id`` once (if still due) and schedule its next try."""
    attempt = delivery_attempt(delivery_id=delivery_id)
    if attempt is None or attempt.outcome.succeeded:
        return
    if attempt.retry_in is None:
        logger.warning("Webhook delivery %s failed after its last try", delivery_id)
        return
    if self.request.is_eager:
        # Without a broker the task runs in the process that committed the change: the retry
        # is left to the safety net rather than waited for in the request.
        return
    if attempt.retry_in <= COUNTDOWN_MAX_SECONDS:
        deliver_webhook.apply_async((delivery_id,), countdown=attempt.retry_in)


@shared_task(acks_late=True, ignore_result=True)
def webhook_deliveries_due(overdue_seconds: float | None = None) -> int:
    """Hand a worker every pending delivery of an active endpoint due ``overdue_seconds`` ago
    (default ``OVERDUE_AFTER``) that no try holds now. Returns how many were handed over.
    Endpoints are disabled by their failed tries (delivery.py), not here."""
    now = timezone.now()
    overdue = OVERDUE_AFTER if overdue_seconds is None else timedelta(seconds=overdue_seconds)
    due = WebhookDelivery.objects.filter(
        Q(queued_at__isnull=True) | Q(queued_at__lte=now - overdue),
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at__lte=now - overdue,
        endpoint__is_active=True,
    ).order_by("next_attempt_at", "pk")
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            # A row a try holds is in flight: waiting for it would stall the net for as long.
            due = due.select_for_update(skip_locked=True, of=("self",))
        delivery_ids = list(due.values_list("pk", flat=True)[:BATCH])
        WebhookDelivery.objects.filter(pk__in=delivery_ids).update(queued_at=now)
    # Handed over once committed: a worker quicker than the commit would find them locked.
    for delivery_id in delivery_ids:
        deliver_webhook.delay(delivery_id)
    if delivery_ids:
        logger.info("%s webhook deliveries handed to a worker", len(delivery_ids))
    return len(delivery_ids)
