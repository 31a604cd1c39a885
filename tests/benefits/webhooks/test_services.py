"""Registering endpoints (URL rules, secret, kinds) and the outbox: a delivery per wanted
activity record and active endpoint, written in the record's own transaction."""

from __future__ import annotations

import base64
import json
import socket
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from accounts.models import Role
from benefits.models import Activity
from benefits.webhooks import services
from benefits.webhooks.addresses import REFUSED_ADDRESS_MESSAGE, UNRESOLVED_MESSAGE
from benefits.webhooks.delivery import signed_headers
from benefits.webhooks.models import WebhookDelivery
from benefits.webhooks.outbox import deliveries_enqueue
from benefits.webhooks.payload import webhook_body, webhook_payload
from benefits.webhooks.services import (
    DISABLED_RESEND_MESSAGE,
    HTTP_LOOPBACK_ONLY_MESSAGE,
    HTTPS_REQUIRED_MESSAGE,
    KINDS_REQUIRED_MESSAGE,
    KINDS_UNKNOWN_MESSAGE,
    URL_CREDENTIALS_MESSAGE,
)
from tests.accounts.factories import UserFactory
from tests.benefits.redeeming import redeem_by_service
from tests.benefits.webhooks.conftest import endpoint_make, record
from tests.conftest import refusal

pytestmark = pytest.mark.django_db

PUBLIC_ADDRESS = "93.184.215.14"


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


def create(organization, url: str, kinds=("credit_assigned",)):
    actor = UserFactory.create(organization=organization)
    return services.endpoint_create(organization=organization, actor=actor, url=url, kinds=kinds)


# --- The URL ----------------------------------------------------------------------------------


def test_a_public_https_endpoint_is_registered(organization, public_dns, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    endpoint, _secret = create(organization, "https://hooks.example.com/in")
    assert endpoint.url == "https://hooks.example.com/in"
    assert endpoint.is_active
    assert endpoint.kinds == ["credit_assigned"]


def test_plain_http_is_refused(organization, public_dns):
    message = refusal(lambda: create(organization, "http://hooks.example.com/in"))
    assert message == str(HTTPS_REQUIRED_MESSAGE)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/in", "http://localhost/in", "http://[::1]/"]
)
def test_plain_http_to_loopback_needs_debug(organization, settings, url):
    settings.DEBUG = False
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    assert refusal(lambda: create(organization, url)) == str(HTTP_LOOPBACK_ONLY_MESSAGE)
    settings.DEBUG = True
    endpoint, _secret = create(organization, url)
    assert endpoint.url == url


def test_plain_http_elsewhere_is_refused_even_with_debug(organization, settings, public_dns):
    settings.DEBUG = True
    message = refusal(lambda: create(organization, "http://hooks.example.com/in"))
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
    message = refusal(lambda: create(organization, url))
    assert message == REFUSED_ADDRESS_MESSAGE % {"host": host}


def test_a_name_that_resolves_nowhere_is_refused(organization):
    url = "https://no-such-host.invalid/in"
    message = refusal(lambda: create(organization, url))
    assert message == UNRESOLVED_MESSAGE % {"host": "no-such-host.invalid"}


def test_credentials_in_the_url_are_refused(organization, public_dns):
    message = refusal(lambda: create(organization, "https://me:pw@hooks.example.com/in"))
    assert message == str(URL_CREDENTIALS_MESSAGE)


# --- Secret and kinds -------------------------------------------------------------------------


def test_the_secret_is_standard_webhooks_and_rotation_replaces_it(organization, public_dns):
    endpoint, secret = create(organization, "https://hooks.example.com/in")
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    body = b'{"id":"msg_1"}'
    headers = signed_headers(
        secret=endpoint.secret, message_id="msg_1", body=body, at=timezone.now()
    )
    Webhook(secret).verify(body, headers)

    rotated = services.endpoint_secret_rotate(endpoint=endpoint)
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
    assert refusal(lambda: create(organization, "https://hooks.example.com/", kinds=[])) == str(
        KINDS_REQUIRED_MESSAGE
    )
    assert refusal(
        lambda: create(
            organization, "https://hooks.example.com/", kinds=["nope", "credit_assigned"]
        )
    ) == KINDS_UNKNOWN_MESSAGE % {"kinds": "nope"}
    endpoint, _secret = create(
        organization, "https://hooks.example.com/", kinds=["key_redeemed", "credit_assigned"]
    )
    assert endpoint.kinds == ["credit_assigned", "key_redeemed"]
    services.endpoint_kinds_change(endpoint=endpoint, kinds=["roles_changed"])
    endpoint.refresh_from_db()
    assert endpoint.kinds == ["roles_changed"]


