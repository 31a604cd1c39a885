"""Deliveries to a real HTTP receiver on a loopback port (tasks run in the process, as without a
broker): signed per Standard Webhooks, each event received exactly once across an outage, none
after the endpoint is disabled; redirects not followed; private addresses refused unless
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from benefits.webhooks import services
from benefits.webhooks.delivery import delivery_attempt
from benefits.webhooks.failures import Failure
from benefits.webhooks.models import WebhookDelivery
from benefits.webhooks.tasks import webhook_deliveries_due
from benefits.webhooks.transport import post
from tests.benefits.webhooks.endpoints import admin_of, endpoint_make, record

pytestmark = pytest.mark.django_db(transaction=True)


def deliver_due(rounds: int = 40) -> None:
    """The safety net's runs, back to back, until nothing is left waiting (retries included)."""
    for _ in range(rounds):
        if not WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).exists():
            return
        time.sleep(0.06)  # the shrunk retry delay
        webhook_deliveries_due(overdue_seconds=0)


def test_a_committed_record_reaches_the_receiver_signed(organization, receiver):
    endpoint = endpoint_make(organization, url=receiver.url())
    receiver.secret = endpoint.secret
    activity = record(organization)
    [received] = receiver.wait_for(1)
    delivery = WebhookDelivery.objects.get()
    assert received.payload["id"] == delivery.message_id == received.headers["webhook-id"]
    assert received.payload["type"] == "roles_changed"
    assert received.payload["data"]["id"] == activity.pk
    assert received.headers["content-type"] == "application/json"
    assert received.headers["host"] == f"127.0.0.1:{receiver.port}"
    assert abs(int(received.headers["webhook-timestamp"]) - time.time()) < 60
    assert receiver.refused_signatures == 0
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.last_response_code == 204
    endpoint.refresh_from_db()
    assert endpoint.last_success_at is not None
    assert endpoint.failing_since is None


def test_every_event_arrives_exactly_once_across_an_outage(organization, receiver):
    endpoint = endpoint_make(organization, url=receiver.url())
    receiver.secret = endpoint.secret
    receiver.down_for = 9  # the first nine requests get 503
    activities = [record(organization) for _ in range(4)]
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None
    deliver_due()
    receiver.wait_for(4)
    deliver_due()  # anything sent twice would arrive now
    ids = receiver.event_ids()
    assert len(ids) == 4
    assert len(set(ids)) == 4
    assert sorted(r.payload["data"]["id"] for r in receiver.accepted) == sorted(
        activity.pk for activity in activities
    )
    assert receiver.refused_signatures == 0
    deliveries = WebhookDelivery.objects.all()
    assert all(d.status == WebhookDelivery.Status.SUCCEEDED for d in deliveries)
    assert sum(d.attempts for d in deliveries) == 4 + 9
    # Each retry kept its webhook-id, and each try was signed afresh.
    assert {d.message_id for d in deliveries} == set(ids)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_a_delivery_fails_after_its_last_try(organization, receiver, settings):
    settings.WEBHOOKS_RETRY_DELAYS = [0.05, 0.05]
    endpoint = endpoint_make(organization, url=receiver.url())
    receiver.secret = endpoint.secret
    receiver.down_for = 100
    record(organization)
    deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 3
    assert delivery.last_response_code == 503
    assert (delivery.failure, delivery.last_error) == (Failure.STATUS, "HTTP 503")
    assert receiver.requests == 3
    # Resent: out again, same webhook-id, and received once the receiver is back.
    receiver.down_for = 0
    services.delivery_resend(delivery=delivery)
    [received] = receiver.wait_for(1)
    assert received.headers["webhook-id"] == delivery.message_id


def test_deliveries_stop_when_the_endpoint_is_disabled(organization, receiver):
    # Team changes only: not the records of its own disabling and enabling.
    endpoint = endpoint_make(organization, url=receiver.url(), kinds=["roles_changed"])
    receiver.secret = endpoint.secret
    record(organization)
    receiver.wait_for(1)
    receiver.down_for = 100
    record(organization)  # its first try fails: it waits for a retry
    services.endpoint_disable(endpoint=endpoint, actor=admin_of(endpoint))
    requests = receiver.requests
    record(organization)  # no delivery for a disabled endpoint
    deliver_due(rounds=5)
    assert receiver.requests == requests  # the waiting one isn't tried either
    assert WebhookDelivery.objects.count() == 2
    # Enabled again: the waiting delivery goes out.
    receiver.down_for = 0
    services.endpoint_enable(endpoint=endpoint, actor=admin_of(endpoint))
    receiver.wait_for(2)
    assert len(set(receiver.event_ids())) == 2


def test_a_failing_endpoint_is_disabled_after_three_days(organization, receiver):
    from datetime import timedelta

    endpoint = endpoint_make(
        organization,
        url=receiver.url(),
        failing_since=timezone.now() - timedelta(days=3, minutes=1),
    )
    receiver.down_for = 100
    record(organization)
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_reason == "failing"


def test_a_redirect_is_not_followed_and_counts_as_a_failure(organization, receiver):
    endpoint = endpoint_make(organization, url=receiver.url())
    receiver.answer = 302
    record(organization)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_response_code == 302
    assert delivery.retries == 1
    assert receiver.requests == 1  # the Location was not asked for
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None


