"""Your products: each subscription's status and the wizard's links it offers."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from benefits.models import Subscription
from tests.benefits.wizard_pages import (
    O365_25,
    URL,
    sub,
    text,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("each_state_store", "fresh_rate_limit"),
]


def test_your_products_lists_status_and_actions(contoso_client):
    page = text(contoso_client.get(reverse("products")))
    office = sub("Office 365 E3")
    assert f"?subscription={office.pk}&amp;action=extend" in page
    assert f"?subscription={office.pk}&amp;action=add" in page
    assert "Disabled" in page
    assert "fabrikam" not in page


def test_your_products_offers_no_added_licenses_before_the_start(contoso_client):
    office = sub("Office 365 E3")
    start = timezone.localdate() + relativedelta(months=2)
    Subscription.objects.filter(pk=office.pk).update(start_date=start)
    page = text(contoso_client.get(reverse("products")))
    assert f"?subscription={office.pk}&amp;action=extend" in page
    assert f"?subscription={office.pk}&amp;action=add" not in page


def test_other_roles_are_refused_the_wizard_and_products(client, demo_data):
    client.force_login(User.objects.get(email="billing@contoso.example"))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("products")).status_code == 403
    assert client.post(URL, {"step": "key", "key": O365_25}).status_code == 403
