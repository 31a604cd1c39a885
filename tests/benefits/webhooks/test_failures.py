"""What a failed try leads to: an endpoint is disabled only by a try that fails 3 days or more
into its run of failures (never by the run's age alone), and a failure of the portal's own
during a try — a stored secret that can't sign, the task's time limit — counts as a failed
attempt, so the delivery follows the retry schedule to its end instead of being tried for ever."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from django.utils import timezone

from accounts.models import OutgoingMail, Role
from benefits.webhooks import delivery as delivery_module
from benefits.webhooks.delivery import delivery_attempt, portal_error
from benefits.webhooks.failures import Failure
from benefits.webhooks.models import WebhookDelivery, WebhookEndpoint
from benefits.webhooks.tasks import deliver_webhook, webhook_deliveries_due
from tests.accounts.factories import UserFactory
from tests.benefits.webhooks.endpoints import endpoint_make, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def nowhere(loopback_allowed) -> str:
    """A loopback URL nothing listens on: every try fails at once (connection refused)."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    return f"http://127.0.0.1:{port}/in"


@pytest.fixture
def admin(organization):
    return UserFactory.create(organization=organization, roles=[Role.USER_ADMIN.value])


def try_again(delivery: WebhookDelivery):
    """The delivery's next try, made now (its wait skipped)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    return delivery_attempt(delivery_id=delivery.pk)


def disabled_mails() -> list[str]:
    return [mail.to for mail in OutgoingMail.objects.filter(template="webhook_disabled")]


# --- Disabling --------------------------------------------------------------------------------


def test_an_endpoint_failing_over_three_days_is_disabled_and_its_admins_told(
    organization, admin, nowhere
):
    endpoint = endpoint_make(organization, url=nowhere)
    record(organization, actor=admin)  # not committed in this test: the tries are made below
    delivery = WebhookDelivery.objects.get()
    assert try_again(delivery) is not None
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None
    first = endpoint.failing_since

    # Two days on, still failing: not yet.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=first - timedelta(days=2))
    try_again(delivery)
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert disabled_mails() == []

    # Three days on, a try fails again: disabled, and the team admins told once.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=first - timedelta(days=3, minutes=1)
    )
    try_again(delivery)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_reason == "failing"
    assert disabled_mails() == [admin.email]


def test_a_run_of_failures_that_went_quiet_disables_nothing(organization, admin, monkeypatch):
    """One event used up its tries 4 days ago and none came since: nothing was tried for days,
    so the endpoint is not "failing for 3 days in a row"."""
    monkeypatch.setattr(deliver_webhook, "delay", lambda delivery_id: None)
    endpoint = endpoint_make(
        organization, failing_since=timezone.now() - timedelta(days=4), url="https://x.example/"
    )
    record(organization)
    WebhookDelivery.objects.update(status=WebhookDelivery.Status.FAILED, next_attempt_at=None)
    webhook_deliveries_due()  # the safety net, run every minute
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert disabled_mails() == []


# --- A failure of the portal's own ------------------------------------------------------------


def test_a_secret_that_cant_sign_is_a_failed_attempt_until_the_delivery_fails(
    organization, receiver, settings
):
    settings.WEBHOOKS_RETRY_DELAYS = [0.05, 0.05]
    endpoint = endpoint_make(organization, url=receiver.url())
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret="whsec_x")  # not base64
    record(organization)
    delivery = WebhookDelivery.objects.get()

    attempt = try_again(delivery)
    assert attempt is not None
    assert attempt.retry_in == 0.05
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert (delivery.attempts, delivery.retries) == (1, 1)
    assert delivery.last_response_code is None
    assert delivery.failure == Failure.PORTAL
    assert delivery.last_error.startswith("Portal error: Error: ")  # binascii.Error's words
    assert "Traceback" not in delivery.last_error
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None

    try_again(delivery)
    try_again(delivery)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 3
    assert try_again(delivery) is None  # failed: no longer handed over nor tried
    assert receiver.requests == 0


def test_the_tasks_time_limit_is_a_failed_attempt(organization, receiver, monkeypatch):
    def stopped(**_kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(delivery_module, "post", stopped)
    endpoint_make(organization, url=receiver.url())
    record(organization)
    delivery = WebhookDelivery.objects.get()
    attempt = try_again(delivery)
    assert attempt is not None
    assert not attempt.outcome.succeeded
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.retries) == (1, 1)
    assert delivery.failure == Failure.STOPPED
    assert delivery.last_error == "The try took too long and was stopped"
    assert delivery.status == WebhookDelivery.Status.PENDING


def test_the_task_has_time_limits_past_the_tries_deadline(settings):
    assert deliver_webhook.soft_time_limit > settings.WEBHOOKS_ATTEMPT_SECONDS
    assert deliver_webhook.time_limit > deliver_webhook.soft_time_limit


def test_a_database_errors_words_are_not_shown_to_the_endpoints_admins():
    error = OperationalError('connection to server at "10.0.0.5", port 5432 failed')
    assert portal_error(error) == "Portal error: OperationalError"
    assert portal_error(ValueError("bad\nsecond line")) == "Portal error: ValueError: bad"