def test_a_refused_connection_and_a_silent_receiver_are_failures(organization, loopback_allowed):
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
    # Nothing listens there now: the connection is refused.
    outcome = post(url=f"http://127.0.0.1:{port}/", body=b"{}", headers={})
    assert outcome.status is None
    assert (outcome.failure, outcome.error) == (Failure.REFUSED, "Connection refused")


def test_a_receiver_that_never_answers_times_out(loopback_allowed, monkeypatch):
    import socket

    from benefits.webhooks import transport

    monkeypatch.setattr(transport, "TIMEOUT_SECONDS", 0.3)
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        outcome = post(url=f"http://127.0.0.1:{port}/", body=b"{}", headers={})
    assert outcome.status is None
    assert "0.3" in outcome.error


@pytest.mark.parametrize(
    "host",
    [
        *("127.0.0.1", "10.0.0.1", "169.254.169.254", "[::1]", "localhost"),
        *("[64:ff9b::a9fe:a9fe]", "[::127.0.0.1]"),  # 169.254.169.254 by NAT64, and loopback
    ],
)
def test_private_addresses_are_not_contacted_when_the_setting_is_off(
    organization, receiver, settings, host
):
    endpoint = endpoint_make(organization, url=receiver.url(host=host))
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    record(organization)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert receiver.requests == 0
    assert delivery.last_response_code is None
    assert delivery.failure == Failure.NOT_PUBLIC
    assert "public addresses" in delivery.last_error
    assert delivery.status == WebhookDelivery.Status.PENDING


def test_the_checked_address_is_the_one_connected_to(organization, receiver, monkeypatch):
    """A name resolved once and checked; a second lookup (DNS rebinding) is never made."""
    import socket

    from benefits.webhooks import addresses

    lookups = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        lookups.append(host)
        if host == "hooks.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(addresses.socket, "getaddrinfo", getaddrinfo)
    endpoint = endpoint_make(organization, url=receiver.url(host="hooks.test"))
    receiver.secret = endpoint.secret
    record(organization)
    receiver.wait_for(1)
    # Looked up once; the connection then dials the checked address (a numeric "lookup").
    assert lookups == ["hooks.test", "127.0.0.1"]
    assert receiver.hosts == [f"hooks.test:{receiver.port}"]


def test_a_second_task_for_the_same_delivery_sends_nothing(organization, receiver):
    endpoint = endpoint_make(organization, url=receiver.url())
    receiver.secret = endpoint.secret
    record(organization)
    receiver.wait_for(1)
    delivery = WebhookDelivery.objects.get()
    assert delivery_attempt(delivery_id=delivery.pk) is None
    assert receiver.requests == 1


def test_two_workers_on_one_delivery_send_it_once(postgres, organization, receiver, settings):
    from django.db import transaction

    from tests.conftest import run_at_once

    endpoint = endpoint_make(organization, url=receiver.url())
    receiver.secret = endpoint.secret
    receiver.delay = 0.5  # both tries overlap
    with transaction.atomic():
        record(organization)
        delivery = WebhookDelivery.objects.get()
        # Kept from the worker the commit would hand it to: the two below race for it.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed")
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="pending")
    outcomes = run_at_once(2, lambda _index: delivery_attempt(delivery_id=delivery.pk))
    assert sum(outcome is not None for outcome in outcomes) == 1, outcomes
    assert receiver.requests == 1


@pytest.fixture
def tls_receiver(loopback_allowed, tmp_path, monkeypatch):
    """An HTTPS receiver on 127.0.0.1 whose certificate names hooks.test only; the portal's
    TLS context trusts that certificate, and hooks.test and other.test resolve to 127.0.0.1."""
    import socket
    import ssl
    import subprocess

    from benefits.webhooks import addresses, transport
    from tests.benefits.webhooks.receiver import Receiver

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=hooks.test"),
            *("-addext", "subjectAltName=DNS:hooks.test"),
        ],
        check=True,
        capture_output=True,
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    real_lookup = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in {"hooks.test", "other.test"}:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real_lookup(host, port, *args, **kwargs)

    monkeypatch.setattr(addresses.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(transport, "tls_context", lambda: ssl.create_default_context(cafile=cert))
    server = Receiver().start(tls=server_context)
    yield server
    server.stop()


def test_tls_checks_the_urls_host_name_on_the_checked_address(organization, tls_receiver):
    endpoint = endpoint_make(organization, url=f"https://hooks.test:{tls_receiver.port}/in")
    tls_receiver.secret = endpoint.secret
    record(organization)
    tls_receiver.wait_for(1)
    assert tls_receiver.sni == ["hooks.test"]  # SNI names the host, not the address
    assert tls_receiver.hosts == [f"hooks.test:{tls_receiver.port}"]


def test_a_certificate_for_another_name_is_a_failure(organization, tls_receiver):
    endpoint_make(organization, url=f"https://other.test:{tls_receiver.port}/in")
    record(organization)
    delivery = WebhookDelivery.objects.get()
    assert tls_receiver.requests == 0
    assert delivery.failure == Failure.TLS
    assert delivery.last_error.startswith("TLS")
    assert delivery.status == WebhookDelivery.Status.PENDING
