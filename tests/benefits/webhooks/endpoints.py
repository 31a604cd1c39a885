"""Webhook endpoints and activity records for the webhook tests, made as the portal makes them."""

from __future__ import annotations

from accounts.models import Role
from benefits.models import Activity
from benefits.services.activity import activity_record
from benefits.webhooks.models import WebhookEndpoint
from benefits.webhooks.services import secret_new
from tests.accounts.factories import UserFactory


def endpoint_make(organization, *, url: str = "https://hooks.example.com/in", kinds=None, **fields):
    """An endpoint of ``organization`` (every kind unless told), its secret returned with it."""
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(
        organization=organization,
        url=url,
        kinds=list(Activity.Kind.values if kinds is None else kinds),
        secret=secret,
        **fields,
    )
    return endpoint


def admin_of(endpoint: WebhookEndpoint):
    """A Global admin of the endpoint's organization, to act on it as the Team page does."""
    return UserFactory.create(organization=endpoint.organization, roles=[Role.GLOBAL_ADMIN.value])


def record(organization, *, actor=None, kind: str = Activity.Kind.ROLES_CHANGED, **snapshot):
    """One activity record of ``organization`` (a team change), as the services write them."""
    actor = actor or UserFactory.create(organization=organization, roles=[Role.GLOBAL_ADMIN.value])
    return activity_record(
        kind=kind,
        actor=actor,
        organization=organization,
        before=snapshot.get("before", {"member": "a@partner.example", "roles": []}),
        after=snapshot.get("after", {"member": "a@partner.example", "roles": ["admin_agent"]}),
    )
