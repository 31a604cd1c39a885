"""The safety net (run every minute by celery beat): it hands a worker the deliveries whose
next try is due — a lost task, or a wait too long to keep on the broker — once per while, never
those of a disabled endpoint, nor those a try holds (it doesn't wait for one). Endpoints are
disabled by failed tries, not by the net (test_failures.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from benefits.webhooks import tasks
from benefits.webhooks.models import WebhookDelivery
from benefits.webhooks.tasks import COUNTDOWN_MAX_SECONDS, webhook_deliveries_due
from tests.benefits.webhooks.endpoints import endpoint_make, record

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


@pytest.mark.django_db(transaction=True)
def test_the_net_skips_a_delivery_a_try_holds_without_waiting(postgres, organization, handed):
    import threading
    import time

    from django.db import connection, transaction

    endpoint_make(organization)
    held_activity, free_activity = record(organization), record(organization)
    handed.clear()  # the hand-overs of their own commits
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    held = WebhookDelivery.objects.get(activity=held_activity)
    free = WebhookDelivery.objects.get(activity=free_activity)
    locked, release = threading.Event(), threading.Event()

    def a_try_in_flight() -> None:
        try:
            with transaction.atomic():
                WebhookDelivery.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(5)
        finally:
            connection.close()

    thread = threading.Thread(target=a_try_in_flight)
    thread.start()
    try:
        assert locked.wait(5)
        started = time.monotonic()
        handed_over = webhook_deliveries_due()
        took = time.monotonic() - started
    finally:
        release.set()
        thread.join()
    assert handed_over == 1
    assert handed == [free.pk]
    assert took < 2
    held.refresh_from_db()
    assert held.queued_at is None  # handed over once the try lets it go, if still due
