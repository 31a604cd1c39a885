"""One try's total deadline (WEBHOOKS_ATTEMPT_SECONDS): a receiver that answers a byte at a time
is cut off when it passes, however short each wait; an address that doesn't take the connection
leaves the next one the time left, and none once it is spent."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from benefits.webhooks import addresses, transport
from benefits.webhooks.delivery import delivery_attempt
from benefits.webhooks.failures import Failure
from benefits.webhooks.models import WebhookDelivery
from benefits.webhooks.transport import post
from tests.benefits.webhooks.endpoints import endpoint_make, record

ANSWER = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"


@contextmanager
def dripping_receiver(*, at_once: bytes, drip: bytes, every: float) -> Iterator[int]:
    """A receiver on a loopback port that reads the request, sends ``at_once``, then ``drip``
    one byte every ``every`` seconds (each wait far under the 10 s of one read)."""
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()

    def serve() -> None:
        try:
            conn, _ = listening.accept()
        except OSError:
            return
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(at_once)
                for byte in drip:
                    time.sleep(every)
                    conn.sendall(bytes([byte]))
            except OSError:
                return  # the portal hung up: what the deadline is for

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listening.getsockname()[1]
    finally:
        listening.close()
        thread.join(timeout=10)


@pytest.mark.parametrize(
    ("at_once", "drip"),
    [(b"", ANSWER), (b"HTTP/1.1 204 No Content\r\n", b"Content-Length: 0\r\n\r\n")],
    ids=["status line", "headers"],
)
def test_a_receiver_dripping_its_answer_is_cut_off_at_the_deadline(
    loopback_allowed, settings, at_once, drip
):
    settings.WEBHOOKS_ATTEMPT_SECONDS = 1
    # Whole, the answer would take 2 s or more: a success, were only single waits bounded.
    with dripping_receiver(at_once=at_once, drip=drip, every=2 / len(drip)) as port:
        started = time.monotonic()
        outcome = post(url=f"http://127.0.0.1:{port}/", body=b"{}", headers={})
        took = time.monotonic() - started
    assert outcome.status is None
    assert (outcome.failure, outcome.error) == (Failure.TIMEOUT, "No answer within 1 s")
    assert 0.9 < took < 1.5


def test_a_receiver_answering_in_time_byte_by_byte_succeeds(loopback_allowed, settings):
    settings.WEBHOOKS_ATTEMPT_SECONDS = 3
    with dripping_receiver(at_once=b"", drip=ANSWER, every=0.01) as port:
        outcome = post(url=f"http://127.0.0.1:{port}/", body=b"{}", headers={})
    assert outcome.status == 204


@pytest.mark.django_db
def test_a_dripping_receiver_costs_a_delivery_one_failed_try(organization, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_ATTEMPT_SECONDS = 0.5
    with dripping_receiver(at_once=b"", drip=ANSWER, every=0.1) as port:
        endpoint_make(organization, url=f"http://127.0.0.1:{port}/in")
        record(organization)  # its commit never comes in this test: the try is made below
        delivery = WebhookDelivery.objects.get()
        attempt = delivery_attempt(delivery_id=delivery.pk)
    assert attempt is not None
    assert not attempt.outcome.succeeded
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert (delivery.attempts, delivery.retries) == (1, 1)
    assert (delivery.failure, delivery.last_error) == (Failure.TIMEOUT, "No answer within 0.5 s")


@pytest.fixture
def two_addresses(loopback_allowed, monkeypatch) -> list[tuple[str, float]]:
    """two.test resolves to 127.0.0.2, which never takes a connection (each dial waits its whole
    timeout), then 127.0.0.1. Returns the dials made: (address, timeout)."""
    dials: list[tuple[str, float]] = []
    real_lookup = socket.getaddrinfo
    real_connect = socket.create_connection

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "two.test":
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.2", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
            ]
        return real_lookup(host, port, *args, **kwargs)

    def create_connection(address, timeout, source=None):
        dials.append((address[0], timeout))
        if address[0] == "127.0.0.2":
            time.sleep(timeout)
            raise TimeoutError("timed out")
        return real_connect(address, timeout, source)

    monkeypatch.setattr(addresses.socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(transport.socket, "create_connection", create_connection)
    return dials


def test_an_address_that_times_out_leaves_the_next_the_time_left(
    two_addresses, receiver, settings, monkeypatch
):
    monkeypatch.setattr(transport, "TIMEOUT_SECONDS", 0.3)
    settings.WEBHOOKS_ATTEMPT_SECONDS = 2
    receiver.answer = 204
    outcome = post(url=f"http://two.test:{receiver.port}/in", body=b"{}", headers={})
    assert outcome.status == 204
    assert [address for address, _timeout in two_addresses] == ["127.0.0.2", "127.0.0.1"]
    assert two_addresses[0][1] == 0.3  # one wait is bounded by itself


def test_no_address_is_tried_once_the_deadline_has_passed(two_addresses, receiver, settings):
    settings.WEBHOOKS_ATTEMPT_SECONDS = 0.5
    receiver.answer = 204
    started = time.monotonic()
    outcome = post(url=f"http://two.test:{receiver.port}/in", body=b"{}", headers={})
    assert time.monotonic() - started < 1.5
    assert outcome.status is None
    assert outcome.error == "No answer within 0.5 s"
    assert [address for address, _timeout in two_addresses] == ["127.0.0.2"]
    assert two_addresses[0][1] <= 0.5  # not the 10 s of one wait
    assert receiver.requests == 0