# --- The outbox -------------------------------------------------------------------------------


def test_each_wanted_record_gets_one_delivery_per_active_endpoint(
    organization, other_organization, django_capture_on_commit_callbacks
):
    first = endpoint_make(organization)
    second = endpoint_make(organization, kinds=["roles_changed"])
    endpoint_make(organization, kinds=["credit_assigned"])  # not this kind
    endpoint_make(organization, is_active=False)  # disabled
    endpoint_make(other_organization)  # another organization's
    with django_capture_on_commit_callbacks() as callbacks:
        activity = record(organization)
    deliveries = WebhookDelivery.objects.filter(activity=activity)
    assert {delivery.endpoint_id for delivery in deliveries} == {first.pk, second.pk}
    assert len({delivery.message_id for delivery in deliveries}) == 2
    assert WebhookDelivery.objects.count() == 2
    [hand_over] = [
        callback for callback in callbacks if getattr(callback, "func", None) is deliveries_enqueue
    ]
    assert sorted(hand_over.args[0]) == sorted(delivery.pk for delivery in deliveries)


def test_a_rolled_back_change_leaves_no_delivery(organization, django_capture_on_commit_callbacks):
    endpoint_make(organization)
    actor = UserFactory.create(organization=organization)

    def change_that_fails() -> None:
        with transaction.atomic():
            record(organization, actor=actor)
            assert WebhookDelivery.objects.count() == 1  # written with the record...
            raise RuntimeError("the change fails after its record")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        change_that_fails()
    assert WebhookDelivery.objects.count() == 0  # ...and gone with it
    assert not Activity.objects.filter(organization=organization).exists()
    assert not [c for c in callbacks if getattr(c, "func", None) is deliveries_enqueue]


def test_a_record_costs_one_lookup_when_no_endpoint_wants_it(organization):
    actor = UserFactory.create(organization=organization)
    endpoint_make(organization, kinds=["credit_assigned"])
    with CaptureQueriesContext(connection) as queries:
        record(organization, actor=actor)
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == 2, statements  # the record, the endpoints' lookup
    assert "webhooks_webhookendpoint" in statements[1]

    endpoint_make(organization, kinds=["roles_changed"])
    with CaptureQueriesContext(connection) as queries:
        record(organization, actor=actor)
    assert len(queries) == 3  # and one insert of the deliveries


def test_a_disabled_endpoint_gets_no_new_delivery(organization):
    endpoint = endpoint_make(organization)
    services.endpoint_disable(endpoint=endpoint)
    record(organization)
    assert not endpoint.deliveries.exists()
    services.endpoint_enable(endpoint=endpoint)
    record(organization)
    assert endpoint.deliveries.count() == 1


def test_a_resend_keeps_the_webhook_id_and_is_refused_while_disabled(organization):
    endpoint = endpoint_make(organization)
    record(organization)
    delivery = endpoint.deliveries.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.FAILED, retries=8, next_attempt_at=None
    )
    delivery.refresh_from_db()
    again = services.delivery_resend(delivery=delivery)
    assert again.message_id == delivery.message_id
    assert again.status == WebhookDelivery.Status.PENDING
    assert again.retries == 0
    services.endpoint_disable(endpoint=endpoint)
    delivery.refresh_from_db()
    assert refusal(lambda: services.delivery_resend(delivery=delivery)) == str(
        DISABLED_RESEND_MESSAGE
    )


# --- The payload ------------------------------------------------------------------------------


