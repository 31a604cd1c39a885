"""Driving the redemption wizard through its pages, as the demo organization's admin: the
demo data's keys, the Contoso subscriptions they go to, and each step's request."""

from __future__ import annotations

import re

from django.urls import reverse

from benefits.models import Subscription
from tests.benefits.wizard import wizard_state

URL = reverse("benefits:redeem")

# The demo data's keys (benefits/demo/data.py), by product and licenses: all Contoso's but the
# last, and unused until a test redeems them.
O365_25 = "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"
O365_100 = "W7QCC-MCX3K-J9X3F-96QVT-YR36V"
PBI_10 = "27P9H-J68XW-2876H-V9CGM-7F8VY"
PBI_20 = "KQH88-6PMYQ-TH2VP-6J74B-TKCXD"
INTUNE_10 = "KFCQB-TWKJX-J7KTQ-M4PMB-QQRJQ"
FABRIKAM_KEY = "Y3VQD-K8BJ7-PYC7D-MJV43-YF7FT"


def sub(product: str) -> Subscription:
    """Contoso's subscription to ``product`` in its primary tenant."""
    return Subscription.objects.get(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name=product
    )


def office() -> Subscription:
    return sub("Office 365 E3")


def start(client, product: str, action: str, headers=None):
    """The wizard opened with the choice made, as Your products' links open it."""
    return client.get(
        URL, {"subscription": sub(product).pk, "action": action}, headers=headers or {}
    )


def validate(client, key: str, headers=None):
    return client.post(URL, {"step": "key", "key": key}, headers=headers or {})


def token(client) -> str:
    return wizard_state(client)["token"]


def redeem(client, headers=None):
    return client.post(URL, {"step": "review", "token": token(client)}, headers=headers or {})


def text(response) -> str:
    """The page with its whitespace collapsed, to find a sentence across line breaks."""
    return re.sub(r"\s+", " ", response.content.decode())
