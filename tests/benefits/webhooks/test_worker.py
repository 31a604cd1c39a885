"""A real Celery worker process (``celery -A partnerbenefits worker``, as in production) on
PostgreSQL and a real Redis broker delivers webhooks to a real receiver: every event exactly
once across an outage of a few tries, signed, and nothing once the endpoint is disabled."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from django.db import transaction

from benefits.webhooks import services
from benefits.webhooks.models import WebhookDelivery
from tests.benefits.webhooks.endpoints import admin_of, endpoint_make, record
from tests.celery_workers import real_broker, worker_start, workers_stop

# A Redis database of its own (the mail worker's test uses 9, the digests' 10): tests run side by
# side never take each other's tasks, nor empty each other's queue.
BROKER_URL = os.environ.get("CELERY_TEST_WEBHOOK_BROKER_URL") or "redis://127.0.0.1:6379/11"


@pytest.fixture
def broker(postgres) -> Iterator[str]:
    """The test process publishes to the real broker instead of running tasks itself."""
    with real_broker(BROKER_URL):
        yield BROKER_URL


@pytest.fixture
def worker(broker, smtp_server):
    process = worker_start(
        broker_url=broker,
        smtp=smtp_server,
        WEBHOOKS_ALLOW_PRIVATE_ADDRESSES="1",
        WEBHOOKS_RETRY_DELAYS="0.2,0.2,0.4,0.4,0.4",
    )
    yield process
    workers_stop([process])


@pytest.mark.django_db(transaction=True)
def test_a_worker_delivers_every_event_once_across_an_outage(organization, receiver, worker):
    endpoint = endpoint_make(organization, url=receiver.url())
    receiver.secret = endpoint.secret
    receiver.down_for = 3  # the first three requests get 503
    with transaction.atomic():
        activities = [record(organization) for _ in range(5)]
    received = receiver.wait_for(5, timeout=60)
    time.sleep(1.5)  # anything sent twice would arrive now
    ids = receiver.event_ids()
    assert len(ids) == 5
    assert len(set(ids)) == 5
    assert {r.payload["data"]["id"] for r in received} == {a.pk for a in activities}
    assert receiver.refused_signatures == 0
    assert receiver.requests == 5 + 3
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}
    assert worker.poll() is None

    # Disabled: what is recorded next is never sent.
    services.endpoint_disable(endpoint=endpoint, actor=admin_of(endpoint))
    record(organization)
    time.sleep(1.5)
    assert receiver.requests == 8
    assert not WebhookDelivery.objects.filter(status="pending").exists()
