"""The Team page's API tokens and webhook endpoints in the activity log (SPEC 9: every change
of the Team page is an activity record): who made or revoked a token, who added, changed or
deleted an endpoint — never a token's or an endpoint's secret."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import translation

from benefits.models import Activity
from benefits.templatetags.benefit_tags import setting_text
from tests.benefits.webhooks.endpoints import endpoint_make
from tests.conftest import url

pytestmark = pytest.mark.django_db

SECRETS = re.compile(r"pb_[A-Za-z0-9]+_[A-Za-z0-9_-]{20,}|whsec_[A-Za-z0-9+/=]{40,}")
VERSION = re.compile(r'name="secret_version" value="([^"]+)"')


def version_of(page: str) -> str:
    found = VERSION.search(page)
    assert found is not None
    return found.group(1)


def records(kind: str) -> list[Activity]:
    return list(Activity.objects.filter(kind=kind).order_by("pk"))


def test_a_token_made_and_revoked_on_the_team_page_is_in_the_log(partner_client, admin_user):
    answer = partner_client.post(
        url("team:tokens"), {"name": "ERP", "scopes": ["read", "redeem"], "expires_days": "30"}
    )
    raw = answer.context["raw_token"]
    [created] = records(Activity.Kind.TOKEN_CREATED)
    assert created.actor == admin_user
    assert created.organization == admin_user.organization
    assert created.after["token"] == "ERP"
    assert created.after["account"] == admin_user.email
    assert created.after["scopes"] == ["read", "redeem"]
    token = admin_user.api_tokens.get()
    partner_client.post(url("team:token_revoke", token.pk))
    [revoked] = records(Activity.Kind.TOKEN_REVOKED)
    assert revoked.before["token"] == "ERP"
    assert revoked.after == {}
    stored = json.dumps([created.before, created.after, revoked.before, revoked.after])
    assert raw not in stored
    assert not SECRETS.search(stored)
    page = partner_client.get(url("activity")).content.decode()
    assert "API token created" in page
    assert "API token revoked" in page
    assert raw not in page


def test_a_refused_token_writes_nothing(partner_client, admin_user):
    partner_client.post(url("team:tokens"), {"name": "ERP", "scopes": []})
    assert not records(Activity.Kind.TOKEN_CREATED)


def test_each_webhook_change_on_the_team_page_is_in_the_log(
    partner_client, admin_user, organization, settings
):
    settings.DEBUG = True  # http:// to loopback
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    address = "http://127.0.0.1:9000/in"
    partner_client.post(url("team:webhook_create"), {"url": address, "kinds": ["credit_assigned"]})
    endpoint = organization.webhook_endpoints.get()
    detail = url("team:webhook_detail", endpoint.pk)
    partner_client.post(detail, {"kinds": ["credit_assigned"]})  # the same: no change
    partner_client.post(detail, {"kinds": ["credit_assigned", "key_redeemed"]})
    confirm = partner_client.get(url("team:webhook_secret", endpoint.pk)).content.decode()
    partner_client.post(
        url("team:webhook_secret", endpoint.pk),
        {"secret_version": version_of(confirm)},
    )
    partner_client.post(url("team:webhook_disable", endpoint.pk))
    partner_client.post(url("team:webhook_enable", endpoint.pk))
    partner_client.post(url("team:webhook_delete", endpoint.pk))

    [added] = records(Activity.Kind.WEBHOOK_ADDED)
    assert added.after == {"endpoint": address, "kinds": ["credit_assigned"], "active": True}
    changes = records(Activity.Kind.WEBHOOK_CHANGED)
    assert [(change.before, change.after) for change in changes] == [
        (
            {"endpoint": address, "kinds": ["credit_assigned"], "active": True},
            {"endpoint": address, "kinds": ["credit_assigned", "key_redeemed"], "active": True},
        ),
        (
            {"endpoint": address, "kinds": ["credit_assigned", "key_redeemed"], "active": True},
            {
                "endpoint": address,
                "kinds": ["credit_assigned", "key_redeemed"],
                "active": True,
                "secret": "new",
            },
        ),
        (
            {"endpoint": address, "kinds": ["credit_assigned", "key_redeemed"], "active": True},
            {"endpoint": address, "kinds": ["credit_assigned", "key_redeemed"], "active": False},
        ),
        (
            {"endpoint": address, "kinds": ["credit_assigned", "key_redeemed"], "active": False},
            {"endpoint": address, "kinds": ["credit_assigned", "key_redeemed"], "active": True},
        ),
    ]
    [deleted] = records(Activity.Kind.WEBHOOK_DELETED)
    assert deleted.before["endpoint"] == address
    assert all(record.actor == admin_user for record in [added, *changes, deleted])
    stored = json.dumps([[r.before, r.after] for r in Activity.objects.all()])
    assert not SECRETS.search(stored)


def test_an_endpoints_deletion_reaches_the_other_endpoints_that_ask_for_it(
    partner_client, organization
):
    watcher = endpoint_make(organization, kinds=["webhook_deleted"])
    doomed = endpoint_make(organization, url="https://hooks.example.com/old")
    partner_client.post(url("team:webhook_delete", doomed.pk))
    [delivery] = watcher.deliveries.all()
    assert delivery.activity.kind == Activity.Kind.WEBHOOK_DELETED


@pytest.mark.parametrize(
    ("state", "english", "french"),
    [
        (
            {"token": "ERP", "account": "a@x.example", "scopes": ["read"], "expires": "2027-01-31"},
            "ERP (a@x.example; scopes: Read; expires Jan. 31, 2027)",
            "ERP (a@x.example; portées : Lecture; expire le 31 janvier 2027)",
        ),
        (
            {"endpoint": "https://h.example/in", "kinds": ["key_redeemed"], "active": False},
            "https://h.example/in (disabled; Product key redeemed)",
            "https://h.example/in (désactivé; Clé de produit échangée)",
        ),
    ],
)
def test_a_token_or_endpoint_is_written_in_the_readers_language(state, english, french):
    with translation.override("en"):
        assert setting_text(state) == english
    with translation.override("fr"):
        assert setting_text(state) == french
