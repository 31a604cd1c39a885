"""The safety net (run every minute by celery beat): it hands a worker the deliveries whose
next try is due — a lost task, or a wait too long to keep on the broker — once per while, never
those of a disabled endpoint, and it disables the endpoints failing for 3 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from benefits.webhooks import tasks
from benefits.webhooks.models import WebhookDelivery
from benefits.webhooks.tasks import COUNTDOWN_MAX_SECONDS, webhook_deliveries_due
from tests.benefits.webhooks.conftest import endpoint_make, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed(monkeypatch) -> list[int]:
    """The deliveries handed to a worker (nothing is sent)."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", ids.append)
    return ids


def test_overdue_deliveries_are_handed_over_once_a_while(organization, handed):
    endpoint = endpoint_make(organization)
    record(organization)  # not committed in this test: its own hand-over never ran
    record(organization)
    disabled = endpoint_make(organization, is_active=False)
    now = timezone.now()
    WebhookDelivery.objects.update(next_attempt_at=now - timedelta(minutes=5))
    later = endpoint.deliveries.order_by("pk").last()
    assert later is not None
    # A retry hours away waits in the database, not on the broker.
    WebhookDelivery.objects.filter(pk=later.pk).update(next_attempt_at=now + timedelta(hours=5))

    assert webhook_deliveries_due() == 1
    assert webhook_deliveries_due() == 0  # handed over already, a moment ago
    WebhookDelivery.objects.update(queued_at=now - timedelta(minutes=3))
    assert webhook_deliveries_due() == 1  # still not tried: once more
    assert handed == [endpoint.deliveries.order_by("pk").first().pk] * 2
    assert not disabled.deliveries.exists()


def test_the_longest_wait_on_the_broker_stays_under_its_visibility_timeout():
    assert COUNTDOWN_MAX_SECONDS < 60 * 60


def test_endpoints_failing_for_three_days_are_disabled_by_the_net(organization, handed):
    endpoint = endpoint_make(
        organization, failing_since=timezone.now() - timedelta(days=3, hours=1)
    )
    webhook_deliveries_due()
    endpoint.refresh_from_db()
    assert not endpoint.is_active
