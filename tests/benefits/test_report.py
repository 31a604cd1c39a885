"""The benefits report: its figures for a known organization, month by month to the day, never
another organization's; a constant number of queries; served from the page cache; its CSV; who
may see it."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import DirectoryUser, Role
from benefits.models import Benefit, CreditAssignment, Product, ProductKey, Subscription
from benefits.report import (
    BenefitsReport,
    CreditUse,
    LicenseUse,
    MonthExpirations,
    benefits_report,
)
from benefits.views.report import CSV_COLUMNS
from common.pagecache import page_cache
from tests.accounts.factories import DirectoryUserFactory, TenantFactory, UserFactory
from tests.benefits.factories import (
    BenefitFactory,
    ProductFactory,
    ProductKeyFactory,
    SubscriptionFactory,
    random_key,
)
from tests.conftest import url

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 15)
REDEEMED_AT = datetime(2026, 2, 1, tzinfo=UTC)


def license_benefit(organization, name: str, **fields) -> Benefit:
    product = ProductFactory.create(name=name, kind=Product.Kind.LICENSE)
    return BenefitFactory.create(organization=organization, product=product, **fields)


def credit_benefit(organization, name: str, quantity: int, holders: int, **fields) -> Benefit:
    product = ProductFactory.create(name=name, kind=Product.Kind.USAGE)
    credit = BenefitFactory.create(
        organization=organization, product=product, quantity=quantity, monthly_credit=True, **fields
    )
    tenant = organization.tenants.get()
    for _ in range(holders):
        CreditAssignment.objects.create(
            benefit=credit, directory_user=DirectoryUserFactory.create(tenant=tenant)
        )
    return credit


def redeemed_key(benefit: Benefit, licenses: int) -> ProductKey:
    subscription = SubscriptionFactory.create(
        tenant=benefit.organization.tenants.get(),
        product=benefit.product,
        end_date=date(2030, 1, 1),
    )
    return ProductKeyFactory.create(
        benefit=benefit, licenses=licenses, redeemed_at=REDEEMED_AT, redeemed_into=subscription
    )


def known_data(organization) -> None:
    """Licenses: Office 10 + 5 redeemed, 20 available; Intune without keys. Credit: 3 seats,
    2 held. Expirations from 15 March 2026: see the test."""
    office = license_benefit(organization, "Office 365 E3", expiration_date=date(2026, 3, 31))
    redeemed_key(office, 10)
    redeemed_key(office, 5)
    ProductKeyFactory.create(benefit=office, licenses=20)
    license_benefit(organization, "Intune", expiration_date=date(2026, 4, 1))
    credit_benefit(organization, "Azure monthly", 3, 2, expiration_date=date(2027, 2, 28))
    # Expired yesterday: neither its keys nor its expiration count.
    gone = license_benefit(organization, "Old product", expiration_date=date(2026, 3, 14))
    ProductKeyFactory.create(benefit=gone, licenses=99)
    # The day after the twelfth month: current, but its expiration is beyond the report.
    license_benefit(organization, "Far product", expiration_date=date(2027, 3, 1))
    tenant = organization.tenants.get()
    for end in [date(2026, 3, 14), date(2026, 3, 15), date(2026, 4, 30), date(2027, 2, 28)]:
        SubscriptionFactory.create(tenant=tenant, end_date=end)


def test_the_figures_of_a_known_organization(organization, other_organization):
    known_data(organization)
    known_data(other_organization)  # the same again elsewhere: never counted
    credit_benefit(other_organization, "Azure monthly", 9, 1)
    report = benefits_report(organization=organization, today=TODAY)
    assert isinstance(report, BenefitsReport)
    far, intune, office = report.licenses  # by product name
    assert (office.product, office.redeemed, office.available) == ("Office 365 E3", 15, 20)
    assert (intune.product, intune.redeemed, intune.available) == ("Intune", 0, 0)
    assert (far.redeemed, far.available) == (0, 0)
    assert all(isinstance(use, LicenseUse) for use in report.licenses)
    [credit] = report.credits
    assert credit == CreditUse(credit.benefit_id, "Azure monthly", quantity=3, assigned=2)
    assert credit.free == 1
    assert [month.month for month in report.months] == [
        date(2026, 3, 1),
        *(date(2026 + (3 + n) // 12, (3 + n) % 12 + 1, 1) for n in range(11)),
    ]
    counts = {month.month: (month.benefits, month.subscriptions) for month in report.months}
    # Office on 31 March, Intune on 1 April; the subscription ending today is still Active,
    # the one that ended yesterday is not; the last day of the twelfth month is in.
    assert counts[date(2026, 3, 1)] == (1, 1)
    assert counts[date(2026, 4, 1)] == (1, 1)
    assert counts[date(2027, 2, 1)] == (1, 1)
    assert sum(benefits for benefits, _ends in counts.values()) == 3
    assert sum(ends for _benefits, ends in counts.values()) == 3
    assert isinstance(report.months[0], MonthExpirations)


def test_more_seats_held_than_granted_leaves_none_free(organization):
    credit_benefit(organization, "Azure monthly", 1, 2)
    [credit] = benefits_report(organization=organization, today=timezone.localdate()).credits
    assert (credit.assigned, credit.free) == (2, 0)


# --- Queries --------------------------------------------------------------------------------


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


# --- The page -----------------------------------------------------------------------------


def test_each_chart_is_an_accessible_image_beside_a_table_of_its_figures(
    partner_client, organization
):
    today = timezone.localdate()
    office = license_benefit(organization, "Office 365 E3")
    redeemed_key(office, 1200)
    ProductKeyFactory.create(benefit=office, licenses=300)
    credit_benefit(organization, "Azure monthly", 3, 2)
    page_cache().clear()
    content = partner_client.get(url("benefits:report")).content.decode()
    for section in ("licenses", "credits", "expirations"):
        assert f'aria-labelledby="{section}-title {section}-desc"' in content
        assert f'<title id="{section}-title">' in content
        assert f'<desc id="{section}-desc">' in content
        assert f'id="{section}-series-1"' in content  # the hatch: a pattern, not only a colour
        assert f'id="{section}-table"' in content
    assert content.count('role="img"') == 3
    assert "<script>" not in content.split("<main")[1]
    assert 'style="' not in content
    # The largest stack fills the plot; the figures are in the table too.
    assert 'width="460.8"' in content  # 1,200 of 1,500 licenses on 576 units
    assert 'width="115.2"' in content  # and 300
    assert '<td class="text-end">1,200</td>' in content
    assert f'<time datetime="{today:%Y-%m}">' in content
    assert "<caption>" in content
    assert '<th scope="row">' in content


def test_the_report_in_french_names_months_and_groups_digits_the_french_way(
    partner_client, organization
):
    office = license_benefit(organization, "Office 365 E3")
    redeemed_key(office, 1200)
    page_cache().clear()
    content = partner_client.get(
        url("benefits:report"), headers={"accept-language": "fr"}
    ).content.decode()
    assert "Rapport sur les avantages" in content
    assert re.search(r'<td class="text-end">1\s200</td>', content)
    month = timezone.localdate().replace(day=1)
    french_months = (
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    )
    assert f"{french_months.split()[month.month - 1]} {month.year}" in content
    # Coordinates stay machine numbers in French: a point, never a comma.
    assert re.search(r'<rect x="\d+\.\d"', content)
    assert not re.search(r'<rect x="\d+,\d"', content)


def test_the_navigation_and_the_overview_link_to_the_report(partner_client):
    report = url("benefits:report")
    assert f'href="{report}"' in partner_client.get(url("benefits:overview")).content.decode()
    assert f'href="{report}"' in partner_client.get(url("home")).content.decode()


# --- CSV ----------------------------------------------------------------------------------


def test_the_csv_holds_all_three_tables_with_a_byte_order_mark(partner_client, organization):
    office = license_benefit(organization, "Office 365 E3", expiration_date=timezone.localdate())
    redeemed_key(office, 10)
    ProductKeyFactory.create(benefit=office, licenses=20)
    credit_benefit(organization, "Azure monthly", 3, 2)
    response = partner_client.get(url("benefits:report_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == [str(column) for column in CSV_COLUMNS]
    body = [row[1:] for row in rows[1:]]
    assert ["Office 365 E3", "Licenses redeemed", "10"] in body
    assert ["Office 365 E3", "Licenses available", "20"] in body
    assert ["Azure monthly", "Seats assigned", "2"] in body
    assert ["Azure monthly", "Seats free", "1"] in body
    this_month = f"{timezone.localdate():%Y-%m}"
    assert [this_month, "Benefits expiring", "1"] in body
    assert len([row for row in body if row[1] == "Active subscriptions ending"]) == 12
    assert len({row[0] for row in rows[1:]}) == 3  # the three sections


def test_the_csv_in_french(partner_client, organization):
    credit_benefit(organization, "Azure monthly", 3, 2)
    text = partner_client.get(
        url("benefits:report_csv"), headers={"accept-language": "fr"}
    ).content.decode()
    assert "Places de crédit Azure affectées et libres,Azure monthly,Places libres,1" in text


# --- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["benefits:report", "benefits:report_csv"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(url("login"))


@pytest.mark.parametrize("name", ["benefits:report", "benefits:report_csv"])
@pytest.mark.parametrize("roles", [[], [Role.BILLING_ADMIN.value], [Role.SALES_AGENT.value]])
def test_other_roles_are_refused(client, organization, name, roles):
    client.force_login(UserFactory.create(organization=organization, roles=roles))
    assert client.get(url(name)).status_code == 403


@pytest.mark.parametrize(
    "role", [Role.GLOBAL_ADMIN, Role.USER_ADMIN, Role.ADMIN_AGENT, Role.MPN_PARTNER_ADMIN]
)
def test_each_benefits_role_sees_the_report(client, organization, role):
    client.force_login(UserFactory.create(organization=organization, roles=[role.value]))
    assert client.get(url("benefits:report")).status_code == 200
    assert client.get(url("benefits:report_csv")).status_code == 200
