"""The large tables are rendered once and cached under a digest of what they show: any change
to what a row shows, however it was made (here an update that bypasses save() and signals),
a new day or another language shows at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from benefits.models import Benefit, Product, Subscription
from partnerbenefits.fragments import queryset_digest

pytestmark = pytest.mark.django_db


def test_azure_cloud_shows_a_changed_quantity_at_once(contoso_client):
    assert contoso_client.get("/mpn/benefits/azure-cloud/").status_code == 200
    office = Benefit.objects.get(
        organization__name="Contoso Partners", product__name="Office 365 E3"
    )
    Benefit.objects.filter(pk=office.pk).update(quantity=4321)
    assert "<td>4321</td>" in contoso_client.get("/mpn/benefits/azure-cloud/").content.decode()


def test_azure_cloud_shows_a_renamed_product_at_once(contoso_client):
    contoso_client.get("/mpn/benefits/azure-cloud/")
    Product.objects.filter(name="Power BI Pro").update(name="Power BI Pro (renamed)")
    assert (
        "Power BI Pro (renamed)"
        in contoso_client.get("/mpn/benefits/azure-cloud/").content.decode()
    )


def test_your_products_shows_a_changed_end_date_at_once(contoso_client):
    contoso_client.get("/products/")
    new_end = timezone.localdate() + timedelta(days=999)
    Subscription.objects.filter(product__name="Power BI Pro").update(end_date=new_end)
    assert f'datetime="{new_end.isoformat()}"' in contoso_client.get("/products/").content.decode()


def test_the_digest_changes_with_the_language_and_the_rows(demo_data):
    benefits = Benefit.objects.order_by("pk")[:3]
    english = queryset_digest(benefits, related=("product",))
    assert queryset_digest(benefits, related=("product",)) == english
    assert queryset_digest(benefits) != english
    with translation.override("fr"):
        assert queryset_digest(benefits, related=("product",)) != english
    Product.objects.filter(pk=benefits[0].product_id).update(name="Changed")
    assert queryset_digest(benefits, related=("product",)) != english
