"""Registering webhook endpoints: the URL's rules (HTTPS, public addresses, no credentials),
the Standard Webhooks secret and its rotation, the kinds of activity sent."""

from __future__ import annotations

import base64
import socket

import pytest
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from benefits.webhooks import services
from benefits.webhooks.addresses import REFUSED_ADDRESS_MESSAGE, UNRESOLVED_MESSAGE
from benefits.webhooks.delivery import signed_headers
from benefits.webhooks.services import (
    HTTP_LOOPBACK_ONLY_MESSAGE,
    HTTPS_REQUIRED_MESSAGE,
    KINDS_REQUIRED_MESSAGE,
    KINDS_UNKNOWN_MESSAGE,
    URL_CREDENTIALS_MESSAGE,
    URL_NOT_ASCII_MESSAGE,
    URL_PORT_MESSAGE,
    URL_SPACES_MESSAGE,
)
from tests.accounts.factories import UserFactory
from tests.benefits.webhooks.endpoints import admin_of
from tests.conftest import refusal

pytestmark = pytest.mark.django_db

PUBLIC_ADDRESS = "93.184.215.14"


def endpoint_register(organization, url: str, kinds=("credit_assigned",)):
    """An endpoint registered through the service, its URL checked, as a team admin would."""
    actor = UserFactory.create(organization=organization)
    return services.endpoint_create(organization=organization, actor=actor, url=url, kinds=kinds)


