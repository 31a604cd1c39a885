"""The webhooks' outbox: a delivery per wanted activity record and active endpoint, written in
the record's own transaction; the payload (the record's public fields, never a full key); the
retries, and the team admins told when a failing endpoint is disabled."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from benefits.models import Activity
from benefits.webhooks import services
from benefits.webhooks.models import WebhookDelivery
from benefits.webhooks.outbox import deliveries_enqueue
from benefits.webhooks.payload import webhook_body, webhook_payload
from benefits.webhooks.services import DISABLED_RESEND_MESSAGE
from tests.accounts.factories import UserFactory
from tests.benefits.redeeming import redeem_by_service
from tests.benefits.webhooks.endpoints import admin_of, endpoint_make, record
from tests.conftest import refusal

pytestmark = pytest.mark.django_db


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
    # Team changes only: not the records of its own disabling and enabling.
    endpoint = endpoint_make(organization, kinds=["roles_changed"])
    services.endpoint_disable(endpoint=endpoint, actor=admin_of(endpoint))
    record(organization)
    assert not endpoint.deliveries.exists()
    services.endpoint_enable(endpoint=endpoint, actor=admin_of(endpoint))
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
    services.endpoint_disable(endpoint=endpoint, actor=admin_of(endpoint))
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
    # Why it comes, and its link labelled in the plain part as in the HTML one.
    assert "votre compte gère l’équipe de" in mails[0].text
    assert "Ouvrir la page du point de réception :" in mails[0].text


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
