"""Fixtures of the webhooks' tests: a real receiver on a loopback port, the settings that let a
delivery reach it (loopback addresses allowed, short retry delays), and endpoints made as a
team admin would, straight in the database when the URL doesn't matter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from accounts.models import Role
from benefits.models import Activity
from benefits.services.activity import activity_record
from benefits.webhooks.models import WebhookEndpoint
from benefits.webhooks.services import secret_new
from tests.accounts.factories import UserFactory
from tests.benefits.webhooks.receiver import Receiver


@pytest.fixture
def loopback_allowed(settings):
    """What a development machine has: deliveries may reach this machine, retries come fast."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_RETRY_DELAYS = [0.05, 0.05, 0.05, 0.05, 0.05]


@pytest.fixture
def receiver(loopback_allowed) -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


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