@pytest.fixture
def public_dns(monkeypatch):
    """hooks.example.com resolves to a public address; every other name as the system says."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "hooks.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_ADDRESS, port))]
        if host == "mixed.example.com":
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_ADDRESS, port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_public_https_endpoint_is_registered(organization, public_dns, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    endpoint, _secret = endpoint_register(organization, "https://hooks.example.com/in")
    assert endpoint.url == "https://hooks.example.com/in"
    assert endpoint.is_active
    assert endpoint.kinds == ["credit_assigned"]


def test_plain_http_is_refused(organization, public_dns):
    message = refusal(lambda: endpoint_register(organization, "http://hooks.example.com/in"))
    assert message == str(HTTPS_REQUIRED_MESSAGE)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/in", "http://localhost/in", "http://[::1]/"]
)
def test_plain_http_to_loopback_needs_debug(organization, settings, url):
    settings.DEBUG = False
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    assert refusal(lambda: endpoint_register(organization, url)) == str(HTTP_LOOPBACK_ONLY_MESSAGE)
    settings.DEBUG = True
    endpoint, _secret = endpoint_register(organization, url)
    assert endpoint.url == url


def test_plain_http_elsewhere_is_refused_even_with_debug(organization, settings, public_dns):
    settings.DEBUG = True
    message = refusal(lambda: endpoint_register(organization, "http://hooks.example.com/in"))
    assert message == str(HTTPS_REQUIRED_MESSAGE)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://127.0.0.1/in", "127.0.0.1"),
        ("https://10.20.30.40/in", "10.20.30.40"),
        ("https://192.168.1.1/in", "192.168.1.1"),
        ("https://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("https://[::1]/in", "::1"),
        ("https://[::ffff:10.0.0.1]/in", "::ffff:10.0.0.1"),
        ("https://[64:ff9b::a9fe:a9fe]/in", "64:ff9b::a9fe:a9fe"),  # NAT64 of 169.254.169.254
        ("https://[::127.0.0.1]/in", "::127.0.0.1"),  # IPv4-compatible loopback
        ("https://[2002:a00:1::]/in", "2002:a00:1::"),  # 6to4 of 10.0.0.1
        ("https://224.0.0.1/in", "224.0.0.1"),
        ("https://0.0.0.0/in", "0.0.0.0"),  # noqa: S104
        ("https://100.64.0.1/in", "100.64.0.1"),
        ("https://localhost/in", "localhost"),  # a name that resolves to loopback
        ("https://mixed.example.com/in", "mixed.example.com"),  # one private address of two
    ],
)
def test_private_addresses_are_refused(organization, settings, public_dns, url, host):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    message = refusal(lambda: endpoint_register(organization, url))
    assert message == REFUSED_ADDRESS_MESSAGE % {"host": host}


def test_a_name_that_resolves_nowhere_is_refused(organization):
    url = "https://no-such-host.invalid/in"
    message = refusal(lambda: endpoint_register(organization, url))
    assert message == UNRESOLVED_MESSAGE % {"host": "no-such-host.invalid"}


def test_credentials_in_the_url_are_refused(organization, public_dns):
    message = refusal(lambda: endpoint_register(organization, "https://me:pw@hooks.example.com/in"))
    assert message == str(URL_CREDENTIALS_MESSAGE)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://hooks.example.com/with space", URL_SPACES_MESSAGE),
        ("https://hooks.example.com/\tin", URL_SPACES_MESSAGE),
        ("https://hooks.example.com/caf\u00e9", URL_NOT_ASCII_MESSAGE),
        ("https://h\u00e9h\u00e9.example/in", URL_NOT_ASCII_MESSAGE),
        ("https://hooks.example.com:0/in", URL_PORT_MESSAGE % {"port": 0}),
    ],
)
def test_a_url_a_delivery_could_not_send_is_refused(organization, public_dns, url, expected):
    """Each was saved, then failed every delivery (or sent to port 443 instead of 0)."""
    assert refusal(lambda: endpoint_register(organization, url)) == str(expected)


def test_a_percent_encoded_url_is_registered(organization, public_dns):
    endpoint, _secret = endpoint_register(organization, "https://hooks.example.com/caf%C3%A9")
    assert endpoint.url == "https://hooks.example.com/caf%C3%A9"


# --- Secret and kinds -------------------------------------------------------------------------


def test_the_secret_is_standard_webhooks_and_rotation_replaces_it(organization, public_dns):
    endpoint, secret = endpoint_register(organization, "https://hooks.example.com/in")
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    body = b'{"id":"msg_1"}'
    headers = signed_headers(
        secret=endpoint.secret, message_id="msg_1", body=body, at=timezone.now()
    )
    Webhook(secret).verify(body, headers)

    rotated = services.endpoint_secret_rotate(endpoint=endpoint, actor=admin_of(endpoint))
    assert rotated != secret
    assert rotated.startswith("whsec_")
    endpoint.refresh_from_db()
    headers = signed_headers(
        secret=endpoint.secret, message_id="msg_1", body=body, at=timezone.now()
    )
    Webhook(rotated).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)


def test_kinds_are_required_known_and_kept_in_order(organization, public_dns):
    assert refusal(
        lambda: endpoint_register(organization, "https://hooks.example.com/", kinds=[])
    ) == str(KINDS_REQUIRED_MESSAGE)
    assert refusal(
        lambda: endpoint_register(
            organization, "https://hooks.example.com/", kinds=["nope", "credit_assigned"]
        )
    ) == KINDS_UNKNOWN_MESSAGE % {"kinds": "nope"}
    # A kind left empty or holding a NUL is named so it can be seen.
    assert refusal(
        lambda: endpoint_register(organization, "https://hooks.example.com/", kinds=["", "a\x00"])
    ) == KINDS_UNKNOWN_MESSAGE % {"kinds": '"", aU+0000'}
    endpoint, _secret = endpoint_register(
        organization, "https://hooks.example.com/", kinds=["key_redeemed", "credit_assigned"]
    )
    assert endpoint.kinds == ["credit_assigned", "key_redeemed"]
    services.endpoint_kinds_change(
        endpoint=endpoint, kinds=["roles_changed"], actor=admin_of(endpoint)
    )
    endpoint.refresh_from_db()
    assert endpoint.kinds == ["roles_changed"]
