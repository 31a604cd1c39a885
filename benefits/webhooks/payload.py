"""What a webhook carries: one activity record as JSON ``{id, type, timestamp, data}`` (SPEC 11).

One function builds it, so the webhooks and the API describe a record the same way. ``data``
holds the record's public fields only: its snapshots (``before``, ``after``) are written to be
shown (a product key appears by its last group, never whole), and the idempotency key and the
actor's account id stay inside the portal.
"""

from __future__ import annotations

import json
from typing import Any

from benefits.models import Activity


def activity_data(activity: Activity) -> dict[str, Any]:
    """The record's public fields, as the webhooks' ``data`` (and the API's activity item)."""
    return {
        "id": activity.pk,
        "kind": activity.kind,
        "created_at": activity.created_at.isoformat(),
        "actor_email": activity.actor_email,
        "api_token_name": activity.api_token_name,  # "" when the change was made on a screen
        "benefit_id": activity.benefit_id,
        "subscription_id": activity.subscription_id,
        "directory_user_id": activity.directory_user_id,
        "before": activity.before,
        "after": activity.after,
    }


def webhook_payload(*, activity: Activity, message_id: str) -> dict[str, Any]:
    """The event of ``activity``: ``id`` is the delivery's webhook-id (the same for every try),
    ``type`` the activity's kind (``"credit_assigned"``), ``timestamp`` when it happened."""
    return {
        "id": message_id,
        "type": activity.kind,
        "timestamp": activity.created_at.isoformat(),
        "data": activity_data(activity),
    }


def webhook_body(*, activity: Activity, message_id: str) -> bytes:
    """The payload as the bytes sent and signed (compact, UTF-8)."""
    payload = webhook_payload(activity=activity, message_id=message_id)
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
