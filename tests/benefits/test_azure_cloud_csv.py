"""Azure & Cloud products as a CSV file: headings in the reader's language, the rows the list
shows in its order, ISO dates and plain amounts, and credit amounts in the reader's currency
format on the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Organization, User
from benefits.models import Product
from tests.benefits.azure_cloud_pages import CSV, URL, products_in, read_csv
from tests.benefits.factories import BenefitFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("en", "Section,Product,Quantity,Offer,Benefit type,Expiration date,Status,"),
        ("fr", "Section,Produit,Quantité,Offre,Type d’avantage,Date d’expiration,Statut,"),
    ],
)
def test_csv_headings_are_in_the_readers_language(contoso_client, language, headings):
    response = contoso_client.get(CSV, headers={"accept-language": language})
    assert response.content.decode("utf-8-sig").startswith(headings)


def test_csv_exports_what_the_list_shows_in_the_same_order(contoso_client):
    params = {"status": "active", "sort": "-quantity"}
    response = contoso_client.get(CSV, params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    page = contoso_client.get(URL, params).content.decode()
    assert [row["product"] for row in rows] == products_in(page, "usage") + products_in(
        page, "license"
    )


def test_csv_has_iso_dates_plain_amounts_and_a_currency_column(contoso_client):
    rows = read_csv(contoso_client.get(CSV, {"q": "monthly"}))
    assert rows == [
        {
            "section": "Usage-based",
            "product": "Azure monthly credit — 100 per month",
            "quantity": "2",
            "offer": "Microsoft Action Pack",
            "benefit_type": "Core",
            "expiration_date": (timezone.localdate() + timedelta(days=200)).isoformat(),
            "status": "Active",
            "credit_amount": "100.00",
            "credit_period": "Monthly credit",
            "currency": "USD",
        }
    ]


def test_csv_in_french_keeps_its_accents(contoso_client):
    rows = read_csv(contoso_client.get(CSV, {"q": "bulk"}, headers={"accept-language": "fr"}))
    assert rows[0]["section"] == "Basé sur l’utilisation"
    assert rows[0]["offer"] == "Compétence Gold"
    assert rows[0]["benefit_type"] == "Incrémentiel"


def test_csv_of_another_organization_holds_none_of_its_rows(demo_data, client):
    client.force_login(User.objects.get(email="admin@fabrikam.example"))
    rows = read_csv(client.get(CSV))
    assert [row["product"] for row in rows] == ["Office 365 E3"]
    assert rows[0]["quantity"] == "50"


# --- Currency -----------------------------------------------------------------------------------


def test_credit_amounts_in_english(contoso_client):
    page = contoso_client.get(URL).content.decode()
    assert "$100.00 per month" in page
    assert "$6,000.00 per year" in page


def test_credit_amounts_in_french_and_euros(client, demo_data):
    fabrikam = Organization.objects.get(mpn_id="4711002")
    BenefitFactory(
        organization=fabrikam,
        product=ProductFactory(
            name="Azure monthly credit — 100 per month", kind=Product.Kind.USAGE
        ),
        credit_amount=100,
        credit_period="monthly",
        currency="EUR",
    )
    client.force_login(User.objects.get(email="admin@fabrikam.example"))
    page = client.get(URL, headers={"accept-language": "fr"}).content.decode()
    assert "100,00\xa0€ par mois" in page
