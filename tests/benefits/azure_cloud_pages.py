"""Reading Azure & Cloud products as a browser and a spreadsheet receive them, and filling an
organization with more benefits than a page holds."""

from __future__ import annotations

import csv
import io
import re

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from benefits.models import Benefit
from tests.benefits.factories import ProductFactory

URL = reverse("benefits:azure_cloud")
CSV = reverse("benefits:azure_cloud_csv")


def products_in(page: str, section: str) -> list[str]:
    """Product names in the order a section lists them."""
    start = page.index(f'id="section-{section}"')
    end = page.find("</section>", start)
    return re.findall(r"<tr class=\"[^\"]*\">\s*<td>([^<]+)", page[start:end])


def many(organization: Organization, count: int) -> None:
    """``count`` benefits of one product, quantities 1 to ``count``, all expiring today: more
    than a page of the list."""
    product = ProductFactory.create(name="Bulk product")
    Benefit.objects.bulk_create(
        [
            Benefit(
                organization=organization,
                product=product,
                offer="gold",
                benefit_type="core",
                quantity=n + 1,
                expiration_date=timezone.localdate(),
            )
            for n in range(count)
        ]
    )


CSV_COLUMNS = [
    "section",
    "product",
    "quantity",
    "offer",
    "benefit_type",
    "expiration_date",
    "status",
    "credit_amount",
    "credit_period",
    "currency",
]


def read_csv(response: HttpResponse) -> list[dict]:
    """The rows, keyed by column whatever the language of the headings."""
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    _headings, *rows = csv.reader(io.StringIO(raw.decode("utf-8-sig")))
    return [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows]
