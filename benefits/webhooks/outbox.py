"""The webhooks' outbox: each activity record becomes one delivery row per endpoint that wants
it, in the record's own transaction (benefits.services.activity.activity_record calls this), and
a worker is handed each row once that transaction commits. A rolled-back change leaves no row;
a broker that loses the task leaves the row, which the safety net (tasks.py) hands over again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

from django.db import transaction

from benefits.models import Activity
from benefits.webhooks.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)


def deliveries_queue(activity: Activity) -> list[WebhookDelivery]:
    """Write the deliveries of ``activity`` to its organization's active endpoints that want its
    kind, and enqueue them after the commit. One query when no endpoint wants it (the common
    case: the endpoints are few, so their kinds are compared here rather than in SQL, the same
    way on every database); one more to write the rows."""
    endpoints = WebhookEndpoint.objects.filter(
        organization_id=activity.organization_id, is_active=True
    ).only("pk", "kinds")
    wanted = [endpoint for endpoint in endpoints if endpoint.wants(activity.kind)]
    if not wanted:
        return []
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint=endpoint, activity=activity, created_at=activity.created_at)
            for endpoint in wanted
        ]
    )
    transaction.on_commit(partial(deliveries_enqueue, [row.pk for row in rows]))
    return rows


def deliveries_enqueue(delivery_ids: Sequence[int]) -> None:
    """Hand each delivery to a worker; a broker that is down is logged, not raised: the change
    is committed, and the safety net finds the rows later."""
    from benefits.webhooks.tasks import deliver_webhook

    for done, delivery_id in enumerate(delivery_ids):
        try:
            deliver_webhook.delay(delivery_id)
        except Exception as error:
            logger.error(
                "Webhook delivery %s could not be handed to the task broker (%s); %s more left "
                "in the outbox",
                delivery_id,
                type(error).__name__,
                len(delivery_ids) - done - 1,
            )
            return