def test_the_payload_is_the_records_public_fields(organization):
    activity = record(organization)
    payload = webhook_payload(activity=activity, message_id="msg_x")
    assert payload == {
        "id": "msg_x",
        "type": "roles_changed",
        "timestamp": activity.created_at.isoformat(),
        "data": {
            "id": activity.pk,
            "kind": "roles_changed",
            "created_at": activity.created_at.isoformat(),
            "actor_email": activity.actor_email,
            "api_token_name": "",
            "benefit_id": None,
            "subscription_id": None,
            "directory_user_id": None,
            "before": activity.before,
            "after": activity.after,
        },
    }
    assert json.loads(webhook_body(activity=activity, message_id="msg_x")) == payload


def test_a_redemption_is_sent_without_its_full_key(contoso, contoso_admin):
    from benefits.models import ProductKey, Subscription

    endpoint_make(contoso, kinds=["key_redeemed"])
    key = ProductKey.objects.get(key="36XHH-2D2TT-9HB6D-FV6M9-F7CPQ")
    subscription = Subscription.objects.get(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name="Office 365 E3"
    )
    assert redeem_by_service(key_id=key.pk, subscription=subscription, actor=contoso_admin) == (
        "redeemed"
    )
    delivery = WebhookDelivery.objects.get(activity__kind="key_redeemed")
    body = webhook_body(activity=delivery.activity, message_id=delivery.message_id).decode()
    compact = key.key.replace("-", "")
    assert key.key not in body
    assert compact not in body
    assert key.key[:5] not in body  # not even its first group
    payload = json.loads(body)
    assert payload["data"]["subscription_id"] == subscription.pk
    assert payload["data"]["after"]["key"] == key.masked_key


# --- Retries and disabling --------------------------------------------------------------------


def test_the_default_retries_span_about_a_day():
    from partnerbenefits import settings as defaults

    total = sum(defaults.WEBHOOKS_RETRY_DELAYS)
    assert timedelta(hours=22) <= timedelta(seconds=total) <= timedelta(hours=26)
    assert sorted(defaults.WEBHOOKS_RETRY_DELAYS) == defaults.WEBHOOKS_RETRY_DELAYS


def test_the_team_admins_are_told_when_a_failing_endpoint_is_disabled(organization):
    from benefits.webhooks.delivery import endpoints_failing_disable

    admin = UserFactory.create(
        organization=organization, roles=[Role.USER_ADMIN.value], language="fr"
    )
    UserFactory.create(organization=organization, roles=[Role.ADMIN_AGENT.value])  # benefits only
    now = timezone.now()
    failing = endpoint_make(organization, failing_since=now - timedelta(days=3, minutes=1))
    recent = endpoint_make(organization, failing_since=now - timedelta(days=2, hours=23))
    with_success = endpoint_make(organization, last_success_at=now)
    assert endpoints_failing_disable(now=now) == [failing.pk]
    failing.refresh_from_db()
    recent.refresh_from_db()
    with_success.refresh_from_db()
    assert not failing.is_active
    assert failing.disabled_reason == "failing"
    assert recent.is_active
    assert with_success.is_active
    assert endpoints_failing_disable(now=now) == []  # told once
    record(organization)
    assert not failing.deliveries.exists()
    from accounts.models import OutgoingMail

    mails = list(OutgoingMail.objects.filter(template="webhook_disabled"))
    assert [mail.to for mail in mails] == [admin.email]
    assert failing.url in mails[0].text
    assert "désactivé" in mails[0].subject


def test_a_key_import_is_sent_too(contoso, office_benefit):
    """Staff's key import writes its records through the same function: they reach the outbox."""
    from benefits.services.key_import import KeyRow, key_import_apply
    from tests.benefits.factories import random_key

    endpoint = endpoint_make(contoso, kinds=["keys_imported"])
    staff = UserFactory.create(email="importer@partnerbenefits.example", organization=None)
    rows = [
        KeyRow(number=line, key=random_key(7_000 + line), licenses=5, benefit=office_benefit.pk)
        for line in (2, 3)
    ]
    key_import_apply(rows=rows, actor=staff)
    delivery = endpoint.deliveries.get()
    payload = webhook_payload(activity=delivery.activity, message_id=delivery.message_id)
    assert payload["type"] == "keys_imported"
    assert payload["data"]["benefit_id"] == office_benefit.pk
    assert payload["data"]["after"]["keys"] == 2
