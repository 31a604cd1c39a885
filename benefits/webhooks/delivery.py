"""One try of one delivery, and what follows from it: the delivery's status and next try, the
endpoint's run of failures, and — on a failed try 3 days or more into a run without a success —
the endpoint disabled and its organization's team admins told.

A try holds the delivery's row lock from before the request until its outcome is written, so a
second task for the same row (a broker redelivery, the safety net) finds it locked or no longer
due and sends nothing: each delivery is in flight at most once. Its webhook-id never changes;
its webhook-timestamp and signature are made afresh for each try, since receivers refuse a
timestamp more than 5 minutes old.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from accounts.mail import absolute_url, send_mail
from accounts.models import User
from benefits.webhooks.failures import Failure
from benefits.webhooks.models import WebhookDelivery, WebhookEndpoint
from benefits.webhooks.payload import webhook_body
from benefits.webhooks.transport import Outcome, post

logger = logging.getLogger(__name__)

# An endpoint that fails a try this long or longer after its first failure, with no success
# between, is disabled (SPEC 11).
DISABLE_AFTER = timedelta(days=3)
DISABLED_FAILING = "failing"


@dataclass(frozen=True)
class Attempt:
    """What a try did: its ``outcome``, and the seconds until the next try (None: no more)."""

    delivery_id: int
    outcome: Outcome
    retry_in: float | None


def signed_headers(*, secret: str, message_id: str, body: bytes, at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers of ``body`` sent at ``at``."""
    signature = Webhook(secret).sign(msg_id=message_id, timestamp=at, data=body.decode())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


def retry_delay(retries: int) -> float | None:
    """Seconds after the ``retries``-th failure (1 for the first) before the next try, or None
    when the delivery has had all its tries."""
    delays = settings.WEBHOOKS_RETRY_DELAYS
    return float(delays[retries - 1]) if retries <= len(delays) else None


def delivery_attempt(*, delivery_id: int) -> Attempt | None:
    """Try ``delivery_id`` once if it is due (pending, its time come, its endpoint active) and
    nobody else holds it; None otherwise. Never raises for the receiver or the network; an
    exception of the portal's own during the try (a payload that can't be built, a stored secret
    that can't sign, the task's soft time limit) is written down as a failed attempt too, so the
    delivery follows the retry schedule to its end instead of being handed over for ever."""
    try:
        return _attempt(delivery_id=delivery_id)
    except Exception as error:
        # Its transaction (and the row lock) is gone: the failure gets one of its own.
        logger.exception("Webhook delivery %s failed inside the portal", delivery_id)
        return _failure_record(delivery_id=delivery_id, error=error)


def _due(delivery_id: int) -> QuerySet[WebhookDelivery]:
    """``delivery_id`` if it is due, locked, unless a try holds it already (then nothing)."""
    rows = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at__lte=timezone.now(),
        endpoint__is_active=True,
    ).select_related("endpoint", "activity")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return rows


def _attempt(*, delivery_id: int) -> Attempt | None:
    with transaction.atomic():
        delivery = _due(delivery_id).first()
        if delivery is None:
            return None
        endpoint = delivery.endpoint
        body = webhook_body(activity=delivery.activity, message_id=delivery.message_id)
        sent_at = timezone.now()
        outcome = post(
            url=endpoint.url,
            body=body,
            headers=signed_headers(
                secret=endpoint.secret, message_id=delivery.message_id, body=body, at=sent_at
            ),
        )
        retry_in = _outcome_record(delivery=delivery, outcome=outcome, sent_at=sent_at)
    return Attempt(delivery_id=delivery_id, outcome=outcome, retry_in=retry_in)


