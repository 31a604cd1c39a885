"""The benefits report's cost: a constant number of queries whatever the benefits, and its
cached copy (at most three queries, a change shown once committed, yesterday's never today)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import DirectoryUser
from benefits.models import Benefit, CreditAssignment, Product, ProductKey, Subscription
from benefits.report import BenefitsReport, benefits_report
from common.pagecache import page_cache
from tests.accounts.factories import TenantFactory, UserFactory
from tests.benefits.factories import ProductFactory, random_key
from tests.benefits.report_data import credit_benefit, license_benefit, redeemed_key
from tests.conftest import url

pytestmark = pytest.mark.django_db


def populate(organization, count: int) -> None:
    """``count`` license benefits with two keys each (one redeemed), ``count`` credits with a
    holder each, ``count`` subscriptions ending over the year."""
    today = timezone.localdate()
    tenant = organization.tenants.get()
    license_product = ProductFactory.create(name="Office 365 E3", kind=Product.Kind.LICENSE)
    usage = ProductFactory.create(name="Azure credit", kind=Product.Kind.USAGE)
    common = {"organization": organization, "offer": "gold", "benefit_type": "core"}
    licensed = Benefit.objects.bulk_create(
        Benefit(
            product=license_product,
            quantity=20,
            expiration_date=today + timedelta(days=n % 360),
            **common,
        )
        for n in range(count)
    )
    credits = Benefit.objects.bulk_create(
        Benefit(
            product=usage,
            quantity=2,
            expiration_date=today + timedelta(days=n % 360),
            credit_amount=100,
            credit_period="monthly",
            currency="USD",
            **common,
        )
        for n in range(count)
    )
    subscriptions = Subscription.objects.bulk_create(
        Subscription(
            tenant=tenant,
            product=license_product,
            seats=10,
            start_date=today,
            end_date=today + timedelta(days=n % 360),
        )
        for n in range(count)
    )
    seed = count * 1000
    ProductKey.objects.bulk_create(
        [
            ProductKey(benefit=benefit, key=random_key(seed + n), licenses=10)
            for n, benefit in enumerate(licensed)
        ]
        + [
            ProductKey(
                benefit=benefit,
                key=random_key(seed + count + n),
                licenses=10,
                redeemed_at=timezone.now(),
                redeemed_into=subscription,
            )
            for n, (benefit, subscription) in enumerate(zip(licensed, subscriptions, strict=True))
        ]
    )
    people = DirectoryUser.objects.bulk_create(
        DirectoryUser(tenant=tenant, display_name=f"P{n}", user_principal_name=f"p{seed}{n}@x.x")
        for n in range(count)
    )
    CreditAssignment.objects.bulk_create(
        CreditAssignment(benefit=credit, directory_user=person)
        for credit, person in zip(credits, people, strict=True)
    )


def queries_of(action) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        action()
    return [query["sql"] for query in captured]


@pytest.mark.parametrize("count", [5, 500])
def test_the_report_reads_four_queries_at_5_and_500_benefits(organization, count):
    populate(organization, count)
    today = timezone.localdate()
    report: list[BenefitsReport] = []
    queries = queries_of(
        lambda: report.append(benefits_report(organization=organization, today=today))
    )
    assert len(queries) == 4, queries
    assert len(report[0].licenses) == len(report[0].credits) == count
    assert sum(use.redeemed for use in report[0].licenses) == 10 * count


def page_queries(client, count: int, organization) -> int:
    populate(organization, count)
    page_cache().clear()
    response: list = []
    queries = queries_of(lambda: response.append(client.get(url("benefits:report"))))
    assert response[0].status_code == 200
    return len(queries)


def test_the_page_runs_the_same_queries_at_5_and_500_benefits(client, organization):
    from tests.accounts.factories import OrganizationFactory

    small, large = organization, OrganizationFactory.create()
    TenantFactory.create(organization=large)
    counts = []
    for each, count in ((small, 5), (large, 500)):
        client.force_login(UserFactory.create(organization=each))
        counts.append(page_queries(client, count, each))
    assert counts[0] == counts[1]


def test_a_cached_report_costs_at_most_three_queries(partner_client, organization):
    redeemed_key(license_benefit(organization, "Office 365 E3"), 10)
    credit_benefit(organization, "Azure monthly", 3, 2)
    page_cache().clear()
    first = partner_client.get(url("benefits:report")).content.decode()
    response: list = []
    queries = queries_of(lambda: response.append(partner_client.get(url("benefits:report"))))
    assert len(queries) <= 3, queries
    assert response[0].content.decode().count("<svg") == first.count("<svg")
    assert "Office 365 E3" in response[0].content.decode()


def test_a_change_shows_in_the_report_once_committed(
    partner_client, organization, django_capture_on_commit_callbacks
):
    page_cache().clear()
    assert "Office 365 E3" not in partner_client.get(url("benefits:report")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        license_benefit(organization, "Office 365 E3")
    assert "Office 365 E3" in partner_client.get(url("benefits:report")).content.decode()


def test_a_report_cached_yesterday_is_not_shown_today(partner_client, monkeypatch):
    """The expirations start with the current month: the copy is kept per day."""
    page_cache().clear()
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 3, 31))
    assert (
        '<time datetime="2026-03">' in partner_client.get(url("benefits:report")).content.decode()
    )
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 4, 1))
    content = partner_client.get(url("benefits:report")).content.decode()
    assert '<time datetime="2026-03">' not in content
    assert '<time datetime="2027-03">' in content
