"""GET /api/v1/subscriptions: what Your products lists, a page at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from benefits import licensing, selectors
from benefits.models import Product, Subscription
from tests.benefits.api.paging import walk
from tests.conftest import url

pytestmark = pytest.mark.django_db


def test_lists_what_your_products_shows(contoso_api, contoso):
    response = contoso_api.get(url("api:subscriptions_list"))
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [(item["product"], item["status"]) for item in items] == [
        ("Microsoft Intune", "disabled"),
        ("Office 365 E3", "active"),
        ("Power BI Pro", "active"),
    ]
    office = items[1]
    assert office["tenant_domain"] == "contoso.onmicrosoft.com"
    assert office["seats"] == 100
    assert office["status_label"] == "Active"
    subscription = Subscription.objects.get(pk=office["id"])
    assert office["start_date"] == subscription.start_date.isoformat()
    assert office["end_date"] == subscription.end_date.isoformat()


def test_deleted_and_other_organizations_subscriptions_are_not_listed(
    contoso_api, contoso, fabrikam
):
    today = timezone.localdate()
    gone = today - timedelta(days=licensing.DISABLED_UNTIL_DAYS + 1)
    Subscription.objects.create(
        tenant=contoso.tenants.first(),
        product=Product.objects.get(name="Power BI Pro"),
        seats=1,
        start_date=gone - timedelta(days=30),
        end_date=gone,
    )
    theirs = set(
        Subscription.objects.filter(tenant__organization=fabrikam).values_list("pk", flat=True)
    )
    ids = [item["id"] for item in contoso_api.get(url("api:subscriptions_list")).json()["items"]]
    assert len(ids) == 3
    assert not set(ids) & theirs


def test_walking_the_pages_sees_each_subscription_once_in_order(contoso_api, contoso):
    tenant = contoso.tenants.first()
    product = Product.objects.get(name="Power BI Pro")
    today = timezone.localdate()
    Subscription.objects.bulk_create(
        Subscription(tenant=tenant, product=product, seats=n + 1, start_date=today, end_date=today)
        for n in range(12)
    )
    forwards, backwards = walk(contoso_api, url("api:subscriptions_list", query={"page_size": 5}))
    expected = selectors.subscription_listed(organization=contoso, today=today)
    assert forwards == backwards == list(expected.values_list("pk", flat=True))
    assert len(forwards) == 15