def _failure_record(*, delivery_id: int, error: Exception) -> Attempt | None:
    """``error``, raised during a try of ``delivery_id``, written down as that try's failure
    (if the delivery is still due and free)."""
    stopped = isinstance(error, SoftTimeLimitExceeded)
    failure = Failure.STOPPED if stopped else Failure.PORTAL
    outcome = Outcome(status=None, error=portal_error(error), failure=failure)
    with transaction.atomic():
        delivery = _due(delivery_id).first()
        if delivery is None:
            return None
        retry_in = _outcome_record(delivery=delivery, outcome=outcome, sent_at=timezone.now())
    return Attempt(delivery_id=delivery_id, outcome=outcome, retry_in=retry_in)


def portal_error(error: Exception) -> str:
    """``error`` as the delivery log shows it to the endpoint's admins: its kind and first line,
    no traceback (the log has that), nor a database's words (they name the portal's servers)."""
    if isinstance(error, SoftTimeLimitExceeded):
        return "The try took too long and was stopped"
    words = "" if isinstance(error, DatabaseError) else (str(error).splitlines() or [""])[0]
    kind = type(error).__name__
    return (f"Portal error: {kind}: {words}" if words else f"Portal error: {kind}")[:200]


def _outcome_record(
    *, delivery: WebhookDelivery, outcome: Outcome, sent_at: datetime
) -> float | None:
    """Write how the try of ``delivery`` (locked), made at ``sent_at``, went, and what follows
    for its endpoint; returns the seconds until its next try (None: no more)."""
    endpoint = delivery.endpoint
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = sent_at
    delivery.last_response_code = outcome.status
    delivery.last_error = outcome.error[:200] if not outcome.succeeded else ""
    delivery.failure = outcome.failure if not outcome.succeeded else ""
    retry_in = None
    if outcome.succeeded:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            last_success_at=now, failing_since=None
        )
    else:
        if not delivery.failure:  # an answer came, with another status than 2xx
            delivery.last_error = f"HTTP {outcome.status}"
            delivery.failure = Failure.STATUS
        delivery.retries += 1
        retry_in = retry_delay(delivery.retries)
        if retry_in is None:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + timedelta(seconds=retry_in)
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
            failing_since=sent_at
        )
        # Only a failed try decides: a run of failures that went quiet disables nothing.
        endpoints_failing_disable(endpoint_ids=[endpoint.pk], now=now)
    delivery.save(
        update_fields=[
            "attempts",
            "retries",
            "last_attempt_at",
            "last_response_code",
            "last_error",
            "failure",
            "status",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return retry_in


def endpoints_failing_disable(*, endpoint_ids: list[int] | None = None, now: datetime) -> list[int]:
    """Disable the active endpoints (of ``endpoint_ids``, or all) that failed a try at ``now``
    and have had no success since their first failure ``DISABLE_AFTER`` or more before it, and
    mail their organizations' team admins (once: the endpoint is disabled in the same update).
    Called on each failed try (SPEC 11: "failing for 3 days in a row"), never on the age of the
    first failure alone. Returns the ids disabled."""
    endpoints = WebhookEndpoint.objects.filter(
        is_active=True, failing_since__lte=now - DISABLE_AFTER
    )
    if endpoint_ids is not None:
        endpoints = endpoints.filter(pk__in=endpoint_ids)
    disabled = []
    with transaction.atomic():
        for endpoint in endpoints.select_for_update().select_related("organization"):
            endpoint.is_active = False
            endpoint.disabled_at = now
            endpoint.disabled_reason = DISABLED_FAILING
            endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
            _tell_admins(endpoint)
            disabled.append(endpoint.pk)
    return disabled


def _tell_admins(endpoint: WebhookEndpoint) -> None:
    admins = User.objects.filter(organization_id=endpoint.organization_id, is_active=True)
    link = absolute_url(reverse("team:webhook_detail", args=[endpoint.pk]))
    for admin in admins.order_by("pk"):
        if not admin.has_team_access:
            continue
        send_mail(
            template="webhook_disabled",
            context={
                "url": endpoint.url,
                "organization": endpoint.organization.name,
                "failing_since": endpoint.failing_since,
                "link": link,
            },
            language=admin.language,
            to=admin.email,
        )
