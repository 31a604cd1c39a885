"""The benefits report: its figures for a known organization, month by month to the day, never
another organization's; its charts and tables; its CSV; who may see it (its queries and cached
copy: test_report_queries.py)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.utils import timezone

from accounts.models import Role
from benefits.report import (
    BenefitsReport,
    CreditUse,
    LicenseUse,
    MonthExpirations,
    benefits_report,
)
from benefits.views.report import CSV_COLUMNS
from common.pagecache import page_cache
from tests.accounts.factories import UserFactory
from tests.benefits.factories import ProductKeyFactory, SubscriptionFactory
from tests.benefits.report_data import credit_benefit, license_benefit, redeemed_key
from tests.conftest import url

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 15)


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
